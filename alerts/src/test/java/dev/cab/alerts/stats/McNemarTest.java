package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class McNemarTest {

  @Test
  void oneSidedExactPValueIsTheBinomialTailOfTheDiscordantPairs() {
    // R: binom.test(9, 10, alternative = "greater")$p.value = 11/1024 = 0.01074219
    McNemar.Result r = McNemar.test(40, 9, 1);

    assertThat(r.pValue()).isCloseTo(11.0 / 1024, within(1e-12));
    assertThat(r.effect()).isCloseTo(-8.0 / 40, within(1e-12));
  }

  @Test
  void intervalMapsTheWilsonIntervalOfTheDiscordantShare() {
    // Wilson score interval of 9/10 at 95%: 0.5958..0.9821 (Newcombe 1998, Table I method 3).
    McNemar.Result r = McNemar.test(10, 9, 1);

    assertThat(r.effectLow()).isCloseTo(1 - 2 * 0.98212, within(1e-4));
    assertThat(r.effectHigh()).isCloseTo(1 - 2 * 0.59585, within(1e-4));
    assertThat(r.effectLow()).isLessThan(r.effect());
    assertThat(r.effectHigh()).isGreaterThan(r.effect());
  }

  @Test
  void noDiscordantPairMeansNoEvidence() {
    McNemar.Result r = McNemar.test(50, 0, 0);

    assertThat(r.pValue()).isEqualTo(1.0);
    assertThat(r.effect()).isZero();
  }

  @Test
  void improvementsGiveLargePValues() {
    // R: binom.test(1, 10, alternative = "greater")$p.value = 1023/1024
    assertThat(McNemar.test(10, 1, 9).pValue()).isCloseTo(1023.0 / 1024, within(1e-12));
  }

  @Test
  void rejectsImpossibleCounts() {
    assertThatThrownBy(() -> McNemar.test(5, 4, 3)).isInstanceOf(IllegalArgumentException.class);
  }
}
