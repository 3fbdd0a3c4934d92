package dev.cab.alerts.eval;

import java.util.Locale;

/**
 * How widely the tasks' difficulties spread their pass probabilities in the evaluation's world
 * ({@link WorldModel}): the coefficient of a task's standard-normal difficulty on the logit.
 */
public enum TaskSpread {
  /** The runner's simulator ({@code CellGenerator}): 0.7. */
  SIMULATOR(0.7),
  /**
   * 2.5: about 12% of tasks solved less than 10% of the time on average over 16 pairs, 20% more
   * than 90% of the time, the U-shaped per-task solve rates of agent benchmarks.
   */
  WIDE(2.5);

  private final double coefficient;

  TaskSpread(double coefficient) {
    this.coefficient = coefficient;
  }

  /** The logit coefficient of a task's difficulty. */
  public double coefficient() {
    return coefficient;
  }

  /** {@code simulator} or {@code wide}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
