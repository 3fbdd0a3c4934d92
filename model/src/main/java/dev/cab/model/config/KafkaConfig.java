package dev.cab.model.config;

import java.time.Duration;

/**
 * The Kafka settings of every stage.
 *
 * @param bootstrap {@value CommonSettings#KAFKA_BOOTSTRAP} (required): bootstrap servers
 * @param createTopics {@value CommonSettings#TOPIC_CREATE}: create the catalogue's missing topics
 *     at start (true); off where an operator manages topics
 * @param topicPartitions {@value CommonSettings#TOPIC_PARTITIONS}: partitions of created topics
 * @param topicReplicationFactor {@value CommonSettings#TOPIC_REPLICATION_FACTOR}: of created topics
 * @param dlqRetention {@value CommonSettings#TOPIC_DLQ_RETENTION}: how long the dead-letter topic
 *     keeps a record ({@code retention.ms} of {@code cab.dlq.v1}, set by the topic provisioner)
 */
public record KafkaConfig(
    String bootstrap,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    Duration dlqRetention) {

  /** Reads the Kafka keys; problems go to {@code values}. */
  public static KafkaConfig read(ConfigValues values) {
    String bootstrap =
        values.required(
            CommonSettings.KAFKA_BOOTSTRAP, "the Kafka bootstrap servers, e.g. localhost:9092");
    boolean create = values.bool(CommonSettings.TOPIC_CREATE, true);
    int partitions =
        values.intValue(
            CommonSettings.TOPIC_PARTITIONS, CommonSettings.DEFAULT_TOPIC_PARTITIONS, 1, 10_000);
    int replication =
        values.intValue(
            CommonSettings.TOPIC_REPLICATION_FACTOR,
            CommonSettings.DEFAULT_TOPIC_REPLICATION_FACTOR,
            1,
            Short.MAX_VALUE);
    Duration dlqRetention =
        values.duration(CommonSettings.TOPIC_DLQ_RETENTION, CommonSettings.DEFAULT_DLQ_RETENTION);
    if (dlqRetention.compareTo(Duration.ofMinutes(1)) < 0) {
      values.problem(CommonSettings.TOPIC_DLQ_RETENTION, "must be at least 60000 (one minute)");
    }
    return new KafkaConfig(bootstrap, create, partitions, (short) replication, dlqRetention);
  }
}
