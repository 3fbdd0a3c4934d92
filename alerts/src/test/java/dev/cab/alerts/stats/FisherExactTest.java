package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FisherExactTest {

  @Test
  void matchesFishersTeaTastingExample() {
    // Fisher (1935); R: fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "greater")
    // $p.value = 17/70 = 0.2428571
    assertThat(FisherExact.regressionPValue(4, 3, 1)).isCloseTo(17.0 / 70, within(1e-12));
  }

  @Test
  void aTaskThatStopsPassingIsTheHypergeometricTail() {
    // 9 of 16 baseline passes, none in the candidate: choose(16, 9) / choose(32, 9)
    // = 11440 / 28048800; R: phyper(0, 9, 23, 16) = 4.078628e-04
    assertThat(FisherExact.regressionPValue(16, 9, 0)).isCloseTo(11440.0 / 28048800, within(1e-15));
  }

  @Test
  void pooledBaselineRowsMayBeLargerThanTheCandidates() {
    // R's fisher.test example, convictions of like-sex twins (Fisher 1962): monozygotic 10 of 13
    // convicted, dizygotic 2 of 17; fisher.test(Convictions, alternative = "less")$p.value =
    // 0.0004652: the second row "passes" less often than the first.
    assertThat(FisherExact.regressionPValue(13, 10, 17, 2)).isCloseTo(0.0004652, within(5e-8));
    // A task passing 27 of 48 times in three baseline sweeps and never in 16 candidate cells:
    // the 16 candidate draws of the 64 cells all fall on the 37 failures: R: phyper(0, 27, 37, 16)
    // = 2.635632e-05
    assertThat(FisherExact.regressionPValue(48, 27, 16, 0)).isCloseTo(2.635632e-05, within(1e-11));
    assertThat(FisherExact.regressionPValue(48, 27, 16, 0))
        .isCloseTo(hypergeometricZero(64, 27, 16), within(1e-15));
  }

  private static double hypergeometricZero(int total, int successes, int draws) {
    double p = 1;
    for (int i = 0; i < draws; i++) {
      p *= (double) (total - successes - i) / (total - i);
    }
    return p;
  }

  @Test
  void anImprovementGivesALargePValue() {
    assertThat(FisherExact.regressionPValue(16, 2, 12)).isGreaterThan(0.99);
    assertThat(FisherExact.regressionPValue(0, 0, 0)).isEqualTo(1.0);
  }

  @Test
  void rejectsImpossibleCounts() {
    assertThatThrownBy(() -> FisherExact.regressionPValue(5, 6, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
