package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BenjaminiHochbergTest {

  @Test
  void rejectsTheFourOfTheOriginalPaper() {
    // Benjamini and Hochberg (1995), section 4: 15 p-values at q = 0.05; four are rejected.
    double[] p = {
      0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
      0.5719, 0.6528, 0.7590, 1.000
    };

    boolean[] rejected = BenjaminiHochberg.reject(p, p.length, 0.05);

    int n = 0;
    for (int i = 0; i < p.length; i++) {
      assertThat(rejected[i]).isEqualTo(i < 4);
      n += rejected[i] ? 1 : 0;
    }
    assertThat(n).isEqualTo(4);
  }

  @Test
  void adjustedValuesMatchR() {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
    double[] adjusted = BenjaminiHochberg.adjust(new double[] {0.01, 0.04, 0.03, 0.005}, 4);

    assertThat(adjusted[0]).isCloseTo(0.02, within(1e-12));
    assertThat(adjusted[1]).isCloseTo(0.04, within(1e-12));
    assertThat(adjusted[2]).isCloseTo(0.04, within(1e-12));
    assertThat(adjusted[3]).isCloseTo(0.02, within(1e-12));
  }

  @Test
  void plannedButUntestedHypothesesStillCountInTheFamily() {
    double[] p = {0.01};

    assertThat(BenjaminiHochberg.reject(p, 1, 0.05)[0]).isTrue();
    assertThat(BenjaminiHochberg.reject(p, 10, 0.05)[0]).isFalse();
  }
}
