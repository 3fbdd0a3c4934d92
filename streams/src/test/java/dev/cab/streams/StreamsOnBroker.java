package dev.cab.streams;

import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.streams.config.StreamsSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the streams ITs run against the embedded broker: a streams app of the test's own (its own
 * application id and state directory, so its group, changelogs and stores are nobody else's; topics
 * of 2 partitions) and a producer that waits for every replica.
 */
final class StreamsOnBroker {
  private StreamsOnBroker() {}

  /** Starts the streams stage as {@code applicationId}, with {@code extra} settings on top. */
  static StreamsService start(
      KafkaTestBroker kafka, String applicationId, Path stateDir, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put(StreamsSettings.BOOTSTRAP, kafka.bootstrapServers());
    settings.put(StreamsSettings.APPLICATION_ID, applicationId);
    settings.put(StreamsSettings.STATE_DIR, stateDir.toString());
    settings.put(StreamsSettings.TOPIC_PARTITIONS, "2");
    return StreamsService.start(StreamsSettings.from(settings, Map.of()));
  }

  /** A producer of string keys and byte values, {@code acks=all}. */
  static KafkaProducer<String, byte[]> producer(KafkaTestBroker kafka) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }
}
