package dev.cab.alerts.detect;

/**
 * What detection keeps of one cell: its identity, its outcome and its wall clock. A few dozen bytes
 * per cell, so a detector holds many sweeps in memory.
 *
 * @param cellId the cell
 * @param sweepId its sweep
 * @param tui agent CLI
 * @param model model
 * @param task task id
 * @param outcome passed, failed, infra_error or pending
 * @param latencyMs wall clock in milliseconds, or NaN when unknown
 * @param startedAtMillis when the cell started (epoch ms), or 0 when unknown: orders sweeps
 * @param timedOut the harness stopped the cell at its time limit: an infra error for the pass rate,
 *     but its wall clock (the limit) still counts for latency, as a value censored at the top
 */
public record Observation(
    String cellId,
    String sweepId,
    String tui,
    String model,
    String task,
    Outcome outcome,
    double latencyMs,
    long startedAtMillis,
    boolean timedOut) {

  /** The key that pairs a cell with its twin in another sweep: tui, model and task. */
  public String key() {
    return key(tui, model, task);
  }

  public static String key(String tui, String model, String task) {
    return tui + '\u001f' + model + '\u001f' + task;
  }

  /** Whether the latency is usable for the latency rules. */
  public boolean hasLatency() {
    return (outcome.decided() || timedOut) && latencyMs > 0 && Double.isFinite(latencyMs);
  }

  /** Whether anything a rule looks at differs from {@code other}. */
  public boolean differsFrom(Observation other) {
    return other == null
        || outcome != other.outcome
        || timedOut != other.timedOut
        || Double.compare(latencyMs, other.latencyMs) != 0;
  }
}
