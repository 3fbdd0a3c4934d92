package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AlphaSpendingTest {

  @Test
  void cubicSpendingSharesOfFourLooksSumToOne() {
    AlphaSpending s = new AlphaSpending(new double[] {0.25, 0.5, 0.75, 1.0}, 3);

    // t^3 at 1/4, 1/2, 3/4, 1: 1/64, 7/64, 19/64, 37/64
    assertThat(s.share(-1, 0)).isCloseTo(1 / 64.0, within(1e-12));
    assertThat(s.share(0, 1)).isCloseTo(7 / 64.0, within(1e-12));
    assertThat(s.share(1, 2)).isCloseTo(19 / 64.0, within(1e-12));
    assertThat(s.share(2, 3)).isCloseTo(37 / 64.0, within(1e-12));
    assertThat(s.share(-1, 3)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void theDefaultSpendingKeepsMostOfTheBudgetForTheLastLook() {
    AlphaSpending s = AlphaSpending.quarters();

    // t^6 at 1/4, 1/2, 3/4, 1: 1/4096, 63/4096, 665/4096, 3367/4096
    assertThat(s.share(-1, 0)).isCloseTo(1 / 4096.0, within(1e-12));
    assertThat(s.share(0, 1)).isCloseTo(63 / 4096.0, within(1e-12));
    assertThat(s.share(1, 2)).isCloseTo(665 / 4096.0, within(1e-12));
    assertThat(s.share(2, 3)).isCloseTo(3367 / 4096.0, within(1e-12));
    assertThat(s.share(-1, 3)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void looksSkippedAtOncePoolTheirShares() {
    AlphaSpending s = AlphaSpending.quarters();

    assertThat(s.lookReached(0.1)).isEqualTo(-1);
    assertThat(s.lookReached(0.6)).isEqualTo(1);
    assertThat(s.share(-1, 1)).isCloseTo(1 / 64.0, within(1e-12));
  }

  @Test
  void rejectsLooksThatDoNotEndAtTheFullSweep() {
    assertThatThrownBy(() -> new AlphaSpending(new double[] {0.5, 0.9}, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
