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
 * Commons Statistics' {@link HypergeometricDistribution}. Stateless and thread-safe.
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

  /**
   * The test's outcome.
   *
   * @param statistic {@code S}, the first row's events over every stratum
   * @param expected its null mean {@code sum_k m_k s_k / N_k}
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

  /** Tests the strata; an empty list (or only uninformative strata) gives p-values of 1. */
  public static Result test(List<Stratum> strata) {
    // The null distribution of S, as probabilities of S = offset + i.
    double[] dist = {1.0};
    int offset = 0;
    int statistic = 0;
    double expected = 0;
    int informative = 0;
    for (Stratum s : strata) {
      statistic += s.firstEvents();
      int n = s.total();
      if (n == 0) {
        continue;
      }
      int lo = Math.max(0, s.firstTotal() + s.events() - n);
      int hi = Math.min(s.firstTotal(), s.events());
      expected += (double) s.firstTotal() * s.events() / n;
      offset += lo;
      if (lo == hi) {
        continue;
      }
      informative++;
      HypergeometricDistribution h = HypergeometricDistribution.of(n, s.events(), s.firstTotal());
      double[] next = new double[dist.length + hi - lo];
      for (int k = lo; k <= hi; k++) {
        double pk = h.probability(k);
        for (int i = 0; i < dist.length; i++) {
          next[i + k - lo] += dist[i] * pk;
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
