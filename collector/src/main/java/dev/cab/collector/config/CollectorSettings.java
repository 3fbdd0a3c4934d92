package dev.cab.collector.config;

import dev.cab.collector.auth.AuthSettings;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.config.KafkaConfig;
import dev.cab.model.config.ManagementConfig;
import java.time.Duration;
import java.util.Map;

/**
 * The collector's settings. Each is a dotted key overridable by its environment variable (see
 * {@link ConfigValues}): {@code collector.http.port} or {@code COLLECTOR_HTTP_PORT}.
 *
 * @param kafkaBootstrap {@code cab.kafka.bootstrap} (required): Kafka bootstrap servers
 * @param bindAddress {@code collector.bind.address}: the interface both endpoints listen on;
 *     defaults to {@code cab.listen.address}
 * @param httpPort {@code collector.http.port}: OTLP/HTTP; 0 picks a free port, -1 disables
 * @param grpcPort {@code collector.grpc.port}: OTLP/gRPC; 0 picks a free port, -1 disables
 * @param maxBodyBytes {@code collector.max.body.bytes}: largest request body, compressed or not
 * @param maxInflightRequests {@code collector.max.inflight.requests}: concurrent export requests
 * @param maxInflightBytes {@code collector.max.inflight.bytes}: request body bytes held at once
 * @param maxRecordBytes {@code collector.max.record.bytes}: largest span or score record sent to
 *     Kafka (the broker's default {@code message.max.bytes} is about 1 MiB)
 * @param kafkaAckTimeout {@code collector.kafka.ack.timeout.ms}: how long a request waits for its
 *     acknowledgements before it is answered 503
 * @param kafkaLinger {@code collector.kafka.linger.ms}: producer batching delay
 * @param retryAfter {@code collector.retry.after.ms}: the retry hint of 429/503 answers
 * @param createTopics {@code cab.kafka.topic.create}: create missing topics at start
 * @param topicPartitions {@code cab.kafka.topic.partitions}: partitions of created topics
 * @param topicReplicationFactor {@code cab.kafka.topic.replication.factor}: of created topics
 * @param dlqRetention {@code cab.kafka.topic.dlq.retention.ms}: how long dead letters are kept
 * @param drainTimeout {@code collector.drain.timeout.ms}: how long close waits for requests in
 *     progress
 * @param management {@code cab.listen.address} and {@code cab.management.port}: metrics and health
 * @param auth tokens, per-tenant limits and TLS ({@link AuthSettings} names the keys)
 * @param effective the settings as used, secrets masked, for the start-up log
 */
