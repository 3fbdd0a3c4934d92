package dev.cab.alerts.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiscreteFdrTest {

  @Test
  void hypothesesThatCannotReachSignificanceDoNotDiluteTheOthers() {
    // Ten hypotheses; nine can never go below 1/8 (three discordant pairs each).
    double[] p = new double[10];
    double[] reachable = new double[10];
    p[0] = 0.006;
    reachable[0] = 1e-9;
    for (int i = 1; i < 10; i++) {
      p[i] = 0.5;
      reachable[i] = 0.125;
    }

    DiscreteFdr.Decision d = DiscreteFdr.decide(p, reachable, 0.05);

    assertThat(d.familySize()).isEqualTo(1);
    assertThat(d.rejected()[0]).isTrue();
    // Plain BH over all ten would not: 0.006 > 0.05 / 10.
    assertThat(BenjaminiHochberg.reject(p, 10, 0.05)[0]).isFalse();
  }

  @Test
  void withEveryHypothesisTestableItIsPlainBenjaminiHochberg() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    double[] reachable = {1e-9, 1e-9, 1e-9, 1e-9};

    DiscreteFdr.Decision d = DiscreteFdr.decide(p, reachable, 0.05);

    assertThat(d.familySize()).isEqualTo(4);
    assertThat(d.rejected()).containsExactly(BenjaminiHochberg.reject(p, 4, 0.05));
  }
}
