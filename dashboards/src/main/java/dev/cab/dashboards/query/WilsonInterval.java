package dev.cab.dashboards.query;

/**
 * The Wilson score interval of a binomial proportion: where the true pass rate lies given {@code
 * successes} of {@code trials}, with the stated confidence. Unlike the normal approximation it
 * stays inside [0, 1] and is honest for small samples and rates near 0 or 1.
 *
 * @param low lower bound
 * @param high upper bound
 */
public record WilsonInterval(double low, double high) {

  /** z for a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  public static WilsonInterval of(long successes, long trials, double z) {
    if (trials <= 0) {
      return new WilsonInterval(0, 1);
    }
    double n = trials;
    double p = successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
    return new WilsonInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  public static WilsonInterval of95(long successes, long trials) {
    return of(successes, trials, Z95);
  }
}
