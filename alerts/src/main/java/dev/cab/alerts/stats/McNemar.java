package dev.cab.alerts.stats;

import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;
import org.apache.commons.statistics.interval.BinomialConfidenceInterval;
import org.apache.commons.statistics.interval.Interval;

/**
 * The exact McNemar test for a paired binary outcome (baseline vs candidate, paired by task or by
 * pair), one-sided for a regression: only the discordant pairs carry information, and under "no
 * change" each discordant pair is a regression ({@code b}: baseline yes, candidate no) with
 * probability 1/2. The p-value is {@code P(Binomial(b + c, 1/2) >= b)} from Commons Statistics'
 * {@link BinomialTest}. Stateless and thread-safe.
 */
public final class McNemar {
  private static final BinomialTest GREATER =
      BinomialTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN);

  private McNemar() {}

  /**
   * One comparison.
   *
   * @param pairs pairs with a decided outcome on both sides
   * @param lost {@code b}: pairs where the baseline had the event and the candidate did not (for an
   *     infra-error rule: the candidate had it and the baseline did not)
   * @param gained {@code c}: the opposite discordance
   * @param pValue one-sided exact p-value for "more lost than gained"
   * @param effect {@code (gained - lost) / pairs}: the paired difference of the two rates
   *     (candidate minus baseline); negative is a drop
   * @param effectLow lower end of its 95% interval
   * @param effectHigh upper end of its 95% interval
   */
  public record Result(
      int pairs,
      int lost,
      int gained,
      double pValue,
      double effect,
      double effectLow,
      double effectHigh) {}

  /**
   * Tests {@code lost} against {@code gained} discordant pairs out of {@code pairs}.
   *
   * <p>The interval conditions on the number of discordant pairs {@code d = lost + gained}: the
   * Wilson score interval of {@code theta = lost / d} maps to the difference {@code d / pairs * (1
   * - 2 theta)}.
   */
  public static Result test(int pairs, int lost, int gained) {
    if (lost < 0 || gained < 0 || lost + gained > pairs) {
      throw new IllegalArgumentException(
          "McNemar: need 0 <= lost + gained <= pairs, got " + lost + ", " + gained + ", " + pairs);
    }
    int d = lost + gained;
    if (d == 0) {
      return new Result(pairs, 0, 0, 1.0, 0.0, 0.0, 0.0);
    }
    double p = GREATER.test(d, lost, 0.5).getPValue();
    Interval theta = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(d, lost, 0.05);
    double scale = (double) d / pairs;
    return new Result(
        pairs,
        lost,
        gained,
        p,
        (gained - lost) / (double) pairs,
        scale * (1 - 2 * theta.getUpperBound()),
        scale * (1 - 2 * theta.getLowerBound()));
  }
}
