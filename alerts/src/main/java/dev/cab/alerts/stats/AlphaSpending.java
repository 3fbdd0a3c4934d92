package dev.cab.alerts.stats;

import java.util.Arrays;

/**
 * Group-sequential alpha spending for tests repeated as cells land. A hypothesis is looked at when
 * its information fraction {@code t} (paired observations so far / observations planned from the
 * baseline) first reaches each of the looks {@code t_1 < ... < t_K = 1}. The spending function of
 * the power family (Kim and DeMets 1987) {@code f(t) = t^rho} gives look {@code k} the share {@code
 * w_k = f(t_k) - f(t_(k-1))} of the error budget; the shares sum to 1. {@code rho = 6} (the
 * default) keeps 82% of the budget for the full sweep (at quarters: 1/4096, 63/4096, 665/4096,
 * 3367/4096), in the manner of O'Brien-Fleming and Haybittle-Peto boundaries: an interim look
 * alerts on overwhelming evidence only (a 1.5x latency rise or an infra spike, whose p-values are
 * far below any of these shares, still fires at the half-way look), and the last look, where a
 * pass-rate drop of one pair is decided, keeps nearly the whole level. {@code rho = 3} gives the
 * last look 37/64; {@code rho = 1} spends evenly.
 *
 * <p>Look {@code k} rejects at level {@code alpha * w_k}. By the union bound over looks the chance
 * of any rejection under the null is at most {@code alpha}, whatever the correlation between looks
 * (this ignores the correlation, so it is conservative but needs no numerical integration). The
 * equivalent <em>sequential p-value</em> is {@code min_k p_k / w_k}: it never grows, and {@code
 * P(p_seq <= alpha) <= alpha} under the null, so it can go into Benjamini-Hochberg like any
 * p-value. Looks skipped (too few cells, or several reached at once) pool their shares into the
 * next look taken. Immutable.
 */
public final class AlphaSpending {
  /** The default exponent of the spending function. */
  public static final double DEFAULT_RHO = 6.0;

  private final double[] looks;
  private final double[] shares;
  private final double rho;

  /**
   * @param looks information fractions in (0, 1], increasing; the last must be 1
   * @param rho exponent of the spending function {@code t^rho}, positive
   */
  public AlphaSpending(double[] looks, double rho) {
    if (!(rho > 0) || !Double.isFinite(rho)) {
      throw new IllegalArgumentException("the spending exponent must be positive: " + rho);
    }
    this.rho = rho;
    if (looks.length == 0 || looks[looks.length - 1] != 1.0) {
      throw new IllegalArgumentException("the last look must be at information fraction 1");
    }
    this.looks = looks.clone();
    this.shares = new double[looks.length];
    double previous = 0;
    for (int k = 0; k < looks.length; k++) {
      if (!(looks[k] > (k == 0 ? 0 : looks[k - 1]))) {
        throw new IllegalArgumentException(
            "looks must increase within (0, 1]: " + Arrays.toString(looks));
      }
      double f = spent(looks[k]);
      shares[k] = f - previous;
      previous = f;
    }
  }

  /** Four looks: at a quarter, half, three quarters and all of the planned observations. */
  public static AlphaSpending quarters() {
    return new AlphaSpending(new double[] {0.25, 0.5, 0.75, 1.0}, DEFAULT_RHO);
  }

  /** The spending function: the share of alpha spent by information fraction t. */
  public double spent(double t) {
    double x = Math.min(1, Math.max(0, t));
    return Math.pow(x, rho);
  }

  /** Number of looks. */
  public int size() {
    return looks.length;
  }

  /** The index of the last look reached at information fraction {@code t}, or -1. */
  public int lookReached(double t) {
    int k = -1;
    for (int i = 0; i < looks.length; i++) {
      if (t + 1e-12 >= looks[i]) {
        k = i;
      }
    }
    return k;
  }

  /** The share of the budget of looks {@code from+1 .. to} (looks skipped at once are pooled). */
  public double share(int from, int to) {
    double s = 0;
    for (int k = from + 1; k <= to; k++) {
      s += shares[k];
    }
    return s;
  }

  /** The look fractions. */
  public double[] looks() {
    return looks.clone();
  }
}
