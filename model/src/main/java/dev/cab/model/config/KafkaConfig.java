package dev.cab.model.config;

/**
 * The Kafka settings of every stage.
 *
 * @param bootstrap {@value CommonSettings#KAFKA_BOOTSTRAP} (required): bootstrap servers
 * @param createTopics {@value CommonSettings#TOPIC_CREATE}: create the catalogue's missing topics
 *     at start (true); off where an operator manages topics
 * @param topicPartitions {@value CommonSettings#TOPIC_PARTITIONS}: partitions of created topics
 * @param topicReplicationFactor {@value CommonSettings#TOPIC_REPLICATION_FACTOR}: of created topics
 */
public record KafkaConfig(
    String bootstrap, boolean createTopics, int topicPartitions, short topicReplicationFactor) {

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
    return new KafkaConfig(bootstrap, create, partitions, (short) replication);
  }
}
