package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cab.alerts.stats.StratifiedExact.Stratum;
import java.util.ArrayList;
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
    List<Stratum> strata = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      strata.add(new Stratum(0, 1, 1, 1));
    }
    strata.add(new Stratum(1, 1, 0, 1));
    for (int i = 0; i < 15; i++) {
      strata.add(new Stratum(1, 1, 1, 1));
      strata.add(new Stratum(0, 1, 0, 1));
    }

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
