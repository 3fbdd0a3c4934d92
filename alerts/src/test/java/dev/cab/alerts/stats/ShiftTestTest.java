package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ShiftTestTest {
  // Hollander and Wolfe (1973), p. 29: Hamilton depression scale before (x) and after (y); the
  // example of R's wilcox.test. wilcox.test(x, y, paired = TRUE, alternative = "greater"):
  // V = 40, p-value = 0.01953.
  private static final double[] X = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  private static final double[] Y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};

  @Test
  void pairedWilcoxonMatchesHollanderWolfe() {
    // The test runs on log ratios: candidate = exp(x - y) over a baseline of 1 gives the
    // published differences exactly.
    double[] baseline = new double[X.length];
    double[] candidate = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      baseline[i] = 1.0;
      candidate[i] = Math.exp(X[i] - Y[i]);
    }

    ShiftTest.Result r = ShiftTest.paired(baseline, candidate);

    assertThat(r.test()).isEqualTo("wilcoxon_signed_rank");
    assertThat(r.pValue()).isCloseTo(0.01953125, within(1e-6));
    assertThat(r.ratio()).isCloseTo(Math.exp(0.49), within(1e-9)); // median difference 0.49
    assertThat(r.ratioLow()).isLessThanOrEqualTo(r.ratio());
    assertThat(r.ratioHigh()).isGreaterThanOrEqualTo(r.ratio());
  }

  @Test
  void unpairedMannWhitneyMatchesHollanderWolfe() {
    // Hollander and Wolfe (1973), p. 69: R's wilcox.test(x, y, alternative = "greater"):
    // W = 35, p-value = 0.1272.
    double[] x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
    double[] y = {1.15, 0.88, 0.90, 0.74, 1.21};
    double[] candidate = new double[x.length];
    double[] baseline = new double[y.length];
    for (int i = 0; i < x.length; i++) {
      candidate[i] = Math.exp(x[i]);
    }
    for (int i = 0; i < y.length; i++) {
      baseline[i] = Math.exp(y[i]);
    }

    ShiftTest.Result r = ShiftTest.unpaired(baseline, candidate);

    assertThat(r.test()).isEqualTo("mann_whitney_u");
    assertThat(r.pValue()).isCloseTo(0.1272, within(5e-5));
  }

  @Test
  void aUniformSlowdownIsMeasuredAsItsFactor() {
    double[] baseline = new double[30];
    double[] candidate = new double[30];
    for (int i = 0; i < 30; i++) {
      baseline[i] = 1000 + 37 * i;
      candidate[i] = baseline[i] * 1.5 * (1 + 0.01 * ((i % 5) - 2));
    }

    ShiftTest.Result r = ShiftTest.paired(baseline, candidate);

    assertThat(r.ratio()).isCloseTo(1.5, within(0.02));
    assertThat(r.pValue()).isLessThan(1e-5);
    assertThat(r.ratioLow()).isGreaterThan(1.4);
  }
}
