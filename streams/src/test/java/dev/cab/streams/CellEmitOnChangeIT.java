package dev.cab.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.streams.config.StreamsSettings;
import dev.cab.streams.topology.CellState;
import dev.cab.streams.topology.SeedCells;
import dev.cab.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emit on change against the real embedded broker: the record cache of the cell store forwards one
 * state per cell and commit, which TopologyTestDriver (it flushes after every record) cannot show.
 * Each test runs its own streams app with a commit interval far longer than the test, so the only
 * commit that writes cell records is the one of a clean close. Its own class, not a test of {@code
 * CellStreamsIT}: that class's app folds the same input topics into the same output topic, and its
 * records for the cell would be indistinguishable from this app's.
 */
@ExtendWith(KafkaExtension.class)
@Timeout(180)
class CellEmitOnChangeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path stateDir;

  @Test
  void severalUpdatesOfACellWithinOneCommitIntervalEmitOneRecordWithTheLatestVersion(
      KafkaTestBroker kafka) throws Exception {
    // given: a streams app that does not commit within the test (10 minutes)
    String run = UUID.randomUUID().toString().substring(0, 8);
    SeedCells seed = SeedCells.first();
    String cellId = seed.cellId() + "/emit-" + run;
    String markerId = "marker/emit-" + run;
    double expectedComposite = ((Number) seed.expectedComposite().get("composite")).doubleValue();
    StreamsService service =
        StreamsOnBroker.start(
            kafka,
            "cab-streams-emit-it-" + run,
            stateDir,
            Map.of(
                StreamsSettings.COMMIT_INTERVAL_MS,
                Long.toString(Duration.ofMinutes(10).toMillis())));
    try {
      // when: 11 real changes (5 spans, 6 axes), then a duplicate span as the cell's last event,
      // then a marker cell's span on the duplicate's partition (processed after the duplicate)
      try (KafkaProducer<String, byte[]> producer = StreamsOnBroker.producer(kafka)) {
        for (ScoreEvent score : seed.scores()) {
          send(producer, Topics.SCORES.name(), null, cellId, score);
        }
        for (SpanRecord span : seed.spans()) {
          send(producer, Topics.SPANS.name(), null, cellId, SeedCells.rekey(span, cellId));
        }
        RecordMetadata duplicate =
            send(
                producer,
                Topics.SPANS.name(),
                null,
                cellId,
                SeedCells.rekey(seed.rootSpan(), cellId));
        send(
            producer,
            Topics.SPANS.name(),
            duplicate.partition(),
            markerId,
            SeedCells.rekey(seed.rootSpan(), markerId));
      }
      awaitTrue(
          () -> {
            CellState cell = state(service, cellId);
            return cell != null && cell.version() == 11 && state(service, markerId) != null;
          });
      assertThat(readCells(kafka, cellId)).as("nothing is visible before the commit").isEmpty();
    } finally {
      // a clean close commits: the cache is flushed and the transaction committed
      service.close();
    }

    // then: one record for the 11 changes and the duplicate, with the latest version
    List<CellRecord> cells = readCells(kafka, cellId);
    assertThat(cells).extracting(CellRecord::version).containsExactly(11L);
    CellRecord cell = cells.getFirst();
    assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
    assertThat(Double.doubleToLongBits(cell.composite().composite()))
        .isEqualTo(Double.doubleToLongBits(expectedComposite));
  }

  // ---- helpers ----

  private static CellState state(StreamsService service, String cellId) {
    try {
      return service.cellStates().get(cellId);
    } catch (InvalidStateStoreException e) {
      return null; // the store is not queryable yet (restoring or rebalancing)
    }
  }

  private static void awaitTrue(BooleanSupplier condition) {
    Await.until("the emitted cell records", DEADLINE, condition);
  }

  @SuppressWarnings("unchecked")
  private static <T> RecordMetadata send(
      KafkaProducer<String, byte[]> producer, String topic, Integer partition, String key, T value)
      throws Exception {
    var serde =
        (org.apache.kafka.common.serialization.Serde<T>)
            (topic.equals(Topics.SPANS.name())
                ? Topics.SPANS.valueSerde()
                : Topics.SCORES.valueSerde());
    byte[] bytes = serde.serializer().serialize(topic, value);
    return producer.send(new ProducerRecord<>(topic, partition, key, bytes)).get();
  }

  /** Every committed cell record of {@code cellId}: reads each partition up to its end. */
  private static List<CellRecord> readCells(KafkaTestBroker kafka, String cellId) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // The end of a partition is then its last stable offset: open transactions stay unread.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<CellRecord> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.CELLS.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Instant deadline = Instant.now().plus(DEADLINE);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("could not read " + Topics.CELLS.name() + " to its end");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (cellId.equals(r.key())) {
            seen.add(Topics.CELLS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
          }
        }
      }
    }
    return seen;
  }
}
