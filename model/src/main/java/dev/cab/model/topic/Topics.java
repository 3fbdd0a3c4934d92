package dev.cab.model.topic;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.AlertRecord;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.SweepPlan;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;

/** The topic catalogue: every topic of the pipeline, its key and value format. */
public final class Topics {
  private Topics() {}

  /**
   * Spans. Key: cell id (UTF-8 string). Value: {@link SpanRecord} as JSON. Written by the collector
   * (redacted), read by streams and sink. Keyed by cell so one cell's spans and scores meet in one
   * partition.
   */
  public static final Topic<String, SpanRecord> SPANS =
      new Topic<>("cab.spans.v1", Serdes.String(), new JsonSerde<>(SpanRecord.class), Map.of());

  /**
   * Scorer events. Key: cell id (UTF-8 string). Value: {@link ScoreEvent} as JSON. Written by the
   * collector, read by streams and sink.
   */
  public static final Topic<String, ScoreEvent> SCORES =
      new Topic<>("cab.scores.v1", Serdes.String(), new JsonSerde<>(ScoreEvent.class), Map.of());

  /**
   * Cell records. Key: cell id (UTF-8 string). Value: {@link CellRecord} as JSON, each update a
   * higher {@code version}. Compacted: the newest version of every cell is kept forever, so a new
   * sink or dashboard can rebuild from the topic.
   */
  public static final Topic<String, CellRecord> CELLS =
      new Topic<>(
          "cab.cells.v1",
          Serdes.String(),
          new JsonSerde<>(CellRecord.class),
          Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));

  /**
   * Sweep plans. Key: sweep id (UTF-8 string). Value: {@link SweepPlan} as JSON. Written by the
   * collector from {@code cab.sweep.plan} log records, read by the sink. Compacted: the newest plan
   * of every sweep is kept forever.
   */
  public static final Topic<String, SweepPlan> SWEEP_PLANS =
      new Topic<>(
          "cab.sweep-plans.v1",
          Serdes.String(),
          new JsonSerde<>(SweepPlan.class),
          Map.of("cleanup.policy", "compact"));

  /**
   * Regression alerts. Key: the alert's fingerprint (UTF-8 hex string). Value: {@link AlertRecord}
   * as JSON, one record per transition (pending, firing, resolved). Compacted: the newest state of
   * every alert is kept. Written by the alerts stage; read by its delivery loop and by the sink.
   */
  public static final Topic<String, AlertRecord> ALERTS =
      new Topic<>(
          "cab.alerts.v1",
          Serdes.String(),
          new JsonSerde<>(AlertRecord.class),
          Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));

  /**
   * Dead letters. Key and value: the original bytes of the record that could not be processed.
   * Headers name where it came from and why (see {@link DeadLetters}). Kept 30 days unless {@code
   * cab.kafka.topic.dlq.retention.ms} says otherwise ({@link TopicProvisioner} sets it).
   */
  public static final Topic<byte[], byte[]> DLQ =
      new Topic<>(
          "cab.dlq.v1",
          Serdes.ByteArray(),
          Serdes.ByteArray(),
          Map.of("retention.ms", String.valueOf(30L * 24 * 3600 * 1000)));

  /** Every topic, in data-flow order. */
  public static List<Topic<?, ?>> all() {
    return List.of(SPANS, SCORES, CELLS, SWEEP_PLANS, ALERTS, DLQ);
  }

  /** The topics as {@link NewTopic}s for an Admin client. */
  public static List<NewTopic> newTopics(int partitions, short replicationFactor) {
    return all().stream()
        .map(t -> new NewTopic(t.name(), partitions, replicationFactor).configs(t.config()))
        .toList();
  }
}