public record CollectorSettings(
    String kafkaBootstrap,
    String bindAddress,
    int httpPort,
    int grpcPort,
    int maxBodyBytes,
    int maxInflightRequests,
    long maxInflightBytes,
    int maxRecordBytes,
    Duration kafkaAckTimeout,
    Duration kafkaLinger,
    Duration retryAfter,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    Duration dlqRetention,
    Duration drainTimeout,
    ManagementConfig management,
    AuthSettings auth,
    Map<String, String> effective) {

  /** The stage name: key prefix, {@code stage} metric label, log name. */
  public static final String STAGE = "collector";

  public static final String KAFKA_BOOTSTRAP = CommonSettings.KAFKA_BOOTSTRAP;
  public static final String BIND_ADDRESS = "collector.bind.address";
  public static final String HTTP_PORT = "collector.http.port";
  public static final String GRPC_PORT = "collector.grpc.port";
  public static final String MAX_BODY_BYTES = "collector.max.body.bytes";
  public static final String MAX_INFLIGHT_REQUESTS = "collector.max.inflight.requests";
  public static final String MAX_INFLIGHT_BYTES = "collector.max.inflight.bytes";
  public static final String MAX_RECORD_BYTES = "collector.max.record.bytes";
  public static final String KAFKA_ACK_TIMEOUT = "collector.kafka.ack.timeout.ms";
  public static final String KAFKA_LINGER = "collector.kafka.linger.ms";
  public static final String RETRY_AFTER = "collector.retry.after.ms";
  public static final String CREATE_TOPICS = CommonSettings.TOPIC_CREATE;
  public static final String TOPIC_PARTITIONS = CommonSettings.TOPIC_PARTITIONS;
  public static final String TOPIC_REPLICATION_FACTOR = CommonSettings.TOPIC_REPLICATION_FACTOR;
  public static final String DRAIN_TIMEOUT = "collector.drain.timeout.ms";

  /** Local only by default: runners on the same machine; set 0.0.0.0 to accept remote runners. */
  public static final String DEFAULT_BIND_ADDRESS = CommonSettings.DEFAULT_LISTEN_ADDRESS;

  /** The OTLP/HTTP port of the OTLP specification. */
  public static final int DEFAULT_HTTP_PORT = 4318;

  /** The OTLP/gRPC port of the OTLP specification. */
  public static final int DEFAULT_GRPC_PORT = 4317;

  /** 16 MiB: a batch of a few thousand spans; the OTel SDK batches 512 by default. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

  public static final int DEFAULT_MAX_INFLIGHT_REQUESTS = 256;

  /** 256 MiB of bodies in flight, well inside a 1 GiB heap. */
  public static final long DEFAULT_MAX_INFLIGHT_BYTES = 256L * 1024 * 1024;

  /** Just under Kafka's default {@code message.max.bytes} (1 MiB + 12). */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

  /** Below the OTel exporters' default 10 s timeout, so the runner sees our 503, not its own. */
  public static final Duration DEFAULT_KAFKA_ACK_TIMEOUT = Duration.ofSeconds(8);

  public static final Duration DEFAULT_KAFKA_LINGER = Duration.ofMillis(5);
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  public CollectorSettings {
    effective = Map.copyOf(effective);
  }

  /**
   * Reads and validates every setting.
   *
   * @throws InvalidConfigException listing every problem at once
   */
  public static CollectorSettings from(ConfigValues values) {
    KafkaConfig kafka = KafkaConfig.read(values);
    ManagementConfig management = ManagementConfig.read(values);
    String bind = values.string(BIND_ADDRESS, management.address());
    int httpPort = values.intValue(HTTP_PORT, DEFAULT_HTTP_PORT, -1, 65535);
    int grpcPort = values.intValue(GRPC_PORT, DEFAULT_GRPC_PORT, -1, 65535);
    int maxBody =
        values.intValue(MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE - 8);
    int maxRequests =
        values.intValue(MAX_INFLIGHT_REQUESTS, DEFAULT_MAX_INFLIGHT_REQUESTS, 1, 1_000_000);
    long maxBytes =
        values.longValue(MAX_INFLIGHT_BYTES, DEFAULT_MAX_INFLIGHT_BYTES, 1024, Integer.MAX_VALUE);
    int maxRecord =
        values.intValue(MAX_RECORD_BYTES, DEFAULT_MAX_RECORD_BYTES, 1024, 100 * 1024 * 1024);
    Duration ackTimeout = values.duration(KAFKA_ACK_TIMEOUT, DEFAULT_KAFKA_ACK_TIMEOUT);
    Duration linger = values.duration(KAFKA_LINGER, DEFAULT_KAFKA_LINGER);
    Duration retryAfter = values.duration(RETRY_AFTER, DEFAULT_RETRY_AFTER);
    Duration drain = values.duration(DRAIN_TIMEOUT, DEFAULT_DRAIN_TIMEOUT);
    AuthSettings auth = AuthSettings.from(values);

    if (httpPort == -1 && grpcPort == -1) {
      values.problem(GRPC_PORT, "and " + HTTP_PORT + " are both -1: enable at least one");
    }
    if (httpPort > 0 && httpPort == grpcPort) {
      values.problem(GRPC_PORT, "and " + HTTP_PORT + " are both " + httpPort);
    }
    if (ackTimeout.compareTo(Duration.ofMillis(100)) < 0) {
      values.problem(KAFKA_ACK_TIMEOUT, "must be at least 100 ms");
    }
    if (linger.compareTo(ackTimeout) >= 0) {
      values.problem(KAFKA_LINGER, "must be shorter than " + KAFKA_ACK_TIMEOUT);
    }
    if (!bind.equals(management.address())) {
      ManagementConfig.checkAddress(values, BIND_ADDRESS, bind);
    }
    values.validate(STAGE);
    return new CollectorSettings(
        kafka.bootstrap(),
        bind,
        httpPort,
        grpcPort,
        maxBody,
        maxRequests,
        maxBytes,
        maxRecord,
        ackTimeout,
        linger,
        retryAfter,
        kafka.createTopics(),
        kafka.topicPartitions(),
        kafka.topicReplicationFactor(),
        kafka.dlqRetention(),
        drain,
        management,
        auth,
        values.effective());
  }

  /**
   * Settings from explicit properties over the environment, like {@code StreamsSettings.from} and
   * {@code SinkSettings.from}.
   *
   * @param properties explicit settings by dotted key; they win over the environment
   * @param env environment variables ({@code System.getenv()})
   */
  public static CollectorSettings from(Map<String, String> properties, Map<String, String> env) {
    return from(ConfigValues.of(properties, env));
  }

  /** Settings from explicit properties only (tests, embedding): the environment is not read. */
  public static CollectorSettings of(Map<String, String> properties) {
    return from(ConfigValues.of(properties, Map.of()));
  }

  /**
   * Settings of the collector process: {@code -D} over the environment over the settings file
   * ({@link ConfigValues#fromProcess}).
   */
  public static CollectorSettings fromEnvironment() {
    return from(ConfigValues.fromProcess(STAGE, Map.of()));
  }

  /** The Kafka settings shared with every stage. */
  public KafkaConfig kafka() {
    return new KafkaConfig(
        kafkaBootstrap, createTopics, topicPartitions, topicReplicationFactor, dlqRetention);
  }
}
