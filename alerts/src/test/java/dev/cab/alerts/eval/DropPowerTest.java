package dev.cab.alerts.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DropPowerTest {

  @Test
  void aRunsPValuesAreOrderedAsTheTestsPromise() {
    for (long seed = 1; seed <= 30; seed++) {
      DropPower.Run r = DropPower.runOnce(seed, 4, TaskSpread.SIMULATOR);

      assertThat(r.unweighted()).isBetween(0.0, 1.0);
      assertThat(r.standardised()).isBetween(0.0, 1.0);
      // The mid-p takes half the observed atom off the exact p-value.
      assertThat(r.unweightedMidP()).isLessThan(r.unweighted());
      // The sequential p-value divides each look's p-value by a share of at most 1.
      assertThat(r.sequentialUnweighted()).isGreaterThanOrEqualTo(0.0).isLessThanOrEqualTo(1.0);
      assertThat(r.sequentialStandardised()).isLessThanOrEqualTo(1.0);
      assertThat(DropPower.runOnce(seed, 4, TaskSpread.SIMULATOR)).isEqualTo(r);
    }
  }

  @Test
  void aDropOfThreeTenthsIsFarOutOfLineWithTheBaselineInMostRuns() {
    int small = 0;
    for (long seed = 1; seed <= 30; seed++) {
      small += DropPower.runOnce(seed, 4, TaskSpread.SIMULATOR).standardised() < 0.01 ? 1 : 0;
    }
    assertThat(small).isGreaterThan(20);
  }

  @Test
  void theReportNamesTheLevelsAndTheTests() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    DropPower.report(
        new PrintStream(bytes, true, StandardCharsets.UTF_8), 20, 7, 4, TaskSpread.SIMULATOR);

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("<= 0.0012 (last look)", "<= 0.0014 (the pair's level)", "<= 0.0031 (q / 16)")
        .contains("| exact conditional, standardised |", "| oracle: pass probabilities known |")
        .contains("sequential (quarters, t^6, union bound)", "missed (standardised): ");
  }
}
