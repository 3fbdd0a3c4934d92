package dev.cab.dashboards.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class WilsonIntervalTest {
  @Test
  void matchesTheTextbookValues() {
    // 8 of 10 at 95%: [0.4902, 0.9433] (Wilson 1927; Newcombe 1998 table)
    WilsonInterval ci = WilsonInterval.of95(8, 10);
    assertThat(ci.low()).isCloseTo(0.4902, offset(1e-4));
    assertThat(ci.high()).isCloseTo(0.9433, offset(1e-4));
  }

  @Test
  void staysInsideZeroAndOneAtTheEdges() {
    WilsonInterval none = WilsonInterval.of95(0, 12);
    assertThat(none.low()).isCloseTo(0.0, offset(1e-12));
    assertThat(none.high()).isCloseTo(0.2425, offset(1e-4));
    WilsonInterval all = WilsonInterval.of95(12, 12);
    assertThat(all.high()).isEqualTo(1.0);
    assertThat(all.low()).isCloseTo(0.7575, offset(1e-4));
    assertThat(WilsonInterval.of95(0, 0)).isEqualTo(new WilsonInterval(0, 1));
  }

  @Test
  void narrowsWithMoreTrials() {
    WilsonInterval small = WilsonInterval.of95(5, 10);
    WilsonInterval large = WilsonInterval.of95(500, 1000);
    assertThat(large.high() - large.low()).isLessThan(small.high() - small.low());
  }
}
