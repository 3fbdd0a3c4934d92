package dev.cab.alerts.detect;

import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link CellRecord} into the {@link Observation} detection keeps, or says why it cannot.
 * Stateless.
 *
 * <p>Outcome: the pipeline's own triage ({@link CellRecord#outcome()}, decided by streams) when the
 * record carries it, so alerts, views and the board agree. Records written before it existed
 * (schema 1) fall back to: {@code pending} while the cell runs or its pass_rate axis is missing;
 * {@code infra_error} for container exits 125, 126, 127 and 137 or a pass_rate breakdown saying
 * {@code timed_out}; else {@code passed} when the pass_rate score is 1, {@code failed} below.
 * Latency: the latency axis' headline ({@code wall_clock_ms}), else the root span's duration.
 */
public final class CellObservations {
  private static final Set<Integer> INFRA_EXIT_CODES = Set.of(125, 126, 127, 137);

  private CellObservations() {}

  /** Thrown for a cell detection cannot use; the message says why, for the log. */
  public static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unusable(String message) {
      super(message);
    }
  }

  public static Observation of(CellRecord c) throws Unusable {
    String missing =
        blank(c.sweepId())
            ? "sweep_id"
            : blank(c.tui()) ? "tui" : blank(c.model()) ? "model" : blank(c.task()) ? "task" : null;
    if (missing != null) {
      throw new Unusable(
          "cell "
              + (blank(c.cellId()) ? "(no id)" : c.cellId())
              + " has no "
              + missing
              + ": it cannot be paired with a baseline cell and is left out of detection");
    }
    Double latencyScore = c.axisScores().get("latency");
    double latency =
        latencyScore != null && latencyScore > 0
            ? latencyScore
            : c.durationMs() == null ? Double.NaN : c.durationMs();
    long started = c.startedAt() == null ? 0 : c.startedAt().toEpochMilli();
    Map<String, Object> pass = c.axes().get("pass_rate");
    boolean timedOut = pass != null && Boolean.TRUE.equals(pass.get("timed_out"));
    return new Observation(
        c.cellId(),
        c.sweepId(),
        c.tui(),
        c.model(),
        c.task(),
        outcome(c),
        latency,
        started,
        timedOut);
  }

  static Outcome outcome(CellRecord c) {
    if (c.outcome() != null) {
      return switch (c.outcome()) {
        case PASSED -> Outcome.PASSED;
        case FAILED -> Outcome.FAILED;
        case INFRA_ERROR -> Outcome.INFRA_ERROR;
        case PENDING -> Outcome.PENDING;
      };
    }
    if (c.status() == CellStatus.RUNNING) {
      return Outcome.PENDING;
    }
    if (c.exitCode() != null && INFRA_EXIT_CODES.contains(c.exitCode())) {
      return Outcome.INFRA_ERROR;
    }
    Map<String, Object> pass = c.axes().get("pass_rate");
    if (pass != null && Boolean.TRUE.equals(pass.get("timed_out"))) {
      return Outcome.INFRA_ERROR;
    }
    Double score = c.axisScores().get("pass_rate");
    if (score == null) {
      return Outcome.PENDING;
    }
    return score >= 1.0 ? Outcome.PASSED : Outcome.FAILED;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
