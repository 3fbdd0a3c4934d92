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
