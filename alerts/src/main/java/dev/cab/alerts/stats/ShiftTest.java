package dev.cab.alerts.stats;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.WilcoxonSignedRankTest;

/**
 * One-sided rank tests for "the candidate is slower": on log wall-clock times, so the effect is a
 * ratio. Paired (same task, same pair): the Wilcoxon signed-rank test on {@code log(candidate) -
 * log(baseline)}; unpaired: the Mann-Whitney U test. Both from Commons Statistics (exact p-values
 * for small samples, the normal approximation with tie correction for large ones). Stateless and
 * thread-safe.
 */
public final class ShiftTest {
  private static final WilcoxonSignedRankTest WILCOXON =
      WilcoxonSignedRankTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN);
  private static final MannWhitneyUTest MANN_WHITNEY =
      MannWhitneyUTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN);

  private ShiftTest() {}

  /**
   * One comparison.
   *
   * @param test {@code wilcoxon_signed_rank} or {@code mann_whitney_u}
   * @param n pairs (paired) or candidate observations (unpaired)
   * @param pValue one-sided p-value for "candidate larger"
   * @param ratio the estimated factor: {@code exp} of the median log difference (paired) or the
   *     ratio of medians (unpaired)
   * @param ratioLow lower end of a 95% interval of the ratio (distribution-free, from order
   *     statistics of the paired differences; NaN when unpaired)
   * @param ratioHigh upper end of that interval (NaN when unpaired)
   */
  public record Result(
      String test, int n, double pValue, double ratio, double ratioLow, double ratioHigh) {}

  /** Paired: {@code candidate[i]} and {@code baseline[i]} are the same task (positive values). */
  public static Result paired(double[] baseline, double[] candidate) {
    if (baseline.length != candidate.length) {
      throw new IllegalArgumentException("paired samples need equal lengths");
    }
    int n = baseline.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = Math.log(positive(candidate[i])) - Math.log(positive(baseline[i]));
    }
    double p = allZero(d) ? 1.0 : WILCOXON.test(d).getPValue();
    double[] sorted = d.clone();
    Arrays.sort(sorted);
    double median = median(sorted);
    // Distribution-free interval for the median difference: order statistics whose ranks come from
    // Binomial(n, 1/2) quantiles (the sign-test interval).
    double low = Double.NaN;
    double high = Double.NaN;
    if (n >= 6) {
      int k = BinomialDistribution.of(n, 0.5).inverseCumulativeProbability(0.025);
      int lo = Math.max(0, k - 1);
      low = Math.exp(sorted[lo]);
      high = Math.exp(sorted[n - 1 - lo]);
    }
    return new Result("wilcoxon_signed_rank", n, p, Math.exp(median), low, high);
  }

  /** Unpaired: different tasks on the two sides (positive values). */
  public static Result unpaired(double[] baseline, double[] candidate) {
    double[] x = new double[candidate.length];
    double[] y = new double[baseline.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.log(positive(candidate[i]));
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.log(positive(baseline[i]));
    }
    double p = MANN_WHITNEY.test(x, y).getPValue();
    double[] sx = x.clone();
    double[] sy = y.clone();
    Arrays.sort(sx);
    Arrays.sort(sy);
    return new Result(
        "mann_whitney_u",
        candidate.length,
        p,
        Math.exp(median(sx) - median(sy)),
        Double.NaN,
        Double.NaN);
  }

  private static double positive(double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException("latencies must be positive and finite: " + v);
    }
    return v;
  }

  private static boolean allZero(double[] d) {
    for (double v : d) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
