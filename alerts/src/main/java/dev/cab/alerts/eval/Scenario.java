package dev.cab.alerts.eval;

/** What the candidate sweep of an evaluation run changes against its baseline. */
public enum Scenario {
  /** Nothing: any firing alert is a false alarm. */
  CLEAN("clean sweep (no regression)"),
  /**
   * One (tui, model) pair's pass rate drops by 0.15: its mean pass probability over the tasks falls
   * by 0.15 (see {@link #PASS_DROP_030}).
   */
  PASS_DROP_015("pass-rate drop 0.15 of one pair (50 tasks)"),
  /**
   * One (tui, model) pair's pass rate drops by 0.30: its mean pass probability over the tasks falls
   * by 0.30, the drop spread evenly over its tasks where they can fall (each task loses {@code
   * min(p, c)}, {@code c} chosen so that the mean loss is 0.30), the pair chosen among those whose
   * pass rate allows the drop (at least 0.30).
   */
  PASS_DROP_030("pass-rate drop 0.30 of one pair (50 tasks)"),
  /**
   * The first definition, kept for comparison: 0.30 off every task's pass probability, floored at
   * 0, any pair; the pair's mean falls by less than 0.30 where it seldom passes.
   */
  PASS_DROP_030_FLOORED("  old: 0.30 off each task, floored at 0"),
  /**
   * One task fails for every pair; the task is chosen among those that were passing: a mean pass
   * probability over the pairs of at least 1/2.
   */
  TASK_FAILS("one task fails across 16 pairs"),
  /**
   * The first definition, kept for comparison: any task, also one the pairs seldom passed before.
   */
  TASK_FAILS_ANY_TASK("  old: any task, also one seldom passed"),
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

  /** The fall of one pair's pass rate the scenario injects, or 0. */
  double pairDrop() {
    return switch (this) {
      case PASS_DROP_015 -> 0.15;
      case PASS_DROP_030, PASS_DROP_030_FLOORED -> 0.30;
      default -> 0;
    };
  }

  /**
   * Salts the seed of the scenario's runs: a scenario and its first definition share the salt, so
   * their runs draw the same worlds (a paired comparison), and the first definitions reproduce the
   * figures they had before the new definitions were added.
   */
  int seedSalt() {
    return switch (this) {
      case CLEAN -> 0;
      case PASS_DROP_015 -> 1;
      case PASS_DROP_030, PASS_DROP_030_FLOORED -> 2;
      case TASK_FAILS, TASK_FAILS_ANY_TASK -> 3;
      case LATENCY_X15 -> 4;
      case INFRA_SPIKE -> 5;
    };
  }

  /** Whether a task fails for every pair. */
  boolean breaksTask() {
    return this == TASK_FAILS || this == TASK_FAILS_ANY_TASK;
  }

  /**
   * Whether the target is chosen among those that can regress by the named amount (and a pair's
   * drop spread evenly so that its mean falls by all of it), rather than among all.
   */
  boolean choosesAmongCapable() {
    return this == PASS_DROP_015 || this == PASS_DROP_030 || this == TASK_FAILS;
  }
}
