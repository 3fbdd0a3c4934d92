package dev.cab.model.config;

import java.util.Set;

/**
 * The settings every stage shares, under {@code cab.}: the same key (and environment variable) for
 * Kafka, topics, ClickHouse, the listen address and the management port in every stage. A stage
 * reads them through {@link KafkaConfig}, {@link ClickHouseConfig} and {@link ManagementConfig};
 * its own settings live under its own prefix ({@code sink.}, {@code streams.}, ...).
 */
public final class CommonSettings {
  private CommonSettings() {}

  public static final String KAFKA_BOOTSTRAP = "cab.kafka.bootstrap";
  public static final String TOPIC_CREATE = "cab.kafka.topic.create";
  public static final String TOPIC_PARTITIONS = "cab.kafka.topic.partitions";
  public static final String TOPIC_REPLICATION_FACTOR = "cab.kafka.topic.replication.factor";
  public static final String TOPIC_DLQ_RETENTION = "cab.kafka.topic.dlq.retention.ms";
  public static final String CLICKHOUSE_URL = "cab.clickhouse.url";
  public static final String CLICKHOUSE_USER = "cab.clickhouse.user";
  public static final String CLICKHOUSE_PASSWORD = "cab.clickhouse.password";
  public static final String CLICKHOUSE_DATABASE = "cab.clickhouse.database";
  public static final String LISTEN_ADDRESS = "cab.listen.address";
  public static final String MANAGEMENT_PORT = "cab.management.port";
  public static final String CONFIG_FILE = "cab.config.file";

  /** Every shared key: a {@code cab.} key not in here is a typo. */
  public static final Set<String> KEYS =
      Set.of(
          KAFKA_BOOTSTRAP,
          TOPIC_CREATE,
          TOPIC_PARTITIONS,
          TOPIC_REPLICATION_FACTOR,
          TOPIC_DLQ_RETENTION,
          CLICKHOUSE_URL,
          CLICKHOUSE_USER,
          CLICKHOUSE_PASSWORD,
          CLICKHOUSE_DATABASE,
          LISTEN_ADDRESS,
          MANAGEMENT_PORT,
          CONFIG_FILE);

  /**
   * {@code -D} properties of the {@code ./cab} launcher, the build and the runner SDK, not settings
   * of a stage.
   */
  public static final Set<String> LAUNCHER_PROPERTIES =
      Set.of("cab.home", "cab.cache.dir", "cab.long", "cab.export.resend.for");

  /**
   * Environment variables of the {@code ./cab} launcher (ports and folders of the local stack), the
   * log configuration and docker-compose.yml, not settings of a stage: no warning for them. {@code
   * LauncherVariablesTest} finds every {@code CAB_} name the project uses and checks it is a
   * setting or listed here.
   */
  public static final Set<String> LAUNCHER_VARIABLES =
      Set.of(
          "CAB_HOME",
          "CAB_JAVA_OPTS",
          "CAB_INVOKED_AT_MS",
          "CAB_DATA_DIR",
          "CAB_CACHE_DIR",
          "CAB_KAFKA_PORT",
          "CAB_CLICKHOUSE_PORT",
          "CAB_OTLP_HTTP_PORT",
          "CAB_OTLP_GRPC_PORT",
          "CAB_DASHBOARD_PORT",
          "CAB_BUILD_LOCK_TIMEOUT_S",
          // logback.xml of the jars: the root log level
          "CAB_LOG_LEVEL",
          // docker-compose.yml's own variables, often exported in the operator's shell
          "CAB_PUBLISH_ADDRESS",
          "CAB_KAFKA_HOST_NAME",
          "CAB_IMAGE_TAG",
          "CAB_DASHBOARDS_CLICKHOUSE_PASSWORD",
          "CAB_READER_PASSWORD",
          "CAB_WRITER_PASSWORD",
          "CAB_CLICKHOUSE_ADMIN_PASSWORD",
          "CAB_GRAFANA_ADMIN_PASSWORD",
          "CAB_GRAFANA_CLICKHOUSE_HOST",
          "CAB_PROMETHEUS_URL",
          // the runner SDK's own setting (docs/OPERATIONS.md, "Runner SDK"), exported where the
          // runners and often the stages run
          "CAB_EXPORT_RESEND_FOR");

  /** Only this machine: runners in containers or on other hosts need {@code 0.0.0.0}. */
  public static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1";

  /** The port OpenTelemetry's and Prometheus' Java agents use for their Prometheus endpoint. */
  public static final int DEFAULT_MANAGEMENT_PORT = 9464;

  public static final int DEFAULT_TOPIC_PARTITIONS = 4;

  /** Dead letters are kept 30 days: long enough to notice, inspect and replay them. */
  public static final java.time.Duration DEFAULT_DLQ_RETENTION = java.time.Duration.ofDays(30);

  /** One broker locally; a cluster sets 3. */
  public static final short DEFAULT_TOPIC_REPLICATION_FACTOR = 1;

  public static final String DEFAULT_CLICKHOUSE_USER = "default";
  public static final String DEFAULT_CLICKHOUSE_DATABASE = "cab";
}
