package dev.cab.alerts.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The Benjamini-Hochberg step-up procedure: rejects the {@code k} smallest p-values, {@code k} the
 * largest rank with {@code p(k) <= q k / m}. Controls the false discovery rate at {@code q} for
 * independent or positively dependent tests; when every hypothesis is null it is the family-wise
 * error rate. {@code m} may exceed the number of p-values given (hypotheses planned but not yet
 * tested count with p = 1), which is what keeps the rejections of a growing sweep nested over time.
 */
public final class BenjaminiHochberg {
  private BenjaminiHochberg() {}

  /**
   * @param pValues the p-values tested now
   * @param m the number of hypotheses of the family ({@code >= pValues.length})
   * @param q the false discovery rate
   * @return per p-value, whether it is rejected
   */
  public static boolean[] reject(double[] pValues, int m, double q) {
    int n = pValues.length;
    if (m < n) {
      throw new IllegalArgumentException("m must be at least the number of p-values");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    int k = 0;
    for (int rank = 1; rank <= n; rank++) {
      if (pValues[order[rank - 1]] <= q * rank / m) {
        k = rank;
      }
    }
    boolean[] rejected = new boolean[n];
    for (int rank = 1; rank <= k; rank++) {
      rejected[order[rank - 1]] = true;
    }
    return rejected;
  }

  /**
   * BH-adjusted p-values (the smallest q at which each would be rejected), with {@code m} as above.
   */
  public static double[] adjust(double[] pValues, int m) {
    int n = pValues.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    double[] adjusted = new double[n];
    double running = 1.0;
    for (int rank = n; rank >= 1; rank--) {
      int i = order[rank - 1];
      running = Math.min(running, pValues[i] * m / rank);
      adjusted[i] = Math.min(1.0, running);
    }
    return adjusted;
  }
}
