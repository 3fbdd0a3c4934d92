package dev.cab.sink.config;

import dev.cab.model.config.ClickHouseConfig;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.GroupSessionTimeout;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.config.KafkaConfig;
import dev.cab.model.config.ManagementConfig;
import dev.cab.model.topic.Topics;
import dev.cab.sink.clickhouse.ClusterDdl;
import dev.cab.sink.clickhouse.ModelPrices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed, validated settings of the sink. Every key is dotted lower-case and overridable by the
 * environment variable of the same name upper-cased with dots as underscores ({@code
 * sink.batch.max.rows} / {@code SINK_BATCH_MAX_ROWS}); {@link #from} collects every problem and
 * fails once with all of them.
 *
 * @param kafkaBootstrap {@value #KAFKA_BOOTSTRAP}: Kafka bootstrap servers (required)
 * @param clickhouseUrl {@value #CLICKHOUSE_URL}: ClickHouse HTTP(S) URL such as {@code
 *     http://localhost:8123}, with or without the {@code jdbc:clickhouse:} prefix (required)
 * @param clickhouseUser {@value #CLICKHOUSE_USER}
 * @param clickhousePassword {@value #CLICKHOUSE_PASSWORD}: never logged ({@link #toString} masks
 *     it)
 * @param database {@value #CLICKHOUSE_DATABASE}: the database that holds the tables; created by the
 *     migrations when missing
 * @param groupId {@value #GROUP_ID}: the consumer group shared by every sink instance
 * @param batchMaxRows {@value #BATCH_MAX_ROWS}: flush when this many records are buffered
 * @param batchMaxTime {@value #BATCH_MAX_MS}: flush when the oldest buffered record is this old;
 *     with the insert time it bounds freshness (how long a record waits before it is queryable)
 * @param batchCatchUpTime {@value #BATCH_CATCH_UP_MAX_MS}: while the sink is behind (its lag is at
 *     least {@code batchMaxRows} records), the batch may wait this long to fill up to {@code
 *     batchMaxRows}, so that a sink draining a backlog sends large inserts; a record that waits
 *     here had waited behind a whole batch in Kafka anyway. Below {@code batchMaxTime} (0 included)
 *     it changes nothing
 * @param retryInitialBackoff {@value #RETRY_BACKOFF_INITIAL_MS}: first wait after a retriable error
 * @param retryMaxBackoff {@value #RETRY_BACKOFF_MAX_MS}: the back-off doubles up to this
 * @param retryTimeout {@value #RETRY_TIMEOUT_MS}: how long one batch is retried before the sink
 *     gives up and stops (offsets stay uncommitted, so nothing is lost); 0 retries for ever
 * @param startupTimeout {@value #STARTUP_TIMEOUT_MS}: how long start-up waits for ClickHouse
 * @param closeTimeout {@value #CLOSE_TIMEOUT_MS}: how long {@code close()} tries the final flush
 * @param pollTimeout {@value #POLL_TIMEOUT_MS}: longest single Kafka poll
 * @param insertTimeout {@value #INSERT_TIMEOUT_MS}: socket timeout of one ClickHouse request
 * @param clientId {@value #CLIENT_ID}: prefix of the Kafka client ids
 * @param cellsTopic {@value #TOPIC_CELLS}: cell records (default {@code cab.cells.v1})
 * @param spansTopic {@value #TOPIC_SPANS}: spans (default {@code cab.spans.v1})
 * @param scoresTopic {@value #TOPIC_SCORES}: scorer events (default {@code cab.scores.v1})
 * @param dlqTopic {@value #TOPIC_DLQ}: dead letters (default {@code cab.dlq.v1}); the topic
 *     overrides exist for tests that share one broker and for side-by-side schema versions
 * @param insertFormat {@value #INSERT_FORMAT}: {@code row_binary} or {@code json_each_row}
 * @param retention {@code sink.retention.*}: how long ClickHouse keeps rows ({@link
 *     RetentionSettings})
 * @param alertsTopic {@value #TOPIC_ALERTS}: alert transitions (default {@code cab.alerts.v1})
 * @param sweepPlansTopic {@value #TOPIC_SWEEP_PLANS}: sweep plans (default {@code
 *     cab.sweep-plans.v1})
 * @param prices {@value #PRICES_FILE}: the model price table loaded into {@code model_prices} at
 *     start-up (default: the bundled {@link ModelPrices#DEFAULT})
 * @param createTopics {@code cab.kafka.topic.create}: create missing catalogue topics at start
 * @param topicPartitions {@code cab.kafka.topic.partitions}: partitions of created topics
 * @param topicReplicationFactor {@code cab.kafka.topic.replication.factor}: of created topics
 * @param dlqRetention {@code cab.kafka.topic.dlq.retention.ms}: how long dead letters are kept
 * @param management {@code cab.listen.address}, {@code cab.management.port}: metrics and health
 * @param clickhouseCluster {@value #CLICKHOUSE_CLUSTER}: the ClickHouse cluster (a {@code
 *     remote_servers} name) the migrations create their tables on, as Replicated tables behind
 *     Distributed ones ({@code ON CLUSTER}); empty (the default) for a single server
 * @param migrationsUser {@value #MIGRATIONS_USER}: the ClickHouse user the schema migrations run as
 *     (an administrator: CREATE, ALTER, DROP on the database); default: {@code clickhouseUser}
 * @param migrationsPassword {@value #MIGRATIONS_PASSWORD}: its password; default: {@code
 *     clickhousePassword} when the migrations user is the one the sink writes with, else empty;
 *     never logged
 * @param sessionTimeout {@value #SESSION_TIMEOUT_MS}: how long the group waits for a vanished
 *     instance before its partitions move to the others ({@link GroupSessionTimeout})
 * @param insertOverlap {@value #INSERT_OVERLAP}: true (the default) lets one batch's inserts run on
 *     their own thread while the consumer thread polls and maps the next batch (its offsets are
 *     still committed only after every row of it is acknowledged); false waits for each batch's
 *     inserts before reading on, as before
 */
public record SinkSettings(
    String kafkaBootstrap,
    String clickhouseUrl,
    String clickhouseUser,
    String clickhousePassword,
    String database,
    String groupId,
    int batchMaxRows,
    Duration batchMaxTime,
    Duration batchCatchUpTime,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    Duration retryTimeout,
    Duration startupTimeout,
    Duration closeTimeout,
    Duration pollTimeout,
    Duration insertTimeout,
    String clientId,
    String cellsTopic,
    String spansTopic,
    String scoresTopic,
    String dlqTopic,
    InsertFormat insertFormat,
    RetentionSettings retention,
    String alertsTopic,
    String sweepPlansTopic,
    ModelPrices prices,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    Duration dlqRetention,
    ManagementConfig management,
    String clickhouseCluster,
    String migrationsUser,
    String migrationsPassword,
    Duration sessionTimeout,
    boolean insertOverlap) {

  /** How rows travel to ClickHouse ({@value #INSERT_FORMAT}); see docs/PERFORMANCE.md. */
  public enum InsertFormat {
    /**
     * {@code INSERT ... FORMAT RowBinaryWithDefaults} through the ClickHouse Java client: binary
     * rows, written by column name against the table's schema (the default: least CPU on both
     * sides).
     */
    ROW_BINARY,
    /** {@code INSERT ... FORMAT JSONEachRow} through the same client, rows encoded by Jackson. */
    JSON_EACH_ROW
  }

  /** The stage name: key prefix, {@code stage} metric label, log name. */
  public static final String STAGE = "sink";

  public static final String KAFKA_BOOTSTRAP = CommonSettings.KAFKA_BOOTSTRAP;
  public static final String CLICKHOUSE_URL = CommonSettings.CLICKHOUSE_URL;
  public static final String CLICKHOUSE_USER = CommonSettings.CLICKHOUSE_USER;
  public static final String CLICKHOUSE_PASSWORD = CommonSettings.CLICKHOUSE_PASSWORD;
  public static final String CLICKHOUSE_DATABASE = CommonSettings.CLICKHOUSE_DATABASE;
  public static final String GROUP_ID = "sink.group.id";
  public static final String BATCH_MAX_ROWS = "sink.batch.max.rows";
  public static final String BATCH_MAX_MS = "sink.batch.max.ms";
  public static final String BATCH_CATCH_UP_MAX_MS = "sink.batch.catch.up.max.ms";
  public static final String RETRY_BACKOFF_INITIAL_MS = "sink.retry.backoff.initial.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "sink.retry.backoff.max.ms";
  public static final String RETRY_TIMEOUT_MS = "sink.retry.timeout.ms";
  public static final String STARTUP_TIMEOUT_MS = "sink.startup.timeout.ms";
  public static final String CLOSE_TIMEOUT_MS = "sink.close.timeout.ms";
  public static final String POLL_TIMEOUT_MS = "sink.poll.timeout.ms";
  public static final String INSERT_TIMEOUT_MS = "sink.insert.timeout.ms";
  public static final String CLIENT_ID = "sink.client.id";
  public static final String TOPIC_CELLS = "sink.topic.cells";
  public static final String TOPIC_SPANS = "sink.topic.spans";
  public static final String TOPIC_SCORES = "sink.topic.scores";
  public static final String TOPIC_DLQ = "sink.topic.dlq";
  public static final String TOPIC_ALERTS = "sink.topic.alerts";
  public static final String TOPIC_SWEEP_PLANS = "sink.topic.sweep.plans";
  public static final String PRICES_FILE = "sink.prices.file";
  public static final String INSERT_FORMAT = "sink.insert.format";
  public static final String CLICKHOUSE_CLUSTER = "sink.clickhouse.cluster";
  public static final String MIGRATIONS_USER = "sink.migrations.user";
  public static final String MIGRATIONS_PASSWORD = "sink.migrations.password";
  public static final String SESSION_TIMEOUT_MS = "sink.session.timeout.ms";
  public static final String INSERT_OVERLAP = "sink.insert.overlap";
  public static final InsertFormat DEFAULT_INSERT_FORMAT = InsertFormat.ROW_BINARY;

  public static final String DEFAULT_USER = CommonSettings.DEFAULT_CLICKHOUSE_USER;
  public static final String DEFAULT_DATABASE = CommonSettings.DEFAULT_CLICKHOUSE_DATABASE;
  public static final String DEFAULT_GROUP_ID = "cab-sink";

  /**
   * Records per batch: a draining sink's inserts then carry ~9,000 span rows, near the 10,000-row
   * requests of the bench's raw limit (ClickHouse's cost per row falls with the insert's size;
   * docs/PERFORMANCE.md, "The sink's own capacity"); about 50 MB of rows on the heap.
   */
  public static final int DEFAULT_BATCH_MAX_ROWS = 20_000;

  public static final Duration DEFAULT_BATCH_MAX_TIME = Duration.ofMillis(200);
  public static final Duration DEFAULT_BATCH_CATCH_UP_TIME = Duration.ofSeconds(2);

  /** The most records one Kafka poll returns ({@code max.poll.records}). */
  static final int MAX_POLL_RECORDS = 5000;

  public static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
  public static final Duration DEFAULT_INSERT_TIMEOUT = Duration.ofSeconds(60);
  public static final String DEFAULT_CLIENT_ID = "cab-sink";

  /**
   * Settings of the sink process: {@code -D} over the environment over the settings file ({@link
   * ConfigValues#fromProcess}).
   */
  public static SinkSettings fromEnv() {
    return from(ConfigValues.fromProcess(STAGE, Map.of()));
  }

  /**
   * Reads and validates every setting from {@code c}.
   *
   * @throws InvalidConfigException listing every problem
   */
  public static SinkSettings from(ConfigValues c) {
    SinkSettings s = read(c);
    c.validate(STAGE);
    return s;
  }

  /**
   * Reads and validates every setting.
   *
   * @param properties explicit settings by dotted key; they win over {@code env}
   * @param env environment variables ({@code CAB_KAFKA_BOOTSTRAP}, ...)
   * @throws InvalidConfigException listing every problem
   */
  public static SinkSettings from(Map<String, String> properties, Map<String, String> env) {
    return from(ConfigValues.of(properties, env));
  }

  /** Like {@link #from} but also returns the effective settings, secrets masked, for the log. */
  public static Effective fromWithEffective(
      Map<String, String> properties, Map<String, String> env) {
    ConfigValues c = ConfigValues.of(properties, env);
    SinkSettings s = read(c);
    c.validate(STAGE);
    return new Effective(s, c.effective());
  }

  /**
   * Settings with the effective key/value view used at start-up.
   *
   * @param settings the typed settings
   * @param effective every key as used, secrets masked
   */
  public record Effective(SinkSettings settings, Map<String, String> effective) {}

  private static SinkSettings read(ConfigValues c) {
    KafkaConfig kafka = KafkaConfig.read(c);
    ClickHouseConfig clickhouse = ClickHouseConfig.read(c);
    ManagementConfig management = ManagementConfig.read(c);
    String groupId = c.string(GROUP_ID, DEFAULT_GROUP_ID);
    int maxRows = c.intValue(BATCH_MAX_ROWS, DEFAULT_BATCH_MAX_ROWS, 1, 1_000_000);
    Duration maxTime = c.duration(BATCH_MAX_MS, DEFAULT_BATCH_MAX_TIME);
    Duration catchUp = c.duration(BATCH_CATCH_UP_MAX_MS, DEFAULT_BATCH_CATCH_UP_TIME);
    Duration initial = c.duration(RETRY_BACKOFF_INITIAL_MS, DEFAULT_RETRY_INITIAL_BACKOFF);
    Duration max = c.duration(RETRY_BACKOFF_MAX_MS, DEFAULT_RETRY_MAX_BACKOFF);
    Duration retryTimeout = c.duration(RETRY_TIMEOUT_MS, DEFAULT_RETRY_TIMEOUT);
    Duration startup = c.duration(STARTUP_TIMEOUT_MS, DEFAULT_STARTUP_TIMEOUT);
    Duration close = c.duration(CLOSE_TIMEOUT_MS, DEFAULT_CLOSE_TIMEOUT);
    Duration poll = c.duration(POLL_TIMEOUT_MS, DEFAULT_POLL_TIMEOUT);
    Duration insert = c.duration(INSERT_TIMEOUT_MS, DEFAULT_INSERT_TIMEOUT);
    String clientId = c.string(CLIENT_ID, DEFAULT_CLIENT_ID);
    String cells = c.string(TOPIC_CELLS, Topics.CELLS.name());
    String spans = c.string(TOPIC_SPANS, Topics.SPANS.name());
    String scores = c.string(TOPIC_SCORES, Topics.SCORES.name());
    String dlq = c.string(TOPIC_DLQ, Topics.DLQ.name());
    RetentionSettings retention = RetentionSettings.read(c);
    String alerts = c.string(TOPIC_ALERTS, Topics.ALERTS.name());
    String plans = c.string(TOPIC_SWEEP_PLANS, Topics.SWEEP_PLANS.name());
    String pricesFile = c.string(PRICES_FILE, "");
    ModelPrices prices = null;
    try {
      prices =
          pricesFile.isBlank() ? ModelPrices.defaults() : ModelPrices.read(Path.of(pricesFile));
    } catch (IllegalArgumentException e) {
      c.problem(PRICES_FILE, e.getMessage());
    }
    String format = c.string(INSERT_FORMAT, DEFAULT_INSERT_FORMAT.name().toLowerCase(Locale.ROOT));
    InsertFormat insertFormat = DEFAULT_INSERT_FORMAT;
    try {
      insertFormat = InsertFormat.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      c.problem(INSERT_FORMAT, "must be row_binary or json_each_row, not '" + format + "'");
    }
    if (new java.util.HashSet<>(List.of(cells, spans, scores, dlq, alerts, plans)).size() != 6) {
      c.problem(TOPIC_DLQ, "and the other sink.topic.* settings must name six different topics");
    }
    String cluster = c.string(CLICKHOUSE_CLUSTER, "");
    try {
      ClusterDdl.forCluster(cluster, Map.of());
    } catch (IllegalArgumentException e) {
      c.problem(CLICKHOUSE_CLUSTER, e.getMessage());
    }
    String migrationsUser = c.string(MIGRATIONS_USER, clickhouse.user());
    String migrationsPassword =
        c.string(
            MIGRATIONS_PASSWORD,
            migrationsUser.equals(clickhouse.user()) && clickhouse.password() != null
                ? clickhouse.password()
                : "");
    if (migrationsUser.isBlank()) {
      c.problem(MIGRATIONS_USER, "must not be blank");
    }
    if (maxTime.isZero()) {
      c.problem(BATCH_MAX_MS, "must be at least 1 ms");
    }
    if (initial.isZero()) {
      c.problem(RETRY_BACKOFF_INITIAL_MS, "must be at least 1 ms");
    }
    if (max.compareTo(initial) < 0) {
      c.problem(RETRY_BACKOFF_MAX_MS, "must not be smaller than " + RETRY_BACKOFF_INITIAL_MS);
    }
    if (poll.isZero()) {
      c.problem(POLL_TIMEOUT_MS, "must be at least 1 ms");
    }
    if (insert.isZero()) {
      c.problem(INSERT_TIMEOUT_MS, "must be at least 1 ms");
    }
    Duration sessionTimeout = GroupSessionTimeout.read(c, SESSION_TIMEOUT_MS);
    boolean overlap = c.bool(INSERT_OVERLAP, true);
    return new SinkSettings(
        kafka.bootstrap(),
        clickhouse.url(),
        clickhouse.user(),
        clickhouse.password(),
        clickhouse.database(),
        groupId,
        maxRows,
        maxTime,
        catchUp,
        initial,
        max,
        retryTimeout,
        startup,
        close,
        poll,
        insert,
        clientId,
        cells,
        spans,
        scores,
        dlq,
        insertFormat,
        retention,
        alerts,
        plans,
        prices,
        kafka.createTopics(),
        kafka.topicPartitions(),
        kafka.topicReplicationFactor(),
        kafka.dlqRetention(),
        management,
        cluster,
        migrationsUser,
        migrationsPassword,
        sessionTimeout,
        overlap);
  }

  /** Records per Kafka poll: fewer, larger polls, never more than a batch. */
  public int maxPollRecords() {
    return Math.min(batchMaxRows, MAX_POLL_RECORDS);
  }

  /** How old a batch may get while the sink is behind: the larger of the two limits. */
  public Duration batchMaxTimeBehind() {
    return batchCatchUpTime.compareTo(batchMaxTime) > 0 ? batchCatchUpTime : batchMaxTime;
  }

  /** The Kafka settings shared with every stage. */
  public KafkaConfig kafka() {
    return new KafkaConfig(
        kafkaBootstrap, createTopics, topicPartitions, topicReplicationFactor, dlqRetention);
  }

  /** The ClickHouse settings shared with every stage. */
  public ClickHouseConfig clickhouse() {
    return new ClickHouseConfig(clickhouseUrl, clickhouseUser, clickhousePassword, database);
  }

  private static String stripJdbcPrefix(String url) {
    return ClickHouseConfig.withoutJdbcPrefix(url);
  }

  /** Whether the migrations run as another account than the one the sink writes with. */
  public boolean separateMigrationsUser() {
    return !migrationsUser.equals(clickhouseUser)
        || !migrationsPassword.equals(clickhousePassword == null ? "" : clickhousePassword);
  }

  /** The ClickHouse HTTP URL, without a {@code jdbc:} prefix. */
  public String httpUrl() {
    return stripJdbcPrefix(clickhouseUrl);
  }

  /** The JDBC URL the driver is given: {@code jdbc:clickhouse:<http url>}. */
  public String jdbcUrl() {
    return "jdbc:clickhouse:" + stripJdbcPrefix(clickhouseUrl);
  }

  /** The ClickHouse URL without user info or query string: safe for logs and error messages. */
  public String clickhouseUrlForLog() {
    return redactUrl(clickhouseUrl);
  }

  /** A URL with any {@code user:password@} and query string removed. */
  public static String redactUrl(String url) {
    return ClickHouseConfig.redact(url);
  }

  @Override
  public String toString() {
    return "SinkSettings[kafkaBootstrap="
        + kafkaBootstrap
        + ", clickhouseUrl="
        + clickhouseUrlForLog()
        + ", clickhouseUser="
        + clickhouseUser
        + ", clickhousePassword="
        + (clickhousePassword == null || clickhousePassword.isEmpty() ? "" : "******")
        + ", database="
        + database
        + ", groupId="
        + groupId
        + ", batchMaxRows="
        + batchMaxRows
        + ", batchMaxTime="
        + batchMaxTime
        + ", retryInitialBackoff="
        + retryInitialBackoff
        + ", retryMaxBackoff="
        + retryMaxBackoff
        + ", retryTimeout="
        + retryTimeout
        + ", startupTimeout="
        + startupTimeout
        + ", closeTimeout="
        + closeTimeout
        + ", pollTimeout="
        + pollTimeout
        + ", insertTimeout="
        + insertTimeout
        + ", clientId="
        + clientId
        + ", topics="
        + List.of(cellsTopic, spansTopic, scoresTopic, alertsTopic, sweepPlansTopic, dlqTopic)
        + ", insertFormat="
        + insertFormat
        + ", createTopics="
        + createTopics
        + ", topicPartitions="
        + topicPartitions
        + ", topicReplicationFactor="
        + topicReplicationFactor
        + ", management="
        + management
        + ", clickhouseCluster="
        + clickhouseCluster
        + ", migrationsUser="
        + migrationsUser
        + ", migrationsPassword="
        + (migrationsPassword == null || migrationsPassword.isEmpty() ? "" : "******")
        + ", sessionTimeout="
        + sessionTimeout
        + ", insertOverlap="
        + insertOverlap
        + "]";
  }
}
