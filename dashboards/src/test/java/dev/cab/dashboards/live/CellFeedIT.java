package dev.cab.dashboards.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.SweepPlan;
import dev.cab.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The board push's reader of cell records and sweep plans, on the real embedded Kafka broker. */
@ExtendWith(KafkaExtension.class)
class CellFeedIT {

  private static CellRecord cell(String id, long version) {
    Instant at = Instant.parse("2026-12-03T20:00:00Z");
    return new CellRecord(
        CellRecord.SCHEMA_VERSION,
        id,
        "sweep-a",
        "aider",
        "m0",
        "t1",
        "cat",
        null,
        null,
        null,
        0,
        at,
        at.plusSeconds(3),
        3000.0,
        Map.of(),
        Map.of("pass_rate", 1.0),
        null,
        null,
        null,
        CellStatus.COMPLETE,
        List.of(),
        CellOutcome.PASSED,
        "pass_rate 1",
        version,
        at);
  }

  @Test
  void readsEachNewCellRecordAndCountsAndSkipsAnUndecodableOne(KafkaTestBroker kafka)
      throws Exception {
    // given a cell topic with a record written before the feed starts, and a started feed
    String topic = kafka.createTopic("cells", 2);
    String plansTopic = kafka.createTopic("plans", 1);
    byte[] before = Topics.CELLS.valueSerde().serializer().serialize(topic, cell("old", 1));
    List<CellRecord> got = new CopyOnWriteArrayList<>();
    List<Long> timestamps = new CopyOnWriteArrayList<>();
    List<SweepPlan> plans = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DashboardsSettings settings =
        DashboardsSettings.from(
            Map.of(
                DashboardsSettings.TOPIC_CELLS,
                topic,
                DashboardsSettings.TOPIC_SWEEP_PLANS,
                plansTopic),
            Map.of(
                "CAB_CLICKHOUSE_URL",
                "http://127.0.0.1:1",
                "DASHBOARDS_KAFKA_BOOTSTRAP",
                kafka.bootstrapServers()));
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      producer
          .send(new ProducerRecord<>(topic, "old".getBytes(StandardCharsets.UTF_8), before))
          .get();
      try (CellFeed feed =
          CellFeed.start(
              settings,
              new CellFeed.Listener() {
                @Override
                public void arrived(List<CellRecord> cells, List<Long> ts, long readMillis) {
                  got.addAll(cells);
                  timestamps.addAll(ts);
                }

                @Override
                public void planned(List<SweepPlan> read, long readMillis) {
                  plans.addAll(read);
                }
              },
              registry)) {
        Await.until("the feed reads the topic", feed::reading);

        // when a valid record, an undecodable one and another valid one are written
        send(producer, topic, "c1", cell("c1", 1));
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    "bad".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8)))
            .get();
        send(producer, topic, "c2", cell("c2", 4));
        // and a sweep plan
        SweepPlan plan =
            new SweepPlan(
                SweepPlan.SCHEMA_VERSION,
                "sweep-a",
                List.of("aider", "pi"),
                List.of("m0"),
                List.of("t1", "t2"),
                null,
                4,
                Instant.parse("2026-12-03T19:59:00Z"),
                Map.of());
        producer
            .send(
                new ProducerRecord<>(
                    plansTopic,
                    "sweep-a".getBytes(StandardCharsets.UTF_8),
                    Topics.SWEEP_PLANS.valueSerde().serializer().serialize(plansTopic, plan)))
            .get();

        // then both valid cells arrive with their Kafka timestamps, the bad one is counted, and
        // the record from before the start is not read (the full board read covers it)
        Await.until("both valid cells arrived", () -> got.size() >= 2);
        Await.until(
            "the undecodable record counted",
            () -> registry.counter("cab_dashboards_push_undecodable").count() == 1.0);
        assertThat(got).extracting(CellRecord::cellId).containsExactlyInAnyOrder("c1", "c2");
        assertThat(got).extracting(CellRecord::version).contains(4L);
        assertThat(timestamps).allMatch(t -> t > 0);
        assertThat(registry.counter("cab_dashboards_push_cells").count()).isEqualTo(2.0);
        // and the plan arrives with its matrix, decoded with model's serde
        Await.until("the plan arrived", () -> !plans.isEmpty());
        assertThat(plans).containsExactly(plan);
      }
    }
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, CellRecord cell)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                Topics.CELLS.valueSerde().serializer().serialize(topic, cell)))
        .get();
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaTestBroker kafka) {
    Map<String, Object> config = new java.util.HashMap<>(kafka.clientConfig());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(config);
  }
}
