package dev.cab.runner.sim.internal;

import dev.cab.runner.Axis;
import dev.cab.runner.CellIdentity;
import dev.cab.runner.CellSpanKind;
import dev.cab.runner.CellTraceIds;
import dev.cab.runner.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one cell emits, decided up front (pure data): spans with explicit ids and timestamps,
 * scorer events with breakdowns, and the faults to apply when sending. Not API.
 *
 * @param identity the cell
 * @param traceIds trace id and root span id
 * @param spans spans; exactly one is the root (adapter_run)
 * @param scores one per axis, in axis order
 * @param outOfOrder send the scores before the spans
 * @param lateScore index into {@code scores} of the event sent late, or -1
 * @param lateDelayCells how many later cells to wait before sending the late event
 * @param duplicateScore index into {@code scores} of the event sent twice, or -1
 * @param outcome what the cell's numbers were, for the report
 */
public record SimulatedCell(
    CellIdentity identity,
    CellTraceIds traceIds,
    List<Span> spans,
    List<Score> scores,
    boolean outOfOrder,
    int lateScore,
    int lateDelayCells,
    int duplicateScore,
    Outcome outcome) {

  /** Whether a non-root span hangs under the root or has no parent. */
  public enum Parent {
    ROOT,
    NONE
  }

  /**
   * One span.
   *
   * @param spanId 16 hex; ignored for the root (the cell's reserved root id)
   * @param attributes harness attributes, JSON-shaped, in order
   * @param exitCode {@code process.exit.code}, or null
   * @param imageName {@code container.image.name}, or null
   * @param imageDigest {@code container.image.id}, or null
   * @param modelBuildId {@code cab.model.build_id}, or null
   * @param usage token usage (model_call spans), or null
   * @param errorType {@code error.type} when the span failed, or null
   * @param errorMessage status description when the span failed, or null
   */
  public record Span(
      CellSpanKind kind,
      String name,
      String spanId,
      Parent parent,
      Instant start,
      Instant end,
      Map<String, Object> attributes,
      Long exitCode,
      String imageName,
      String imageDigest,
      String modelBuildId,
      TokenUsage usage,
      String errorType,
      String errorMessage) {}

  /**
   * One scorer event.
   *
   * @param efficiency the latency or cost efficiency attribute, or null
   */
  public record Score(
      Axis axis, double value, Map<String, Object> breakdown, Double efficiency, Instant time) {}

  /**
   * The cell's numbers with and without injected regressions (same random draws).
   *
   * @param regressions indexes (into the options' list) of the regressions that touched the cell
   */
  public record Outcome(
      boolean pass,
      boolean baselinePass,
      double wallClockMs,
      double baselineWallClockMs,
      boolean infraFailure,
      boolean baselineInfraFailure,
      List<Integer> regressions) {

    public static final Outcome NONE = new Outcome(false, false, 0, 0, false, false, List.of());
  }
}
