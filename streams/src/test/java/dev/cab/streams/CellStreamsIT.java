package dev.cab.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.topic.DeadLetters;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.SpanRecord;
import dev.cab.streams.config.StreamsSettings;
import dev.cab.streams.topology.SeedCells;
import dev.cab.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams stage against the real embedded broker: exactly-once, the built-in dead-letter queue
 * and start-up errors, none of which TopologyTestDriver can show.
 */
@ExtendWith(KafkaExtension.class)
@Timeout(180)
class CellStreamsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path stateDir;

  private static KafkaTestBroker kafka;
  private static StreamsService service;

  @BeforeAll
  static void startStreams(KafkaTestBroker broker) {
    kafka = broker;
    service =
        StreamsOnBroker.start(broker, "cab-streams-it-" + UUID.randomUUID(), stateDir, Map.of());
  }

  @AfterAll
  static void stopStreams() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void aClosedInstanceLeavesItsGroupAtOnceInsteadOfWaitingOutTheSessionTimeout(
      @TempDir Path ownState) throws Exception {
    // given: an instance of an application of its own, a member of its group
    String applicationId = "cab-streams-leave-" + UUID.randomUUID();
    StreamsService instance = StreamsOnBroker.start(kafka, applicationId, ownState, Map.of());
    boolean closed = false;
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Await.until(
          "the instance to be a member", DEADLINE, () -> members(admin, applicationId) == 1);

      // when it is closed
      long closedAt = System.nanoTime();
      instance.close();
      closed = true;

      // then the group has no member long before the session timeout (45 s) could expire it
      Await.until(
          "the group to be empty",
          Duration.ofSeconds(15),
          () -> members(admin, applicationId) == 0);
      System.out.printf(
          "[streams] group empty %.1f s after close%n", (System.nanoTime() - closedAt) / 1e9);
    } finally {
      if (!closed) {
        instance.close();
      }
    }
  }

  private static int members(Admin admin, String group) {
    try {
      return admin
          .describeConsumerGroups(List.of(group))
          .describedGroups()
          .get(group)
          .get(10, TimeUnit.SECONDS)
          .members()
          .size();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void foldsTheSeedCellsExactlyOnceIntoTheirPublishedComposites() throws Exception {
    // given: the three seed cells under fresh cell ids (the broker is shared across runs)
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, Double> expected = new HashMap<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (SeedCells seed : SeedCells.load()) {
        String cellId = seed.cellId() + "/" + run;
        expected.put(cellId, ((Number) seed.expectedComposite().get("composite")).doubleValue());
        // when
        for (SpanRecord span : seed.spans()) {
          send(
              producer,
              Topics.SPANS.name(),
              cellId,
              Topics.SPANS.valueSerde(),
              SeedCells.rekey(span, cellId));
        }
        for (var score : seed.scores()) {
          send(producer, Topics.SCORES.name(), cellId, Topics.SCORES.valueSerde(), score);
        }
      }
      producer.flush();
    }

    // then: every cell reaches version 11 (5 spans + 6 axes), complete, with its composite
    List<CellRecord> cells =
        readUntil(
            Topics.CELLS.name(),
            Topics.CELLS.valueSerde().deserializer(),
            r -> expected.containsKey(r.key()),
            all -> all.stream().filter(c -> c.version() == 11).count() == expected.size());
    for (CellRecord cell : cells) {
      assertThat(cell.version()).isBetween(1L, 11L);
    }
    List<CellRecord> finals = cells.stream().filter(c -> c.version() == 11).toList();
    assertThat(finals).hasSize(3);
    for (CellRecord cell : finals) {
      assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
      assertThat(Double.doubleToLongBits(cell.composite().composite()))
          .isEqualTo(Double.doubleToLongBits(expected.get(cell.cellId())));
    }
    // exactly once: no version of a cell appears twice
    assertThat(cells.stream().map(c -> c.cellId() + "@" + c.version()).distinct().count())
        .isEqualTo(cells.size());
  }

  @Test
  void routesUnparseableSpanToDeadLetterTopic() throws Exception {
    // given: valid, invalid, valid for one fresh cell
    SeedCells seed = SeedCells.load().getFirst();
    String cellId = seed.cellId() + "/dlq-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] poison = "{\"span_id\": [not json".getBytes(StandardCharsets.UTF_8);
    List<SpanRecord> spans = seed.spans();

    // when
    try (KafkaProducer<String, byte[]> producer = producer()) {
      send(
          producer,
          Topics.SPANS.name(),
          cellId,
          Topics.SPANS.valueSerde(),
          SeedCells.rekey(spans.get(0), cellId));
      producer.send(new ProducerRecord<>(Topics.SPANS.name(), cellId, poison)).get();
      send(
          producer,
          Topics.SPANS.name(),
          cellId,
          Topics.SPANS.valueSerde(),
          SeedCells.rekey(spans.get(1), cellId));
    }

    // then: both valid spans folded (into one record when they fell into one commit interval)
    List<CellRecord> cells =
        readUntil(
            Topics.CELLS.name(),
            Topics.CELLS.valueSerde().deserializer(),
            r -> cellId.equals(r.key()),
            all -> all.stream().anyMatch(c -> c.version() == 2));
    assertThat(cells.getLast().version()).isEqualTo(2L);
    assertThat(cells.getLast().spans().count()).isEqualTo(2);
    assertThat(cells).extracting(CellRecord::version).isSubsetOf(1L, 2L).doesNotHaveDuplicates();

    // and the poison record is in the DLQ with its original bytes and the KIP-1034 headers
    List<ConsumerRecord<String, byte[]>> letters =
        readRecordsUntil(Topics.DLQ.name(), r -> cellId.equals(r.key()), all -> !all.isEmpty());
    assertThat(letters).hasSize(1);
    ConsumerRecord<String, byte[]> letter = letters.getFirst();
    assertThat(letter.value()).isEqualTo(poison);
    assertThat(DeadLetters.header(letter.headers(), DeadLetters.TOPIC))
        .isEqualTo(Topics.SPANS.name());
    assertThat(DeadLetters.header(letter.headers(), DeadLetters.PARTITION)).matches("\\d+");
    assertThat(DeadLetters.header(letter.headers(), DeadLetters.OFFSET)).matches("\\d+");
    assertThat(DeadLetters.header(letter.headers(), DeadLetters.EXCEPTION))
        .isEqualTo("org.apache.kafka.common.errors.SerializationException");
    assertThat(DeadLetters.header(letter.headers(), DeadLetters.MESSAGE)).contains("SpanRecord");
    assertThat(service.state().isRunningOrRebalancing()).isTrue();
  }

  @Test
  void startFailsNamingTheBootstrapAddressWhenKafkaIsUnreachable() {
    // given
    StreamsSettings settings =
        StreamsSettings.from(
            Map.of(
                StreamsSettings.BOOTSTRAP, "127.0.0.1:1",
                StreamsSettings.STARTUP_TIMEOUT, "PT2S",
                StreamsSettings.STATE_DIR, stateDir.resolve("unreachable").toString()),
            Map.of());

    // when / then
    Instant before = Instant.now();
    assertThatThrownBy(() -> StreamsService.start(settings))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Kafka at 127.0.0.1:1 is unreachable");
    assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(20));
  }

  // ---- helpers ----

  private static KafkaProducer<String, byte[]> producer() {
    return StreamsOnBroker.producer(kafka);
  }

  private static <T> void send(
      KafkaProducer<String, byte[]> producer,
      String topic,
      String key,
      org.apache.kafka.common.serialization.Serde<T> serde,
      T value)
      throws Exception {
    Serializer<T> serializer = serde.serializer();
    producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, value))).get();
  }

  private static <T> List<T> readUntil(
      String topic,
      Deserializer<T> deserializer,
      Predicate<ConsumerRecord<String, byte[]>> filter,
      Predicate<List<T>> done) {
    List<T> values = new ArrayList<>();
    readRecordsUntil(
        topic,
        filter,
        records -> {
          values.clear();
          records.forEach(r -> values.add(deserializer.deserialize(topic, r.value())));
          return done.test(values);
        });
    return values;
  }

  /** Polls {@code topic} from the beginning (read_committed) until {@code done}, or fails. */
  private static List<ConsumerRecord<String, byte[]>> readRecordsUntil(
      String topic,
      Predicate<ConsumerRecord<String, byte[]>> filter,
      Predicate<List<ConsumerRecord<String, byte[]>>> done) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "cab-streams-it-reader-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    Instant deadline = Instant.now().plus(DEADLINE);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (filter.test(r)) {
            seen.add(r);
          }
        }
        if (done.test(seen)) {
          return seen;
        }
      }
    }
    throw new AssertionError(
        "no result on " + topic + " within " + DEADLINE + "; saw " + seen.size() + " records");
  }
}
