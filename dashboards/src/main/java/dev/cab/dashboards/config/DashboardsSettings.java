package dev.cab.dashboards.config;

import dev.cab.model.config.ClickHouseConfig;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.config.ManagementConfig;
import dev.cab.model.topic.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed, validated settings of the dashboards stage. Every key is dotted lower-case and overridable
 * by the environment variable of the same name ({@code dashboards.http.port} / {@code
 * DASHBOARDS_HTTP_PORT}); {@link #from} collects every problem and fails once with all of them.
 *
 * <p>The stage only reads ClickHouse. Its credentials are its own ({@value #CLICKHOUSE_USER}), so
 * operators give it a read-only account; when unset they fall back to the shared {@code
 * cab.clickhouse.user}/{@code .password}. Every query also goes out as an HTTP GET, which
 * ClickHouse runs with {@code readonly=2} whatever the account may do.
 *
 * @param bindAddress {@value #BIND_ADDRESS}: listen address ({@code 0.0.0.0} in containers)
 * @param httpPort {@value #HTTP_PORT}: the web port (8080; 0 = any free port)
 * @param clickhouseUrl {@value #CLICKHOUSE_URL}: ClickHouse HTTP URL (required)
 * @param clickhouseUser {@value #CLICKHOUSE_USER}, else {@value #SHARED_CLICKHOUSE_USER}
 * @param clickhousePassword {@value #CLICKHOUSE_PASSWORD}, else {@value
 *     #SHARED_CLICKHOUSE_PASSWORD}: never logged
 * @param database {@value #CLICKHOUSE_DATABASE}: the database holding {@code cells}, {@code spans}
 * @param publicBaseUrl {@value #PUBLIC_BASE_URL}: the base of the badge and page URLs in "Embed
 *     this result" ({@code https://codingagentbench.com}); empty = the address the request came to
 * @param queryTimeout {@value #QUERY_TIMEOUT_MS}: one ClickHouse request
 * @param pushInterval {@value #PUSH_INTERVAL_MS}: how often open sweep boards look for new cells
 * @param liveWindow {@value #LIVE_WINDOW_MS}: a sweep that received a cell this recently is "live"
 * @param kafkaBootstrap {@value #KAFKA_BOOTSTRAP}, else {@value #SHARED_KAFKA_BOOTSTRAP}: where the
 *     cell records are read for the push (each record goes to the open boards of its sweep as it
 *     arrives); empty (neither set, or {@value #PUSH_KAFKA} {@code false}) = boards follow
 *     ClickHouse only (its change marker, every {@code pushInterval})
 * @param cellsTopic {@value #TOPIC_CELLS}: the cell-record topic the streams stage writes
 * @param sweepPlansTopic {@value #TOPIC_SWEEP_PLANS}: the sweep-plan topic the collector writes
 *     (the push lays a board out for its whole matrix as soon as the plan is there)
 * @param management {@code cab.listen.address}, {@code cab.management.port}: metrics and health
 */
public record DashboardsSettings(
    String bindAddress,
    int httpPort,
    String clickhouseUrl,
    String clickhouseUser,
    String clickhousePassword,
    String database,
    String publicBaseUrl,
    Duration queryTimeout,
    Duration pushInterval,
    Duration liveWindow,
    String kafkaBootstrap,
    String cellsTopic,
    String sweepPlansTopic,
    ManagementConfig management) {

  /** The stage name: the {@code stage} label of its meters and health checks. */
  public static final String STAGE = "dashboards";

  public static final String BIND_ADDRESS = "dashboards.bind.address";
  public static final String HTTP_PORT = "dashboards.http.port";
  public static final String CLICKHOUSE_URL = "cab.clickhouse.url";
  public static final String SHARED_CLICKHOUSE_USER = "cab.clickhouse.user";
  public static final String SHARED_CLICKHOUSE_PASSWORD = "cab.clickhouse.password";
  public static final String CLICKHOUSE_USER = "dashboards.clickhouse.user";
  public static final String CLICKHOUSE_PASSWORD = "dashboards.clickhouse.password";
  public static final String CLICKHOUSE_DATABASE = "cab.clickhouse.database";
  public static final String PUBLIC_BASE_URL = "dashboards.public.base.url";
  public static final String QUERY_TIMEOUT_MS = "dashboards.query.timeout.ms";
  public static final String PUSH_INTERVAL_MS = "dashboards.push.interval.ms";
  public static final String LIVE_WINDOW_MS = "dashboards.live.window.ms";
  public static final String KAFKA_BOOTSTRAP = "dashboards.kafka.bootstrap";
  public static final String SHARED_KAFKA_BOOTSTRAP = "cab.kafka.bootstrap";
  public static final String TOPIC_CELLS = "dashboards.topic.cells";
  public static final String TOPIC_SWEEP_PLANS = "dashboards.topic.sweep-plans";
  public static final String PUSH_KAFKA = "dashboards.push.kafka";

  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final String DEFAULT_USER = "default";
  public static final String DEFAULT_DATABASE = "cab";
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);

  /** 200 ms keeps a landed cell within 1 s of an open board with room for the query itself. */
  public static final Duration DEFAULT_PUSH_INTERVAL = Duration.ofMillis(200);

  public static final Duration DEFAULT_LIVE_WINDOW = Duration.ofMinutes(2);

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /**
   * Reads and validates every setting.
   *
   * @param properties explicit settings by dotted key; they win over {@code env}
   * @param env environment variables
   * @throws InvalidConfigException listing every problem
   */
  public static DashboardsSettings from(Map<String, String> properties, Map<String, String> env) {
    return from(ConfigValues.of(properties, env));
  }

  /**
   * Reads and validates every setting from {@code c} (what {@code ./cab up} uses: {@code --set},
   * {@code -D}, the environment and the settings file, like every stage).
   *
   * @throws InvalidConfigException listing every problem
   */
  public static DashboardsSettings from(ConfigValues c) {
    DashboardsSettings s = read(c);
    c.validate(STAGE);
    return s;
  }

  private static DashboardsSettings read(ConfigValues c) {
    // the shared listen address (./cab up --listen) unless the dashboards need another
    String bind = c.string(BIND_ADDRESS, ManagementConfig.listenAddress(c));
    int port = c.intValue(HTTP_PORT, DEFAULT_HTTP_PORT, 0, 65_535);
    String url = c.required(CLICKHOUSE_URL, "ClickHouse HTTP URL, e.g. http://localhost:8123");
    String sharedUser = c.string(SHARED_CLICKHOUSE_USER, DEFAULT_USER);
    String sharedPassword = c.string(SHARED_CLICKHOUSE_PASSWORD, "");
    String user = c.string(CLICKHOUSE_USER, sharedUser);
    String password = c.string(CLICKHOUSE_PASSWORD, sharedPassword);
    String database = c.string(CLICKHOUSE_DATABASE, DEFAULT_DATABASE);
    String base = c.string(PUBLIC_BASE_URL, "");
    Duration timeout = c.duration(QUERY_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT);
    Duration push = c.duration(PUSH_INTERVAL_MS, DEFAULT_PUSH_INTERVAL);
    Duration live = c.duration(LIVE_WINDOW_MS, DEFAULT_LIVE_WINDOW);
    // the pipeline's Kafka unless the dashboards need another; none known = ClickHouse only
    boolean kafkaPush = c.bool(PUSH_KAFKA, true);
    String kafka = c.string(KAFKA_BOOTSTRAP, c.string(SHARED_KAFKA_BOOTSTRAP, ""));
    if (!kafkaPush) {
      kafka = "";
    }
    String cellsTopic = c.string(TOPIC_CELLS, Topics.CELLS.name()).strip();
    if (cellsTopic.isEmpty()) {
      c.problem(TOPIC_CELLS, "must name a topic");
    }
    String plansTopic = c.string(TOPIC_SWEEP_PLANS, Topics.SWEEP_PLANS.name()).strip();
    if (plansTopic.isEmpty()) {
      c.problem(TOPIC_SWEEP_PLANS, "must name a topic");
    }
    if (url != null) {
      String problem = httpUrlProblem(url);
      if (problem != null) {
        c.problem(CLICKHOUSE_URL, "" + problem);
      }
    }
    if (!base.isEmpty()) {
      String problem = httpUrlProblem(base);
      if (problem != null) {
        c.problem(PUBLIC_BASE_URL, "" + problem);
      }
    }
    if (!IDENTIFIER.matcher(database).matches()) {
      c.problem(CLICKHOUSE_DATABASE, "must be a plain identifier, not '" + database + "'");
    }
    if (timeout.isZero()) {
      c.problem(QUERY_TIMEOUT_MS, "must be at least 1 ms");
    }
    if (push.toMillis() < 10) {
      c.problem(PUSH_INTERVAL_MS, "must be at least 10 ms");
    }
    return new DashboardsSettings(
        bind,
        port,
        url,
        user,
        password,
        database,
        base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
        timeout,
        push,
        live,
        kafka,
        cellsTopic,
        plansTopic,
        ManagementConfig.read(c));
  }

  private static String httpUrlProblem(String url) {
    try {
      URI uri = URI.create(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "must be an http:// or https:// URL, not '" + redactUrl(url) + "'";
      }
      if (uri.getHost() == null) {
        return "has no host: '" + redactUrl(url) + "'";
      }
      return null;
    } catch (IllegalArgumentException e) {
      return "is not a URL: '" + redactUrl(url) + "'";
    }
  }

  /** A URL with any {@code user:password@} and query string removed: safe for logs. */
  public static String redactUrl(String url) {
    String s = url.replaceAll("//[^/@]*@", "//");
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q) + "?...";
  }

  /** With another port (tests and {@code cab up} pass 0 or the user's choice). */
  public DashboardsSettings withHttpPort(int port) {
    return new DashboardsSettings(
        bindAddress,
        port,
        clickhouseUrl,
        clickhouseUser,
        clickhousePassword,
        database,
        publicBaseUrl,
        queryTimeout,
        pushInterval,
        liveWindow,
        kafkaBootstrap,
        cellsTopic,
        sweepPlansTopic,
        management);
  }

  /** Whether open boards get each cell record from Kafka as it arrives. */
  public boolean kafkaPush() {
    return !kafkaBootstrap.isEmpty();
  }

  /** The ClickHouse account the dashboards read with, for the readiness check. */
  public ClickHouseConfig clickhouse() {
    return new ClickHouseConfig(clickhouseUrl, clickhouseUser, clickhousePassword, database);
  }

  @Override
  public String toString() {
    return "DashboardsSettings[bind="
        + bindAddress
        + ":"
        + httpPort
        + ", clickhouseUrl="
        + redactUrl(clickhouseUrl)
        + ", clickhouseUser="
        + clickhouseUser
        + ", clickhousePassword="
        + (clickhousePassword.isEmpty() ? "" : "******")
        + ", database="
        + database
        + ", publicBaseUrl="
        + publicBaseUrl
        + ", queryTimeout="
        + queryTimeout
        + ", pushInterval="
        + pushInterval
        + ", kafkaBootstrap="
        + (kafkaBootstrap.isEmpty() ? "(off: ClickHouse only)" : kafkaBootstrap)
        + ", cellsTopic="
        + cellsTopic
        + ", sweepPlansTopic="
        + sweepPlansTopic
        + "]";
  }
}
