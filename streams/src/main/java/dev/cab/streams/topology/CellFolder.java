package dev.cab.streams.topology;

import dev.cab.model.score.CompositeScorer;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.Composite;
import dev.cab.model.wire.SpanSummary;
import dev.cab.model.wire.TokenTotals;
import dev.cab.model.wire.WireAttributes.Axes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The cell fold, as pure functions: {@link #span} and {@link #axis} fold one event into a {@link
 * CellState}, {@link #record} derives the {@link CellRecord}. Folding is idempotent: an event that
 * changes nothing (the same span again, the same axis with an equal breakdown, value and
 * efficiency) returns the very state it was given, version and all; any real change bumps {@code
 * version} by one and sets {@code updatedAt} to the event's timestamp. Events may arrive in any
 * order (scores before spans). Stateless and thread-safe.
 */
public final class CellFolder {
  /** Kind counted for spans that carry no {@code cab.span.kind}. */
  public static final String UNKNOWN_KIND = "unknown";

  private final List<String> requiredAxes;
  private final CompositeScorer scorer;

  /**
   * @param requiredAxes the axes a cell needs to be complete
   * @param scorer computes the composite once every axis it needs is present
   */
  public CellFolder(List<String> requiredAxes, CompositeScorer scorer) {
    this.requiredAxes = List.copyOf(requiredAxes);
    this.scorer = Objects.requireNonNull(scorer, "scorer");
  }

  /** Folds one span into the state of the cell keyed {@code cellId}. */
  public CellState span(String cellId, SpanFact fact, CellState state) {
    CellIdentity cell = merge(state.cell(), fact.cell(), cellId);
    boolean spanChanged = !fact.entry().equals(state.spans().get(fact.spanId()));
    RootSpan root = fact.root() != null ? fact.root() : state.root();
    if (!spanChanged && Objects.equals(root, state.root()) && Objects.equals(cell, state.cell())) {
      return state;
    }
    Map<String, SpanEntry> spans = state.spans();
    if (spanChanged) {
      spans = new LinkedHashMap<>(spans);
      spans.put(fact.spanId(), fact.entry());
    }
    return new CellState(cell, root, spans, state.axes(), state.version() + 1, fact.timestamp());
  }

  /** Folds one scorer event into the state of the cell keyed {@code cellId}. */
  public CellState axis(String cellId, AxisFact fact, CellState state) {
    CellIdentity cell = merge(state.cell(), fact.cell(), cellId);
    boolean axisChanged = !fact.entry().equals(state.axes().get(fact.axis()));
    if (!axisChanged && Objects.equals(cell, state.cell())) {
      return state;
    }
    Map<String, AxisEntry> axes = state.axes();
    if (axisChanged) {
      // A re-sent axis with a different breakdown replaces the old one (keeping its position).
      axes = new LinkedHashMap<>(axes);
      axes.put(fact.axis(), fact.entry());
    }
    return new CellState(
        cell, state.root(), state.spans(), axes, state.version() + 1, fact.timestamp());
  }

  /**
   * The cell record a state stands for. Axes are listed in page order ({@link Axes#REQUIRED}), then
   * any others in arrival order; each breakdown exactly as received.
   */
  public CellRecord record(String cellId, CellState state) {
    CellIdentity cell = merge(state.cell(), null, cellId);

    Map<String, Map<String, Object>> axes = new LinkedHashMap<>();
    Map<String, Double> axisScores = new LinkedHashMap<>();
    List<String> order = new ArrayList<>(Axes.REQUIRED);
    state.axes().keySet().stream().filter(a -> !order.contains(a)).forEach(order::add);
    for (String axis : order) {
      AxisEntry entry = state.axes().get(axis);
      if (entry != null) {
        axes.put(axis, entry.breakdown());
        if (entry.scoreValue() != null) {
          axisScores.put(axis, entry.scoreValue());
        }
      }
    }
    Composite composite =
        axes.keySet().containsAll(Axes.REQUIRED)
            ? scorer.score(
                axes, axisScores, efficiency(state, Axes.LATENCY), efficiency(state, Axes.TOKENS))
            : null;

    List<String> missing = requiredAxes.stream().filter(a -> !axes.containsKey(a)).toList();
    RootSpan root = state.root();
    CellStatus status =
        root == null || root.endedAt() == null
            ? CellStatus.RUNNING
            : missing.isEmpty() ? CellStatus.COMPLETE : CellStatus.INCOMPLETE;

    return new CellRecord(
        CellRecord.SCHEMA_VERSION,
        cell.cellId(),
        cell.sweepId(),
        cell.tui(),
        cell.model(),
        cell.task(),
        cell.category(),
        root == null ? null : root.containerImage(),
        root == null ? null : root.imageDigest(),
        root == null ? null : root.modelBuildId(),
        root == null ? null : root.exitCode(),
        root == null ? null : root.startedAt(),
        root == null ? null : root.endedAt(),
        root == null ? null : root.durationMs(),
        axes,
        axisScores,
        composite,
        summary(state),
        tokens(state),
        status,
        missing,
        state.version(),
        state.updatedAt());
  }

  private static Double efficiency(CellState state, String axis) {
    AxisEntry entry = state.axes().get(axis);
    return entry == null ? null : entry.runnerEfficiency();
  }

  private static SpanSummary summary(CellState state) {
    List<String> errors = new ArrayList<>();
    Map<String, Integer> kinds = new TreeMap<>();
    state
        .spans()
        .forEach(
            (id, span) -> {
              if (span.error()) {
                errors.add(id);
              }
              kinds.merge(span.kind() == null ? UNKNOWN_KIND : span.kind(), 1, Integer::sum);
            });
    String rootId = state.root() == null ? null : state.root().spanId();
    return new SpanSummary(state.spans().size(), rootId, errors, new LinkedHashMap<>(kinds));
  }

  /** Summed over model-call spans; null ("not recorded") when there are none. */
  private static TokenTotals tokens(CellState state) {
    TokenTotals total = null;
    for (SpanEntry span : state.spans().values()) {
      if (span.tokens() != null) {
        total = total == null ? span.tokens() : total.plus(span.tokens());
      }
    }
    return total;
  }

  /** Identity fields already known win; a later event only fills gaps. */
  private static CellIdentity merge(CellIdentity known, CellIdentity seen, String cellId) {
    if (known == null && seen == null) {
      return new CellIdentity(cellId, null, null, null, null, null);
    }
    if (known == null || seen == null) {
      return known == null ? seen : known;
    }
    return new CellIdentity(
        known.cellId(),
        first(known.sweepId(), seen.sweepId()),
        first(known.tui(), seen.tui()),
        first(known.model(), seen.model()),
        first(known.task(), seen.task()),
        first(known.category(), seen.category()));
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }
}
