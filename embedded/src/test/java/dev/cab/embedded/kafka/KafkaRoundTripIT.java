package dev.cab.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Produce and consume through the shared single-node broker of {@link KafkaExtension}. */
@ExtendWith(KafkaExtension.class)
@Timeout(120)
class KafkaRoundTripIT {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void idempotentLz4ProducerWithAcksAllRoundTripsEveryRecordInOrderPerKey(KafkaTestBroker kafka)
      throws Exception {
    // given: lz4, so the broker's native codec loads under the JDK's native-access rules
    String topic = kafka.createTopic("round-trip", 4);
    List<String> values = IntStream.range(0, 200).mapToObj(i -> "value-" + i).toList();
    Map<String, Object> config = KafkaClients.producerConfig(kafka.bootstrapServers());
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    // when
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, "one-key", value)).get();
      }
    }

    // then
    List<ConsumerRecord<String, String>> read =
        KafkaClients.readAll(kafka.bootstrapServers(), topic, values.size(), READ_TIMEOUT, false);
    assertThat(read).extracting(ConsumerRecord::value).containsExactlyElementsOf(values);
  }

  @Test
  void transactionalZstdProducerShowsCommittedAndHidesAbortedRecordsFromReadCommittedConsumers(
      KafkaTestBroker kafka) {
    // given: a single broker, whose transaction log must run with replication factor 1
    String topic = kafka.createTopic("transactions", 2);
    Map<String, Object> config = KafkaClients.producerConfig(kafka.bootstrapServers());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cab-it-" + UUID.randomUUID());
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");

    // when
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-3"));
      producer.commitTransaction();
    }

    // then
    List<ConsumerRecord<String, String>> read =
        KafkaClients.readAll(kafka.bootstrapServers(), topic, 3, READ_TIMEOUT, true);
    assertThat(read)
        .extracting(ConsumerRecord::value)
        .containsExactly("committed-1", "committed-2", "committed-3");
  }
}
