package dev.cab.alerts.config;

import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.config.KafkaConfig;
import dev.cab.model.config.ManagementConfig;
import dev.cab.model.topic.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed, validated settings of the alerts stage. Every key is dotted lower-case and overridable by
 * the environment variable of the same name upper-cased with dots as underscores ({@code
 * alerts.alertmanager.url} / {@code ALERTS_ALERTMANAGER_URL}); {@link #from} collects every problem
 * and fails once with all of them.
 *
 * @param kafka the shared Kafka settings ({@value #KAFKA_BOOTSTRAP}, required; {@code
 *     cab.kafka.topic.*}: whether and how the topics it uses are created)
 * @param cellsTopic {@value #TOPIC_CELLS}: the cell records detection reads
 * @param alertsTopic {@value #TOPIC_ALERTS}: where transitions go (compacted)
 * @param sweepPlansTopic {@value #TOPIC_SWEEP_PLANS}: the sweep plans, whose baseline declares each
 *     sweep's baseline
 * @param fdr {@value #FDR}: false discovery rate of each sweep comparison (Benjamini-Hochberg)
 * @param looks {@value #LOOKS}: information fractions at which each hypothesis is tested
 * @param spendingRho {@value #SPENDING_RHO}: exponent of the alpha-spending function {@code t^rho}
 * @param minPairs {@value #MIN_PAIRS}: paired cells a hypothesis needs before its first test
 * @param baselines {@value #BASELINES}: declared baselines, {@code candidate=baseline,...}; a
 *     pooled baseline names its sweeps joined by {@code +} ({@code candidate=b1+b2+b3})
 * @param baselineSweeps {@value #BASELINE_SWEEPS}: how many earlier sweeps the automatic baseline
 *     pools (docs/ALERTS.md, "Baseline")
 * @param keptSweeps {@value #SWEEPS_KEPT}: how many sweeps detection keeps in memory, the newest by
 *     their first cell; older ones are forgotten (docs/ALERTS.md, "Baseline")
 * @param alertmanagerUrl {@value #ALERTMANAGER_URL}: Alertmanager base URL, or empty for none
 * @param webhookUrl {@value #WEBHOOK_URL}: a webhook taking Alertmanager's webhook JSON (version
 *     4), or empty for none
 * @param resendInterval {@value #RESEND_MS}: firing alerts are re-sent to Alertmanager this often
 * @param retryInitialBackoff {@value #RETRY_BACKOFF_INITIAL_MS}: first wait after a failed delivery
 * @param retryMaxBackoff {@value #RETRY_BACKOFF_MAX_MS}: the wait doubles up to this
 * @param httpTimeout {@value #HTTP_TIMEOUT_MS}: one delivery request
 * @param deliveryGroupId {@value #DELIVERY_GROUP_ID}: consumer group of the delivery loop (its
 *     committed offsets say which transitions were delivered)
 * @param clientId {@value #CLIENT_ID}: prefix of the Kafka client ids
 * @param startupTimeout {@value #STARTUP_TIMEOUT_MS}: how long start-up waits for Kafka
 * @param management {@code cab.listen.address}, {@code cab.management.port}: metrics and health
 */
public record AlertsSettings(
    KafkaConfig kafka,
    String cellsTopic,
    String alertsTopic,
    String sweepPlansTopic,
    double fdr,
    double[] looks,
    double spendingRho,
    int minPairs,
    Map<String, List<String>> baselines,
    int baselineSweeps,
    int keptSweeps,
    String alertmanagerUrl,
    String webhookUrl,
    Duration resendInterval,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    Duration httpTimeout,
    String deliveryGroupId,
    String clientId,
    Duration startupTimeout,
    ManagementConfig management) {

  /** Kafka bootstrap servers ({@code cab.kafka.bootstrap}). */
  public String kafkaBootstrap() {
    return kafka.bootstrap();
  }

  /** The stage name: the {@code stage} label of its meters and health checks. */
  public static final String STAGE = "alerts";

  public static final String KAFKA_BOOTSTRAP = "cab.kafka.bootstrap";
  public static final String TOPIC_PARTITIONS = "cab.kafka.topic.partitions";
  public static final String TOPIC_REPLICATION = "cab.kafka.topic.replication.factor";
  public static final String TOPIC_CELLS = "alerts.topic.cells";
  public static final String TOPIC_ALERTS = "alerts.topic.alerts";
  public static final String TOPIC_SWEEP_PLANS = "alerts.topic.sweep.plans";
  public static final String FDR = "alerts.fdr";
  public static final String LOOKS = "alerts.looks";
  public static final String SPENDING_RHO = "alerts.spending.rho";
  public static final String MIN_PAIRS = "alerts.min.pairs";
  public static final String BASELINES = "alerts.baselines";
  public static final String BASELINE_SWEEPS = "alerts.baseline.sweeps";
  public static final String SWEEPS_KEPT = "alerts.sweeps.kept";
  public static final String ALERTMANAGER_URL = "alerts.alertmanager.url";
  public static final String WEBHOOK_URL = "alerts.webhook.url";
  public static final String RESEND_MS = "alerts.resend.interval.ms";
  public static final String RETRY_BACKOFF_INITIAL_MS = "alerts.retry.backoff.initial.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "alerts.retry.backoff.max.ms";
  public static final String HTTP_TIMEOUT_MS = "alerts.http.timeout.ms";
  public static final String DELIVERY_GROUP_ID = "alerts.delivery.group.id";
  public static final String CLIENT_ID = "alerts.client.id";
  public static final String STARTUP_TIMEOUT_MS = "alerts.startup.timeout.ms";

  public static final double DEFAULT_FDR = 0.05;

  /**
   * Twelve earlier sweeps (fewer when fewer exist: the detector pools what it has). A pair's
   * baseline pass rate over its tasks is then known with a twelfth of the candidate's own Bernoulli
   * variance instead of a quarter (four sweeps) or all of it (one): the offline evaluation detects
   * a 0.3 pass-rate drop of one pair in about 92% of worlds against 87% with four and 43% with one
   * (docs/ALERTS.md, "Quality of detection"). Mozilla's Perfherder judges a new data point against
   * a back window of at least 12 earlier ones for the same reason. A baseline reaching that far
   * back assumes the system under test was stable over it; an operator whose sweeps change more
   * often sets fewer, or declares the baseline in the sweep plan.
   */
  public static final int DEFAULT_BASELINE_SWEEPS = 12;

  /**
   * Fifty sweeps: weeks of a benchmark's nightly and ad-hoc sweeps, far more than a baseline pools,
   * in tens of MB of detection state (an 800-cell sweep and its comparison); a sweep older than
   * that is history for SQL over ClickHouse, not for live detection. A bench replaying hundreds of
   * sweeps had the state of every one of them in the stages' heap (docs/PERFORMANCE.md).
   */
  public static final int DEFAULT_SWEEPS_KEPT = 50;

  public static final String DEFAULT_LOOKS = "0.25,0.5,0.75,1";
  public static final double DEFAULT_SPENDING_RHO = AlphaSpending.DEFAULT_RHO;
  public static final int DEFAULT_MIN_PAIRS = 8;
  public static final Duration DEFAULT_RESEND = Duration.ofSeconds(60);
  public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(5);
  public static final String DEFAULT_DELIVERY_GROUP_ID = "cab-alerts-delivery";
  public static final String DEFAULT_CLIENT_ID = "cab-alerts";
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

  public AlertsSettings {
    looks = looks.clone();
    baselines = Map.copyOf(baselines);
  }

  @Override
  public double[] looks() {
    return looks.clone();
  }

  /**
   * Reads and validates every setting.
   *
   * @param properties explicit settings by dotted key; they win over {@code env}
   * @param env environment variables
   * @throws InvalidConfigException listing every problem
   */
  public static AlertsSettings from(Map<String, String> properties, Map<String, String> env) {
    return from(ConfigValues.of(properties, env));
  }

  /**
   * Reads and validates every setting from {@code c} ({@code --set}, {@code -D}, the environment
   * and the settings file, like every stage).
   *
   * @throws InvalidConfigException listing every problem
   */
  public static AlertsSettings from(ConfigValues c) {
    AlertsSettings s = read(c);
    c.validate(STAGE);
    return s;
  }

  private static AlertsSettings read(ConfigValues c) {
    KafkaConfig kafka = KafkaConfig.read(c);
    String cells = c.string(TOPIC_CELLS, Topics.CELLS.name());
    String alerts = c.string(TOPIC_ALERTS, Topics.ALERTS.name());
    String plans = c.string(TOPIC_SWEEP_PLANS, Topics.SWEEP_PLANS.name());
    double fdr = c.doubleValue(FDR, DEFAULT_FDR);
    if (!(fdr > 0 && fdr < 1)) {
      c.problem(FDR, "must be between 0 and 1 (exclusive), not " + fdr);
    }
    double[] looks = parseLooks(c, c.string(LOOKS, DEFAULT_LOOKS));
    double rho = c.doubleValue(SPENDING_RHO, DEFAULT_SPENDING_RHO);
    if (!(rho > 0 && rho <= 20)) {
      c.problem(SPENDING_RHO, "must be in (0, 20], not " + rho);
    }
    int minPairs = c.intValue(MIN_PAIRS, DEFAULT_MIN_PAIRS, 1, 100_000);
    Map<String, List<String>> baselines = parseBaselines(c, c.string(BASELINES, ""));
    int baselineSweeps = c.intValue(BASELINE_SWEEPS, DEFAULT_BASELINE_SWEEPS, 1, 100);
    int keptSweeps = c.intValue(SWEEPS_KEPT, DEFAULT_SWEEPS_KEPT, 2, 1_000_000);
    if (keptSweeps <= baselineSweeps) {
      c.problem(
          SWEEPS_KEPT,
          "must be more than " + BASELINE_SWEEPS + " (" + baselineSweeps + "), not " + keptSweeps);
    }
    String am = c.string(ALERTMANAGER_URL, "");
    String webhook = c.string(WEBHOOK_URL, "");
    checkUrl(c, ALERTMANAGER_URL, am);
    checkUrl(c, WEBHOOK_URL, webhook);
    Duration resend = c.duration(RESEND_MS, DEFAULT_RESEND);
    Duration initial = c.duration(RETRY_BACKOFF_INITIAL_MS, DEFAULT_RETRY_INITIAL);
    Duration max = c.duration(RETRY_BACKOFF_MAX_MS, DEFAULT_RETRY_MAX);
    Duration http = c.duration(HTTP_TIMEOUT_MS, DEFAULT_HTTP_TIMEOUT);
    if (resend.isZero()) {
      c.problem(RESEND_MS, "must be at least 1 ms");
    }
    if (initial.isZero()) {
      c.problem(RETRY_BACKOFF_INITIAL_MS, "must be at least 1 ms");
    }
    if (max.compareTo(initial) < 0) {
      c.problem(RETRY_BACKOFF_MAX_MS, "must not be smaller than " + RETRY_BACKOFF_INITIAL_MS);
    }
    if (http.isZero()) {
      c.problem(HTTP_TIMEOUT_MS, "must be at least 1 ms");
    }
    String group = c.string(DELIVERY_GROUP_ID, DEFAULT_DELIVERY_GROUP_ID);
    String clientId = c.string(CLIENT_ID, DEFAULT_CLIENT_ID);
    Duration startup = c.duration(STARTUP_TIMEOUT_MS, DEFAULT_STARTUP_TIMEOUT);
    if (cells.equals(alerts) || plans.equals(cells) || plans.equals(alerts)) {
      c.problem(
          TOPIC_CELLS
              + ", "
              + TOPIC_ALERTS
              + " and "
              + TOPIC_SWEEP_PLANS
              + " must name different topics");
    }
    return new AlertsSettings(
        kafka,
        cells,
        alerts,
        plans,
        fdr,
        looks,
        rho,
        minPairs,
        baselines,
        baselineSweeps,
        keptSweeps,
        am,
        webhook,
        resend,
        initial,
        max,
        http,
        group,
        clientId,
        startup,
        ManagementConfig.read(c));
  }

  private static double[] parseLooks(ConfigValues c, String text) {
    try {
      double[] looks =
          Arrays.stream(text.split(","))
              .map(String::trim)
              .mapToDouble(Double::parseDouble)
              .toArray();
      for (int i = 0; i < looks.length; i++) {
        if (!(looks[i] > (i == 0 ? 0 : looks[i - 1]) && looks[i] <= 1)) {
          c.problem(LOOKS, "must increase within (0, 1], not '" + text + "'");
          return new double[] {1.0};
        }
      }
      if (looks[looks.length - 1] != 1.0) {
        c.problem(LOOKS, "must end with 1 (the full sweep), not '" + text + "'");
        return new double[] {1.0};
      }
      return looks;
    } catch (NumberFormatException e) {
      c.problem(LOOKS, "must be comma-separated fractions like 0.25,0.5,1, not '" + text + "'");
      return new double[] {1.0};
    }
  }

  private static Map<String, List<String>> parseBaselines(ConfigValues c, String text) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (text.isBlank()) {
      return m;
    }
    for (String part : text.split(",")) {
      String[] kv = part.trim().split("=", -1);
      List<String> pooled =
          kv.length == 2 ? Arrays.stream(kv[1].split("\\+", -1)).map(String::trim).toList() : null;
      if (pooled == null
          || kv[0].isBlank()
          || pooled.stream().anyMatch(String::isBlank)
          || pooled.contains(kv[0].trim())
          || pooled.stream().distinct().count() < pooled.size()) {
        c.problem(
            BASELINES,
            "must be candidate=baseline pairs separated by commas, a pooled baseline's distinct"
                + " sweeps joined by + (candidate=b1+b2), none the candidate itself; '"
                + part.trim()
                + "' is not");
        continue;
      }
      m.put(kv[0].trim(), pooled);
    }
    return m;
  }

  /** Problems with a receiver URL, or null when it is fine (or empty: no receiver). */
  public static String urlProblem(String url) {
    if (url == null || url.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "must be an http:// or https:// URL, not '" + redact(url) + "'";
      }
      if (uri.getHost() == null || uri.getHost().isBlank()) {
        return "has no host: '" + redact(url) + "'";
      }
      return null;
    } catch (java.net.URISyntaxException e) {
      return "is not a valid URL (" + e.getReason() + "): '" + redact(url) + "'";
    }
  }

  private static void checkUrl(ConfigValues c, String key, String url) {
    String problem = urlProblem(url);
    if (problem != null) {
      c.problem(key, problem);
    }
  }

  /** A URL without user info and query string: safe for logs. */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String s = url.replaceAll("//[^/@]*@", "//");
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q) + "?...";
  }

  @Override
  public String toString() {
    return "AlertsSettings[kafkaBootstrap="
        + kafka.bootstrap()
        + ", topics="
        + cellsTopic
        + "+"
        + sweepPlansTopic
        + "->"
        + alertsTopic
        + ", fdr="
        + fdr
        + ", looks="
        + Arrays.toString(looks)
        + ", rho="
        + spendingRho
        + ", minPairs="
        + minPairs
        + ", baselines="
        + baselines
        + ", baselineSweeps="
        + baselineSweeps
        + ", keptSweeps="
        + keptSweeps
        + ", alertmanagerUrl="
        + redact(alertmanagerUrl)
        + ", webhookUrl="
        + redact(webhookUrl)
        + ", management="
        + management
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlertsSettings other && toString().equals(other.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
