package dev.cab.alerts.stats;

import java.util.List;
import org.apache.commons.statistics.distribution.HypergeometricDistribution;

/**
 * The exact conditional test of independence in {@code 2 x 2 x K} tables (the exact version of the
 * Cochran-Mantel-Haenszel test; R's {@code mantelhaen.test(exact = TRUE)}; Agresti, Categorical
 * Data Analysis, 3rd ed., sec. 7.3.5): within each stratum, given its margins, the number of events
 * in the first row is hypergeometric under "no difference between the rows"; the strata are
 * independent, so the statistic {@code S} = the first row's events summed over strata has the
 * convolution of those hypergeometric distributions as its exact null distribution. It needs no
 * assumption about how the event probability varies across strata (task difficulty, pair skill):
 * conditioning on each stratum's margin removes it.
 *
 * <p>Here the first row is the candidate sweep and the second its baseline runs, one stratum per
 * cell key (tui, model, task): a baseline of one sweep makes every stratum a pair of single cells
 * and the test reduces to the exact McNemar test (only discordant strata vary, each with
 * probability 1/2); a pooled baseline of {@code n} runs per cell makes each stratum "k of n
 * baseline passes against the candidate's x of m". The hypergeometric probabilities come from
 * Commons Statistics' {@link HypergeometricDistribution}.
 *
 * <p>{@link #testStandardised} is the same test on a weighted statistic: each stratum's count
 * divided by its own conditional null standard deviation, {@code T = sum_k x_k / sd_k}, the sum of
 * the strata's standardised scores (Stouffer's and Liptak's combination, one weight per stratum;
 * Liptak 1958). The weights are functions of the margins only, so given the margins {@code T} is
 * still a sum of independent hypergeometric counts, each times a known constant, and its exact null
 * distribution is again a convolution: the test stays exact and conditional, only the ordering of
 * the outcomes changes. The unweighted {@code S} is the score of a common odds ratio across strata
 * (Mantel-Haenszel); a fall of the pass probability by the same amount in every stratum changes the
 * log odds ratio most where the probability is near 0 or 1 (its score weighs by {@code 1 /
 * variance}), and the standardised weights sit between the two. Unequal weights also spread the
 * null distribution's atoms, so the exact p-value loses less to discreteness. Stateless and
 * thread-safe.
 */
public final class StratifiedExact {
  private StratifiedExact() {}

  /**
   * One stratum's 2 x 2 table.
   *
   * @param firstEvents events in the first row (the candidate)
   * @param firstTotal observations in the first row
   * @param secondEvents events in the second row (the baseline)
   * @param secondTotal observations in the second row
   */
  public record Stratum(int firstEvents, int firstTotal, int secondEvents, int secondTotal) {
    public Stratum {
      if (firstTotal < 0
          || secondTotal < 0
          || firstEvents < 0
          || secondEvents < 0
          || firstEvents > firstTotal
          || secondEvents > secondTotal) {
        throw new IllegalArgumentException(
            "a stratum needs 0 <= events <= total in both rows, got "
                + firstEvents
                + "/"
                + firstTotal
                + " and "
                + secondEvents
                + "/"
                + secondTotal);
      }
    }

    int events() {
      return firstEvents + secondEvents;
    }

    int total() {
      return firstTotal + secondTotal;
    }
  }

  /** {@code 1 / sd} of an informative stratum's count, in {@link #WEIGHT_UNITS}, at least 1. */
  private static int weight(HypergeometricDistribution h) {
    return (int) Math.max(1, Math.round(WEIGHT_UNITS / Math.sqrt(h.getVariance())));
  }

  /**
   * The test's outcome.
   *
   * @param statistic {@code S}, the first row's events over every stratum (for {@link
   *     #testStandardised}: {@code T} on its integer scale)
   * @param expected its null mean ({@code sum_k m_k s_k / N_k} for {@code S})
   * @param less {@code P(S' <= S)}: the exact one-sided p-value for fewer first-row events
   * @param greater {@code P(S' >= S)}: for more first-row events
   * @param twoSided the sum of the null probabilities not above that of {@code S} (R's convention,
   *     with its relative tolerance 1e-7)
   * @param informative strata whose margins leave the first row's count free (the others carry no
   *     information)
   */
  public record Result(
      int statistic,
      double expected,
      double less,
      double greater,
      double twoSided,
      int informative) {}

  /**
   * The standardised weights are rounded to this many units per 1 / sd, so that the statistic lives
   * on an integer lattice and its null distribution is computed exactly; the test is then exact for
   * the rounded weights. Rounding moves a weight by at most half a unit: 0.25% for a stratum of one
   * candidate cell, whose {@code 1 / sd} is at least 2.
   */
  static final int WEIGHT_UNITS = 100;

  /** Tests the strata; an empty list (or only uninformative strata) gives p-values of 1. */
  public static Result test(List<Stratum> strata) {
    return test(strata, false);
  }

  /**
   * The same exact conditional test on the standardised statistic {@code T = sum_k x_k / sd_k}
   * ({@code sd_k} the standard deviation of stratum {@code k}'s count under the null, given its
   * margins; see the class comment). The result's {@code statistic} and {@code expected} are on the
   * weights' integer scale ({@value #WEIGHT_UNITS} units per {@code 1 / sd}); {@code less} and
   * {@code greater} are the exact one-sided p-values of {@code T}.
   */
  public static Result testStandardised(List<Stratum> strata) {
    return test(strata, true);
  }

  private static Result test(List<Stratum> strata, boolean standardised) {
    // The null distribution of the statistic, as probabilities of offset + i.
    double[] dist = {1.0};
    int offset = 0;
    int statistic = 0;
    double expected = 0;
    int informative = 0;
    for (Stratum s : strata) {
      int n = s.total();
      if (n == 0) {
        continue;
      }
      int lo = Math.max(0, s.firstTotal() + s.events() - n);
      int hi = Math.min(s.firstTotal(), s.events());
      if (lo == hi) {
        // The margins fix the count: no information, and any weight would only shift both the
        // statistic and its distribution by the same constant.
        statistic += s.firstEvents();
        offset += lo;
        expected += lo;
        continue;
      }
      informative++;
      HypergeometricDistribution h = HypergeometricDistribution.of(n, s.events(), s.firstTotal());
      int w = standardised ? weight(h) : 1;
      statistic += w * s.firstEvents();
      offset += w * lo;
      expected += w * h.getMean();
      double[] next = new double[dist.length + w * (hi - lo)];
      for (int k = lo; k <= hi; k++) {
        double pk = h.probability(k);
        int shift = w * (k - lo);
        for (int i = 0; i < dist.length; i++) {
          next[i + shift] += dist[i] * pk;
        }
      }
      dist = next;
    }
    int at = statistic - offset;
    double less = 0;
    double greater = 0;
    double twoSided = 0;
    double observed = dist[at];
    for (int i = 0; i < dist.length; i++) {
      if (i <= at) {
        less += dist[i];
      }
      if (i >= at) {
        greater += dist[i];
      }
      if (dist[i] <= observed * (1 + 1e-7)) {
        twoSided += dist[i];
      }
    }
    return new Result(
        statistic,
        expected,
        Math.min(1.0, less),
        Math.min(1.0, greater),
        Math.min(1.0, twoSided),
        informative);
  }
}
