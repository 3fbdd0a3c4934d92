package dev.cab.streams.topology;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.streams.config.StreamsSettings;
import dev.cab.streams.config.StreamsSettings.StateFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The cell topology: {@code cab.spans.v1} and {@code cab.scores.v1} (both keyed by cell id) are
 * projected to slim facts, grouped by key (no repartition) and cogrouped into one {@link CellState}
 * per cell in the {@code cab-cell-state} store, whose version grows by one with every real change
 * (an event that changes nothing, a duplicate, leaves the state as it is).
 *
 * <p>Emit on change: the store's record cache keeps only the newest state per cell and forwards it
 * when the cache is flushed (at every commit, {@code commit.interval.ms}, or on eviction), so a
 * cell that changes several times within one commit interval gives one {@link
 * dev.cab.model.wire.CellRecord} on {@code cab.cells.v1} (keyed by cell id) with its newest
 * version; versions in the output may therefore skip. A flush also forwards a cell whose state a
 * duplicate merely rewrote, so {@code cab-cell-new-versions-only} forwards a state only when its
 * version is higher than the last one emitted for the cell, kept in the {@code cab-cell-emitted}
 * store: the output carries real changes only. Both stores are changelogged and, under
 * exactly-once, commit atomically with the output and the input offsets.
 *
 * <p>Every processor, store and (potential) repartition topic is named, so state survives topology
 * edits; {@code ensure.explicit.internal.resource.naming} makes a missing name fail the build.
 */
public final class CellTopology {
  private CellTopology() {}

  /** The cell state store (and, suffixed {@code -changelog}, its changelog topic). */
  public static final String STATE_STORE = "cab-cell-state";

  /**
   * Per cell, the last version written to {@code cab.cells.v1} (and, suffixed {@code -changelog},
   * its changelog topic).
   */
  public static final String EMITTED_STORE = "cab-cell-emitted";

  /**
   * Per cell whose root span ended while required scorer events are missing, the wall-clock
   * deadline (epoch ms) of its grace period (and, suffixed {@code -changelog}, its changelog
   * topic).
   */
  public static final String AWAITING_SCORES_STORE = "cab-cell-awaiting-scores";

  /** How often the grace deadlines are checked, at most. */
  static final Duration GRACE_CHECK_INTERVAL = Duration.ofSeconds(1);

  static final Serde<SpanFact> SPAN_FACT_SERDE = new JsonSerde<>(SpanFact.class);
  static final Serde<AxisFact> AXIS_FACT_SERDE = new JsonSerde<>(AxisFact.class);
  static final Serde<CellState> CELL_STATE_SERDE = new CellStateSerde(StateFormat.BINARY);

