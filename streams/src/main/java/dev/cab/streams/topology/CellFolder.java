package dev.cab.streams.topology;

import dev.cab.model.score.CompositeScorer;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.Composite;
import dev.cab.model.wire.SpanSummary;
import dev.cab.model.wire.TokenTotals;
import dev.cab.model.wire.WireAttributes.Axes;
import dev.cab.streams.config.OutcomeRules;
import java.time.Instant;
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
  private final OutcomeRules rules;

  /**
   * @param requiredAxes the axes a cell needs to be complete
   * @param scorer computes the composite once every axis it needs is present
   */
  public CellFolder(List<String> requiredAxes, CompositeScorer scorer) {
    this(requiredAxes, scorer, OutcomeRules.DEFAULT);
  }

  /**
   * @param requiredAxes the axes a cell needs to be complete
   * @param scorer computes the composite once every axis it needs is present
   * @param rules triage of the cell's outcome
   */
  public CellFolder(List<String> requiredAxes, CompositeScorer scorer, OutcomeRules rules) {
    this.requiredAxes = List.copyOf(requiredAxes);
    this.scorer = Objects.requireNonNull(scorer, "scorer");
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** The outcome rules this folder applies. */
  public OutcomeRules rules() {
    return rules;
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
    return new CellState(
        cell,
        root,
        spans,
        state.axes(),
        state.version() + 1,
        fact.timestamp(),
        state.scoresGraceExpiredAt());
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
        cell,
        state.root(),
        state.spans(),
        axes,
        state.version() + 1,
        fact.timestamp(),
        state.scoresGraceExpiredAt());
  }

  /**
   * Whether the cell waits for scorer events: its root span ended, required axes are missing and
   * the grace period has not run out yet. Such a cell is {@code pending} until they arrive or
   * {@link #expireScoresGrace} makes it an infra error.
   */
  public boolean awaitsScores(CellState state) {
    return state.root() != null
        && state.root().endedAt() != null
        && state.scoresGraceExpiredAt() == null
        && !state.axes().keySet().containsAll(requiredAxes);
  }

  /**
   * Marks the scorer-event grace period of a waiting cell as run out: a new version (the cell is
   * now an infra error until the missing axes arrive, which turns it back into passed or failed).
   * Returns the state as is when the cell no longer waits.
   */
  public CellState expireScoresGrace(CellState state, Instant now) {
    if (!awaitsScores(state)) {
      return state;
    }
    return new CellState(
        state.cell(), state.root(), state.spans(), state.axes(), state.version() + 1, now, now);
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
    Triage triage = triage(state, axes, axisScores, missing);

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
        triage.outcome(),
        triage.reason(),
        state.version(),
        state.updatedAt());
  }

  private record Triage(CellOutcome outcome, String reason) {}

  /**
   * The outcome rules, first match wins: harness evidence (a timeout, an infra exit code, an error
   * in a harness span) makes an infra error even before the run ended; then a run that has not
   * ended is pending; a required axis still missing makes it pending within the grace period and an
   * infra error after it; else the pass_rate score decides (1 passed, below 1 failed).
   */
  private Triage triage(
      CellState state,
      Map<String, Map<String, Object>> axes,
      Map<String, Double> axisScores,
      List<String> missing) {
    Map<String, Object> pass = axes.get(Axes.PASS_RATE);
    for (SpanEntry span : state.spans().values()) {
      if (span.errorType() != null && rules.timeoutErrorTypes().contains(span.errorType())) {
        return new Triage(CellOutcome.INFRA_ERROR, "timeout (error.type " + span.errorType() + ")");
      }
    }
    if (pass != null && Boolean.TRUE.equals(pass.get("timed_out"))) {
      return new Triage(CellOutcome.INFRA_ERROR, "timeout (pass_rate timed_out)");
    }
    RootSpan root = state.root();
    if (root != null
        && root.exitCode() != null
        && rules.infraExitCodes().contains(root.exitCode())) {
      return new Triage(CellOutcome.INFRA_ERROR, "exit_code " + root.exitCode());
    }
    for (SpanEntry span : state.spans().values()) {
      if (span.error()
          && span.kind() != null
          && rules.infraErrorSpanKinds().contains(span.kind())) {
        return new Triage(
            CellOutcome.INFRA_ERROR,
            "error span "
                + span.kind()
                + (span.errorType() == null ? "" : " (error.type " + span.errorType() + ")"));
      }
    }
    if (root == null || root.endedAt() == null) {
      return new Triage(CellOutcome.PENDING, null);
    }
    if (!missing.isEmpty()) {
      return state.scoresGraceExpiredAt() != null
          ? new Triage(CellOutcome.INFRA_ERROR, "scores missing after grace: " + missing)
          : new Triage(CellOutcome.PENDING, null);
    }
    Double passScore = axisScores.get(Axes.PASS_RATE);
    if (passScore == null && pass != null && pass.get("pass") instanceof Number n) {
      passScore = n.doubleValue();
    }
    if (passScore == null) {
      return new Triage(CellOutcome.PENDING, null);
    }
    return passScore >= 1
        ? new Triage(CellOutcome.PASSED, "pass_rate " + passScore)
        : new Triage(CellOutcome.FAILED, "pass_rate " + passScore);
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
