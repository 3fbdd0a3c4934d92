package dev.cab.streams.topology;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.streams.config.StreamsSettings;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The cell topology: {@code cab.spans.v1} and {@code cab.scores.v1} (both keyed by cell id) are
 * projected to slim facts, grouped by key (no repartition) and cogrouped into one {@link CellState}
 * per cell in the {@code cab-cell-state} store; every real change is written as a {@link
 * dev.cab.model.wire.CellRecord} to {@code cab.cells.v1}, keyed by cell id, with a version one
 * higher than the last. Updates that change nothing (duplicates) are filtered out, so the output
 * topic only carries real changes.
 *
 * <p>Every processor, store and (potential) repartition topic is named, so state survives topology
 * edits; {@code ensure.explicit.internal.resource.naming} makes a missing name fail the build.
 */
public final class CellTopology {
  private CellTopology() {}

  /** The cell state store (and, suffixed {@code -changelog}, its changelog topic). */
  public static final String STATE_STORE = "cab-cell-state";

  static final Serde<SpanFact> SPAN_FACT_SERDE = new JsonSerde<>(SpanFact.class);
  static final Serde<AxisFact> AXIS_FACT_SERDE = new JsonSerde<>(AxisFact.class);
  static final Serde<CellState> CELL_STATE_SERDE = new JsonSerde<>(CellState.class);

  /** Builds the topology; pure: no I/O, the same settings give the same topology. */
  public static Topology build(StreamsSettings settings) {
    StreamsBuilder builder =
        new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings.toProperties())));
    CellFolder folder = new CellFolder(settings.requiredAxes(), settings.scorer());

    KGroupedStream<String, SpanFact> spans =
        builder.stream(Topics.SPANS.name(), Topics.SPANS.consumed())
            .processValues(() -> new Project<>(SpanFact::of), Named.as("cab-spans-to-facts"))
            .groupByKey(Grouped.with("cab-spans-by-cell", Serdes.String(), SPAN_FACT_SERDE));
    KGroupedStream<String, AxisFact> scores =
        builder.stream(Topics.SCORES.name(), Topics.SCORES.consumed())
            .processValues(() -> new Project<>(AxisFact::of), Named.as("cab-scores-to-facts"))
            .groupByKey(Grouped.with("cab-scores-by-cell", Serdes.String(), AXIS_FACT_SERDE));

    spans
        .cogroup(folder::span)
        .cogroup(scores, folder::axis)
        .aggregate(
            () -> CellState.EMPTY,
            Named.as("cab-cell-fold"),
            Materialized.<String, CellState, KeyValueStore<Bytes, byte[]>>as(STATE_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(CELL_STATE_SERDE)
                // Without the cache every fold is forwarded at once, so the `changed` flag of
                // each fold decides alone whether a version is emitted. A cache would collapse
                // a real change and a later duplicate into one unchanged-looking value.
                .withCachingDisabled())
        .toStream(Named.as("cab-cell-updates"))
        .filter((cellId, state) -> state.changed(), Named.as("cab-cell-changes-only"))
        .mapValues(folder::record, Named.as("cab-cell-to-record"))
        .to(Topics.CELLS.name(), Topics.CELLS.produced());
    return builder.build();
  }

  /**
   * Projects a wire record to a fact stamped with its record timestamp (the aggregator cannot see
   * timestamps). Null values pass as null so the aggregation drops and counts them ({@code
   * dropped-records}); a record the projection rejects throws, and the processing exception handler
   * dead-letters it.
   */
  private static final class Project<V, F> implements FixedKeyProcessor<String, V, F> {
    private final Projection<V, F> projection;
    private FixedKeyProcessorContext<String, F> context;

    Project(Projection<V, F> projection) {
      this.projection = projection;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, F> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      V value = record.value();
      F fact =
          value == null
              ? null
              : projection.apply(record.key(), value, Instant.ofEpochMilli(record.timestamp()));
      context.forward(record.withValue(fact));
    }
  }

  @FunctionalInterface
  private interface Projection<V, F> {
    F apply(String key, V value, Instant timestamp);
  }
}
