package dev.cab.alerts.eval;

/** What the candidate sweep of an evaluation run changes against its baseline. */
public enum Scenario {
  /** Nothing: any firing alert is a false alarm. */
  CLEAN("clean sweep (no regression)"),
  /** One (tui, model) pair's pass probability drops by 0.15 (floored at 0). */
  PASS_DROP_015("pass-rate drop 0.15 of one pair (50 tasks)"),
  /** One (tui, model) pair's pass probability drops by 0.30 (floored at 0). */
  PASS_DROP_030("pass-rate drop 0.30 of one pair (50 tasks)"),
  /** One task fails for every pair. */
  TASK_FAILS("one task fails across 16 pairs"),
  /** Every wall clock of one model is 1.5 times longer. */
  LATENCY_X15("1.5x wall clock of one model"),
  /** The infra-error rate of the sweep goes from 3% to 12%. */
  INFRA_SPIKE("infra errors 3% -> 12% across the sweep");

  private final String description;

  Scenario(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