  /** Builds the topology; pure: no I/O, the same settings give the same topology. */
  public static Topology build(StreamsSettings settings) {
    StreamsBuilder builder =
        new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings.toProperties())));
    CellFolder folder =
        new CellFolder(settings.requiredAxes(), settings.scorer(), settings.outcomeRules());
    Serde<CellState> stateSerde = new CellStateSerde(settings.stateFormat());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(AWAITING_SCORES_STORE), Serdes.String(), Serdes.Long()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EMITTED_STORE), Serdes.String(), Serdes.Long())
            // Written for every emitted record; the cache turns those writes into one changelog
            // record per cell and commit.
            .withCachingEnabled());

    KGroupedStream<String, SpanFact> spans =
        builder.stream(Topics.SPANS.name(), Topics.SPANS.consumed())
            .processValues(() -> new Project<>(SpanFact::of), Named.as("cab-spans-to-facts"))
            .groupByKey(Grouped.with("cab-spans-by-cell", Serdes.String(), SPAN_FACT_SERDE));
    KGroupedStream<String, AxisFact> scores =
        builder.stream(Topics.SCORES.name(), Topics.SCORES.consumed())
            .processValues(() -> new Project<>(AxisFact::of), Named.as("cab-scores-to-facts"))
            .groupByKey(Grouped.with("cab-scores-by-cell", Serdes.String(), AXIS_FACT_SERDE));

    KStream<String, CellState> updates =
        spans
            .cogroup(folder::span)
            .cogroup(scores, folder::axis)
            .aggregate(
                () -> CellState.EMPTY,
                Named.as("cab-cell-fold"),
                Materialized.<String, CellState, KeyValueStore<Bytes, byte[]>>as(STATE_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(stateSerde)
                    // The cache collapses the folds of a cell within one commit interval into one
                    // forwarded state (emit on change); it is on by default, stated here because
                    // the output volume depends on it.
                    .withCachingEnabled())
            .toStream(Named.as("cab-cell-updates"));
    KStream<String, CellState> expired =
        updates.process(
            () -> new ScoresGrace(folder),
            Named.as("cab-cell-scores-grace"),
            STATE_STORE,
            AWAITING_SCORES_STORE);
    updates
        .merge(expired, Named.as("cab-cell-updates-and-expiries"))
        .processValues(NewVersionsOnly::new, Named.as("cab-cell-new-versions-only"), EMITTED_STORE)
        .mapValues(folder::record, Named.as("cab-cell-to-record"))
        .to(Topics.CELLS.name(), Topics.CELLS.produced());
    return builder.build();
  }

  /**
   * Forwards a cell state only when its version is higher than the last one forwarded for the cell,
   * and remembers it. Drops the states a cache flush forwards although no real change happened
   * since the last emitted version (a duplicate rewrote the state). Null states (none are produced
   * by the fold) are dropped.
   */
  private static final class NewVersionsOnly
      implements FixedKeyProcessor<String, CellState, CellState> {
    private FixedKeyProcessorContext<String, CellState> context;
    private KeyValueStore<String, Long> emitted;

    @Override
    public void init(FixedKeyProcessorContext<String, CellState> context) {
      this.context = context;
      this.emitted = context.getStateStore(EMITTED_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, CellState> record) {
      CellState state = record.value();
      if (state == null) {
        return;
      }
      Long last = emitted.get(record.key());
      if (state.version() <= (last == null ? 0 : last)) {
        return;
      }
      emitted.put(record.key(), state.version());
      context.forward(record);
    }
  }

  /**
   * The grace period for missing scorer events. Remembers, per cell whose root span ended while
   * required axes are missing, a wall-clock deadline (first seen waiting + {@code
   * streams.outcome.scores.grace}); forgets it when the cell stops waiting. A wall-clock punctuator
   * folds {@link CellFolder#expireScoresGrace} into the state of every cell still waiting at its
   * deadline, writes it back to {@code cab-cell-state} (so later events fold on top of it) and
   * forwards it; the new version makes the cell an infra error. Wall clock, not stream time: a
   * runner that stops sending would otherwise never advance stream time.
   */
  private static final class ScoresGrace
      implements Processor<String, CellState, String, CellState> {
    private final CellFolder folder;
    private final long graceMs;
    private ProcessorContext<String, CellState> context;
    private TimestampedKeyValueStore<String, CellState> states;
    private KeyValueStore<String, Long> awaiting;

    ScoresGrace(CellFolder folder) {
      this.folder = folder;
      this.graceMs = folder.rules().scoresGrace().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, CellState> context) {
      this.context = context;
      this.states = context.getStateStore(STATE_STORE);
      this.awaiting = context.getStateStore(AWAITING_SCORES_STORE);
      Duration interval =
          Duration.ofMillis(Math.max(10, Math.min(GRACE_CHECK_INTERVAL.toMillis(), graceMs / 4)));
      context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, CellState> record) {
      CellState state = record.value();
      if (state == null || record.key() == null) {
        return;
      }
      if (folder.awaitsScores(state)) {
        if (awaiting.get(record.key()) == null) {
          awaiting.put(record.key(), context.currentSystemTimeMs() + graceMs);
        }
      } else if (awaiting.get(record.key()) != null) {
        awaiting.delete(record.key());
      }
    }

    private void expire(long now) {
      List<String> due = new ArrayList<>();
      try (KeyValueIterator<String, Long> it = awaiting.all()) {
        while (it.hasNext()) {
          KeyValue<String, Long> entry = it.next();
          if (entry.value != null && entry.value <= now) {
            due.add(entry.key);
          }
        }
      }
      for (String cellId : due) {
        awaiting.delete(cellId);
        ValueAndTimestamp<CellState> current = states.get(cellId);
        if (current == null || current.value() == null) {
          continue;
        }
        CellState next = folder.expireScoresGrace(current.value(), Instant.ofEpochMilli(now));
        if (next == current.value()) {
          continue;
        }
        states.put(cellId, ValueAndTimestamp.make(next, current.timestamp()));
        context.forward(new Record<>(cellId, next, now));
      }
    }
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
