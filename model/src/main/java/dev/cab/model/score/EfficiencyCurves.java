package dev.cab.model.score;

/**
 * Default curves for the two efficiencies that the runner normally supplies after sweep-level
 * normalisation ({@code cab.latency_efficiency}, {@code cab.cost_efficiency}). They are used only
 * when a scorer event does not carry the runner's value.
 *
 * <ul>
 *   <li>latency: {@code min(1, latencyScale * seconds^latencyExponent)}; the defaults (1.228,
 *       -0.199) fit the published seed cells to within 0.1%: the runner's own normalisation is not
 *       a closed form of the wall clock alone.
 *   <li>cost: 1 when tokens were not recorded; 0 when no task was solved; otherwise {@code min(1,
 *       costReferenceTokens / tokens_per_correct_task)}.
 * </ul>
 *
 * @param latencyScale scale of the latency power curve
 * @param latencyExponent exponent of the latency power curve (negative)
 * @param costReferenceTokens tokens per correct task that still earn full cost efficiency
 */
public record EfficiencyCurves(
    double latencyScale, double latencyExponent, double costReferenceTokens) {

  public static final double DEFAULT_LATENCY_SCALE = 1.228;
  public static final double DEFAULT_LATENCY_EXPONENT = -0.199;
  public static final double DEFAULT_COST_REFERENCE_TOKENS = 50_000;

  public static final EfficiencyCurves DEFAULT =
      new EfficiencyCurves(
          DEFAULT_LATENCY_SCALE, DEFAULT_LATENCY_EXPONENT, DEFAULT_COST_REFERENCE_TOKENS);

  public EfficiencyCurves {
    if (latencyScale <= 0 || latencyExponent >= 0 || costReferenceTokens <= 0) {
      throw new IllegalArgumentException(
          "efficiency curves need latencyScale > 0, latencyExponent < 0, costReferenceTokens > 0");
    }
  }

  /** Latency efficiency in [0, 1] for a wall clock in milliseconds. */
  public double latencyEfficiency(double wallClockMs) {
    double seconds = wallClockMs / 1000.0;
    if (!(seconds > 0)) {
      return 1.0;
    }
    return Math.min(1.0, latencyScale * Math.pow(seconds, latencyExponent));
  }

  /**
   * Cost efficiency in [0, 1].
   *
   * @param tokensRecorded whether the run recorded any tokens
   * @param solved whether any task was solved (the tokens axis' {@code pass_used_for_division})
   * @param tokensPerCorrectTask tokens spent per solved task
   */
  public double costEfficiency(
      boolean tokensRecorded, boolean solved, double tokensPerCorrectTask) {
    if (!tokensRecorded) {
      return 1.0;
    }
    if (!solved || !(tokensPerCorrectTask > 0)) {
      return solved ? 1.0 : 0.0;
    }
    return Math.min(1.0, costReferenceTokens / tokensPerCorrectTask);
  }
}
