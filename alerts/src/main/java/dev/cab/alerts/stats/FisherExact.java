package dev.cab.alerts.stats;

import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.FisherExactTest;

/**
 * Fisher's exact test of "the candidate passes less often than the baseline" on the 2 x 2 table
 * (baseline, candidate) x (passed, failed), one-sided, from Commons Statistics' {@link
 * FisherExactTest}: {@code p = P(X >= baseline passes)} for {@code X} hypergeometric given the
 * margins.
 *
 * <p>Used across pairs for one task ({@code task_failing}), where it ignores the pairing by (tui,
 * model) on purpose. Under "nothing changed" the two cells of a pair are independent draws with the
 * same pass probability {@code p_j}, so their covariance is {@code Var(p_j) >= 0} across pairs:
 * ignoring a non-negative within-pair correlation overstates the variance of the difference, which
 * makes the unpaired test conservative (Agresti, Categorical Data Analysis, 3rd ed., sec. 11.1),
 * while it keeps the information McNemar discards (a pair that failed on both sides). For a task
 * that stops passing, 9 baseline passes out of 16 against none give p = 4.1e-4 here and {@code 2^-9
 * = 2.0e-3} from McNemar. Stateless and thread-safe.
 */
public final class FisherExact {
  private static final FisherExactTest GREATER =
      FisherExactTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN);

  private FisherExact() {}

  /**
   * @param n cells on each side
   * @param baselinePassed baseline cells that passed
   * @param candidatePassed candidate cells that passed
   * @return the one-sided p-value for fewer candidate passes
   */
  public static double regressionPValue(int n, int baselinePassed, int candidatePassed) {
    return regressionPValue(n, baselinePassed, n, candidatePassed);
  }

  /**
   * Rows of different sizes: a pooled baseline of several sweeps against one candidate sweep.
   *
   * @param baselineCells baseline cells (over every pooled sweep)
   * @param baselinePassed those that passed
   * @param candidateCells candidate cells
   * @param candidatePassed those that passed
   * @return the one-sided p-value for a lower pass rate of the candidate
   */
  public static double regressionPValue(
      int baselineCells, int baselinePassed, int candidateCells, int candidatePassed) {
    if (baselineCells < 0
        || candidateCells < 0
        || baselinePassed < 0
        || candidatePassed < 0
        || baselinePassed > baselineCells
        || candidatePassed > candidateCells) {
      throw new IllegalArgumentException(
          "Fisher: need 0 <= passed <= cells, got "
              + baselinePassed
              + " of "
              + baselineCells
              + " and "
              + candidatePassed
              + " of "
              + candidateCells);
    }
    if (baselineCells == 0 || candidateCells == 0) {
      return 1.0;
    }
    int[][] table = {
      {baselinePassed, baselineCells - baselinePassed},
      {candidatePassed, candidateCells - candidatePassed}
    };
    return GREATER.test(table).getPValue();
  }
}
