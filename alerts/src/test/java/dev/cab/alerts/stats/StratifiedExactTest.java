package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cab.alerts.stats.StratifiedExact.Stratum;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class StratifiedExactTest {

  /**
   * Agresti's penicillin and rabbits data (Agresti 1990, pp. 231-237), R's example for {@code
   * mantelhaen.test}: per penicillin level, immediate injection (first row) and 1.5 h delay (second
   * row), cured or died.
   */
  private static final List<Stratum> RABBITS =
      List.of(
          new Stratum(0, 6, 0, 5),
          new Stratum(3, 6, 0, 6),
          new Stratum(6, 6, 2, 6),
          new Stratum(5, 6, 6, 6),
          new Stratum(2, 2, 5, 5));

  @Test
  void matchesRsExactConditionalTestOnTheRabbitsExample() {
    // R: mantelhaen.test(Rabbits, exact = TRUE) gives S = 16, p-value = 0.03994 (two-sided), and
    // with alternative = "greater" p-value = 0.01997 (R's help page: "p - 0.040", "p = 0.020").
    StratifiedExact.Result r = StratifiedExact.test(RABBITS);

    assertThat(r.statistic()).isEqualTo(16);
    assertThat(r.twoSided()).isCloseTo(0.03994, within(5e-6));
    assertThat(r.greater()).isCloseTo(0.01997, within(5e-6));
    // The level where no rabbit was cured and the one where every rabbit was cured carry no
    // information: their margins fix the count.
    assertThat(r.informative()).isEqualTo(3);
  }

  @Test
  void oneStratumIsFishersExactTest() {
    // Fisher's tea tasting (Fisher 1935): R fisher.test(matrix(c(3, 1, 1, 3), 2),
    // alternative = "greater")$p.value = 17/70 = 0.2428571
    assertThat(StratifiedExact.test(List.of(new Stratum(3, 4, 1, 4))).greater())
        .isCloseTo(17.0 / 70, within(1e-12));
    // Rows of unequal size, R's fisher.test example of convictions of like-sex twins (Fisher
    // 1962): fisher.test(Convictions, alternative = "less")$p.value = 0.0004652
    assertThat(StratifiedExact.test(List.of(new Stratum(2, 17, 10, 13))).less())
        .isCloseTo(0.0004652, within(5e-8));
  }

  @Test
  void strataOfSinglePairsAreTheExactMcNemarTest() {
    // 9 tasks lost (baseline passed, candidate failed), 1 gained, 30 concordant: the discordant
    // strata are Bernoulli(1/2), so P(S <= 1) = P(Binomial(10, 1/2) >= 9) = 11/1024, as McNemar's
    // R: binom.test(9, 10, alternative = "greater")$p.value = 0.01074219
    List<Stratum> strata = singleRuns(9, 1, 15, 15);

    StratifiedExact.Result r = StratifiedExact.test(strata);

    assertThat(r.less()).isCloseTo(11.0 / 1024, within(1e-12));
    assertThat(r.less()).isCloseTo(McNemar.test(40, 9, 1).pValue(), within(1e-12));
    assertThat(r.informative()).isEqualTo(10);
  }

  @Test
  void aPooledBaselineMakesEachStratumTheCandidatesShareOfItsPasses() {
    // Three tasks, four baseline runs each: 4/4, 3/4 and 2/4 passes, and the candidate fails all
    // three. Under the null the candidate passes task k with probability s_k / 5, independently:
    // P(S = 0) = (1 - 4/5)(1 - 3/5)(1 - 2/5) = 0.2 * 0.4 * 0.6 = 0.048.
    List<Stratum> strata =
        List.of(new Stratum(0, 1, 4, 4), new Stratum(0, 1, 3, 4), new Stratum(0, 1, 2, 4));

    StratifiedExact.Result r = StratifiedExact.test(strata);

    assertThat(r.less()).isCloseTo(0.048, within(1e-12));
    assertThat(r.greater()).isEqualTo(1.0);
    assertThat(r.expected()).isCloseTo(0.8 + 0.6 + 0.4, within(1e-12));
  }

  @Test
  void theStandardisedStatisticWeighsEachStratumByOneOverItsNullStandardDeviation() {
    // Task A: 4 of 4 baseline passes, the candidate failed (margin 4 of 5: the candidate passes
    // with probability 0.8 under the null, sd 0.4, weight 2.5); task B: 1 of 4, the candidate
    // passed (2 of 5: probability 0.4, sd 0.490, weight 2.04). T takes 0, 2.04, 2.5 and 4.54 with
    // probabilities 0.2 x 0.6, 0.2 x 0.4, 0.8 x 0.6 and 0.8 x 0.4; the observed T = 2.04, so
    // P(T' <= T) = 0.12 + 0.08 = 0.2. Unweighted, S = 1 ties with (1, 0): P(S' <= 1) = 0.68.
    List<Stratum> strata = List.of(new Stratum(0, 1, 4, 4), new Stratum(1, 1, 1, 4));

    StratifiedExact.Result weighted = StratifiedExact.testStandardised(strata);

    assertThat(weighted.less()).isCloseTo(0.2, within(1e-12));
    assertThat(weighted.greater()).isCloseTo(0.88, within(1e-12));
    assertThat(weighted.statistic()).isEqualTo(204);
    assertThat(StratifiedExact.test(strata).less()).isCloseTo(0.68, within(1e-12));
  }

  @Test
  void strataWithTheSameMarginsKeepTheUnweightedTestsPValues() {
    // One baseline sweep: every informative stratum is a discordant pair (margin 1 of 2), so the
    // weights are equal and the standardised test is McNemar's: binom.test(9, 10, alternative =
    // "greater")$p.value = 0.01074219 = 11/1024.
    List<Stratum> strata = singleRuns(9, 1, 15, 0);

    assertThat(StratifiedExact.testStandardised(strata).less())
        .isCloseTo(11.0 / 1024, within(1e-12));
    // Four baseline runs, each candidate failing where the baseline passed 3 of 4 (margin 3 of 5):
    // P(all 6 fail) = 0.4^6 either way.
    List<Stratum> same = Collections.nCopies(6, new Stratum(0, 1, 3, 4));
    assertThat(StratifiedExact.testStandardised(same).less())
        .isCloseTo(Math.pow(0.4, 6), within(1e-15))
        .isCloseTo(StratifiedExact.test(same).less(), within(1e-15));
  }

  @Test
  void theStandardisedTestsPValuesMatchAFullEnumeration() {
    // Random strata (one or two candidate cells, up to six baseline runs): the p-values equal the
    // sums over every joint outcome of the strata, enumerated independently of the convolution.
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int round = 0; round < 40; round++) {
      List<Stratum> strata = new ArrayList<>();
      for (int i = 0; i < 1 + r.nextInt(7); i++) {
        int m = 1 + r.nextInt(2);
        int n = 1 + r.nextInt(6);
        strata.add(new Stratum(r.nextInt(m + 1), m, r.nextInt(n + 1), n));
      }

      StratifiedExact.Result result = StratifiedExact.testStandardised(strata);

      double[] tails = enumerate(strata);
      assertThat(result.less()).as("less, %s", strata).isCloseTo(tails[0], within(1e-12));
      assertThat(result.greater()).as("greater, %s", strata).isCloseTo(tails[1], within(1e-12));
    }
  }

  /**
   * The strata of tasks run once on each side (candidate first): {@code lost} the baseline passed
   * and the candidate failed, {@code gained} the other way round, then {@code bothPassed} and
   * {@code bothFailed} concordant ones (whose margins fix the count: they carry no information).
   */
  private static List<Stratum> singleRuns(int lost, int gained, int bothPassed, int bothFailed) {
    List<Stratum> strata = new ArrayList<>();
    strata.addAll(Collections.nCopies(lost, new Stratum(0, 1, 1, 1)));
    strata.addAll(Collections.nCopies(gained, new Stratum(1, 1, 0, 1)));
    strata.addAll(Collections.nCopies(bothPassed, new Stratum(1, 1, 1, 1)));
    strata.addAll(Collections.nCopies(bothFailed, new Stratum(0, 1, 0, 1)));
    return strata;
  }

  /** {P(T' <= T), P(T' >= T)} by enumerating every joint outcome, T with the rounded weights. */
  private static double[] enumerate(List<Stratum> strata) {
    double less = 0;
    double greater = 0;
    long observed = 0;
    long[] weights = new long[strata.size()];
    for (int i = 0; i < strata.size(); i++) {
      Stratum s = strata.get(i);
      int big = s.firstTotal() + s.secondTotal();
      int events = s.firstEvents() + s.secondEvents();
      double variance =
          (double) s.firstTotal()
              * events
              / big
              * (big - events)
              / big
              * (big - s.firstTotal())
              / Math.max(1, big - 1);
      weights[i] = variance > 0 ? Math.max(1, Math.round(100 / Math.sqrt(variance))) : 0;
      observed += weights[i] * s.firstEvents();
    }
    int[] x = new int[strata.size()];
    while (true) {
      double p = 1;
      long t = 0;
      for (int i = 0; i < strata.size() && p > 0; i++) {
        Stratum s = strata.get(i);
        int events = s.firstEvents() + s.secondEvents();
        p *=
            binomial(events, x[i])
                * binomial(s.firstTotal() + s.secondTotal() - events, s.firstTotal() - x[i])
                / binomial(s.firstTotal() + s.secondTotal(), s.firstTotal());
        t += weights[i] * x[i];
      }
      less += t <= observed ? p : 0;
      greater += t >= observed ? p : 0;
      int i = 0;
      while (i < x.length && x[i] == strata.get(i).firstTotal()) {
        x[i++] = 0;
      }
      if (i == x.length) {
        return new double[] {Math.min(1, less), Math.min(1, greater)};
      }
      x[i]++;
    }
  }

  private static double binomial(int n, int k) {
    if (k < 0 || k > n) {
      return 0;
    }
    double c = 1;
    for (int i = 1; i <= k; i++) {
      c = c * (n - k + i) / i;
    }
    return c;
  }

  @Test
  void noInformativeStratumMeansNoEvidence() {
    StratifiedExact.Result r =
        StratifiedExact.test(List.of(new Stratum(1, 1, 3, 3), new Stratum(0, 1, 0, 2)));

    assertThat(r.less()).isEqualTo(1.0);
    assertThat(r.greater()).isEqualTo(1.0);
    assertThat(StratifiedExact.test(List.of()).less()).isEqualTo(1.0);
  }

  @Test
  void rejectsImpossibleCounts() {
    assertThatThrownBy(() -> new Stratum(2, 1, 0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 <= events <= total");
  }
}
