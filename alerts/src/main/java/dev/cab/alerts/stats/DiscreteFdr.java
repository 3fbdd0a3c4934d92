package dev.cab.alerts.stats;

/**
 * Benjamini-Hochberg for discrete tests with Tarone's restriction (Tarone 1990; Gilbert 2005, "A
 * modified false discovery rate multiple-comparisons procedure for discrete data"). An exact test
 * on few discordant pairs cannot reach a small p-value at all (McNemar on 3 discordant pairs: 1/8
 * at best), yet plain BH would count it in the family and make every other test pay for it. Here a
 * hypothesis whose smallest achievable p-value (from the margins only: the discordant count, which
 * carries no information on the direction under the null) exceeds {@code q / K} is left out, with
 * {@code K} the smallest number such that at most {@code K} hypotheses can reach {@code q / K}; BH
 * then runs on the remaining ones with family size {@code K}. Stateless.
 */
public final class DiscreteFdr {
  private DiscreteFdr() {}

  /**
   * The decision.
   *
   * @param rejected per hypothesis, whether it is rejected
   * @param adjusted per hypothesis, its BH-adjusted p-value within the restricted family (1 for a
   *     hypothesis left out)
   * @param familySize {@code K}
   */
  public record Decision(boolean[] rejected, double[] adjusted, int familySize) {}

  /**
   * @param pValues per hypothesis, its p-value (1 when not tested yet)
   * @param minAchievable per hypothesis, the smallest p-value its test could give on the current
   *     margins (1 when not tested yet)
   * @param q the false discovery rate
   */
  public static Decision decide(double[] pValues, double[] minAchievable, double q) {
    int m = pValues.length;
    // count(K) = #{i : minAchievable_i <= q / K} falls as K grows: walk K up with a pointer into
    // the sorted minima (largest first) until count(K) <= K.
    double[] sorted = minAchievable.clone();
    java.util.Arrays.sort(sorted);
    int count = m;
    int k = 1;
    for (; k <= m; k++) {
      while (count > 0 && sorted[count - 1] > q / k) {
        count--;
      }
      if (count <= k) {
        break;
      }
    }
    int familySize = Math.max(1, Math.min(k, Math.max(m, 1)));
    int[] index = new int[m];
    int n = 0;
    for (int i = 0; i < m; i++) {
      if (minAchievable[i] <= q / familySize) {
        index[n++] = i;
      }
    }
    double[] sub = new double[n];
    for (int j = 0; j < n; j++) {
      sub[j] = pValues[index[j]];
    }
    boolean[] subRejected = BenjaminiHochberg.reject(sub, Math.max(familySize, n), q);
    double[] subAdjusted = BenjaminiHochberg.adjust(sub, Math.max(familySize, n));
    boolean[] rejected = new boolean[m];
    double[] adjusted = new double[m];
    java.util.Arrays.fill(adjusted, 1.0);
    for (int j = 0; j < n; j++) {
      rejected[index[j]] = subRejected[j];
      adjusted[index[j]] = subAdjusted[j];
    }
    return new Decision(rejected, adjusted, familySize);
  }
}
