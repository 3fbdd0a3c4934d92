package dev.cab.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.faults.StageProcess.Stage;
import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.SpanRecord;
import dev.cab.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sink dies at the three points of a flush where a crash could lose or double rows: before the
 * insert, after the insert but before the offset commit, and between the two halves of a batch
 * split to isolate a record ClickHouse rejects. The sink's test-only hook ({@code
 * SINK_FAULT_KILL_AT}, see {@code dev.cab.sink.fault.CrashPoints}) halts its JVM exactly there; a
 * new sink JVM without the hook then takes over.
 */
@ExtendWith(ClickHouseExtension.class)
class SinkCrashFaultIT {
  /** The flush the hook halts at: about a second into the sweep's data (flushes every 200 ms). */
  private static final String OCCURRENCE = "6";

  private static final byte[] POISON_KEY =
      "faults-poison/aider/m/poison/x".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final ClickHouseTestServer clickhouse;

  SinkCrashFaultIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void sinkHaltedBeforeAnInsertReadsTheBatchAgain() throws Exception {
    FaultCase.named("sink halted before insert", clickhouse)
        .sinkSetting("SINK_FAULT_KILL_AT", "before-insert")
        .sinkSetting("SINK_FAULT_KILL_AT_OCCURRENCE", OCCURRENCE)
        .run(SinkCrashFaultIT::awaitHaltThenRestart);
  }

  @Test
  void sinkHaltedAfterAnInsertBeforeTheCommitCollapsesTheReplay() throws Exception {
    FaultCase.named("sink halted after insert, before commit", clickhouse)
        .sinkSetting("SINK_FAULT_KILL_AT", "after-insert")
        .sinkSetting("SINK_FAULT_KILL_AT_OCCURRENCE", OCCURRENCE)
        .run(SinkCrashFaultIT::awaitHaltThenRestart);
  }

  @Test
  void sinkHaltedDuringABatchSplitDeadLettersTheRejectedRecordOnce() throws Exception {
    byte[] poison = poisonSpan();
    FaultCase.named("sink halted during a batch split", clickhouse)
        .sinkSetting("SINK_FAULT_KILL_AT", "during-split")
        .afterRecovery(
            pipeline ->
                assertThat(deadLettered(pipeline.kafka().bootstrapServers(), poison))
                    .as("copies of the rejected span in %s", Topics.DLQ.name())
                    .isEqualTo(1))
        .run(
            pipeline ->
                () -> {
                  // A data error only ClickHouse sees (the row mapper refuses what the column types
                  // cannot hold before it inserts): its own constraints, on the poison's span and
                  // on the cell streams folds from it. VIOLATED_CONSTRAINT (469) splits the batch.
                  pipeline
                      .clickhouse()
                      .query(
                          "ALTER TABLE spans ADD CONSTRAINT faults_poison"
                              + " CHECK name != '"
                              + POISON_NAME
                              + "'");
                  pipeline
                      .clickhouse()
                      .query(
                          "ALTER TABLE cells ADD CONSTRAINT faults_poison"
                              + " CHECK sweep_id != '"
                              + POISON_SWEEP
                              + "'");
                  produce(pipeline.kafka().bootstrapServers(), poison);
                  Sweep.faultStartsNow();
                  awaitHaltThenRestart(pipeline).inject();
                });
  }

  /** Waits for the hook to halt the sink (exit 137), then starts a sink without it. */
  private static Sweep.Fault awaitHaltThenRestart(Pipeline pipeline) {
    return () -> {
      StageProcess sink = pipeline.stage(Stage.SINK);
      assertThat(sink.awaitExit(180)).as("exit status of %s", sink).isEqualTo(137);
      pipeline.unset(Stage.SINK, "SINK_FAULT_KILL_AT", "SINK_FAULT_KILL_AT_OCCURRENCE");
      pipeline.restart(Stage.SINK);
    };
  }

  private static final String POISON_NAME = "execute_tool poison";
  private static final String POISON_SWEEP = "faults-poison";

  /** A span of another sweep that the case's constraints make ClickHouse refuse: a data error. */
  private static byte[] poisonSpan() {
    SpanRecord span =
        new SpanRecord(
            SpanRecord.SCHEMA_VERSION,
            new CellIdentity(
                "faults-poison/aider/m/poison/x",
                "faults-poison",
                "aider",
                "m",
                "poison/x",
                "poison"),
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            null,
            POISON_NAME,
            "tool_call",
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:00:01Z"),
            "OK",
            "",
            Map.of(),
            Map.of());
    return Topics.SPANS.valueSerde().serializer().serialize(Topics.SPANS.name(), span);
  }

  /**
   * Produces the poison between copies of ten spans already in partition 0 (same keys, same
   * partition: streams sees duplicates and emits nothing, ClickHouse collapses them), so the sink
   * reads it inside a batch of valid rows and has to split that batch to isolate it.
   */
  private static void produce(String bootstrap, byte[] value) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> real = new java.util.ArrayList<>();
    TopicPartition p0 = new TopicPartition(Topics.SPANS.name(), 0);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(p0));
      consumer.seekToBeginning(List.of(p0));
      Await.until(
          "ten spans in " + p0,
          Duration.ofMinutes(3),
          Duration.ofMillis(200),
          () -> {
            consumer.poll(Duration.ofMillis(200)).records(p0).forEach(real::add);
            return real.size() >= 10;
          },
          () -> real.size() + " so far");
    }
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                100),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < 10; i++) {
        if (i == 5) {
          producer.send(new ProducerRecord<>(Topics.SPANS.name(), 0, POISON_KEY, value));
        }
        producer.send(
            new ProducerRecord<>(Topics.SPANS.name(), 0, real.get(i).key(), real.get(i).value()));
      }
      producer.flush();
    }
  }

  /** Copies of {@code value} in the dead-letter topic, read to its end. */
  private static int deadLettered(String bootstrap, byte[] value) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.DLQ.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      int[] copies = {0};
      Await.until(
          "the dead-letter topic read to its end",
          Duration.ofMinutes(1),
          () -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
              if (Arrays.equals(r.value(), value)) {
                copies[0]++;
              }
            }
            return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
          },
          () -> "reading " + Topics.DLQ.name() + " to " + end);
      return copies[0];
    }
  }
}
