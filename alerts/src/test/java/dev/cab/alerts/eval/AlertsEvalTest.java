package dev.cab.alerts.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.alerts.eval.AlertsEval.ScenarioResult;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the detector's quality on fixed seeds (the full table is {@code ./cab alerts-eval}, in
 * docs/ALERTS.md). The targets of issue 8 that the statistics can meet are asserted as targets; the
 * two they cannot meet at 50 tasks per pair and 16 pairs per task (see docs/ALERTS.md, "What the
 * detector cannot see") are pinned at what it reaches today so a regression of the detector shows.
 */
class AlertsEvalTest {
  private static final long SEED = 20261203L;
  private static Map<Scenario, ScenarioResult> results;

  @BeforeAll
  static void run() {
    results = AlertsEval.standard().run(SEED, 15);
    System.out.print(AlertsEval.table(results));
  }

  @Test
  void cleanSweepsRaiseAFalseAlarmInAtMostFivePercent() {
    assertThat(results.get(Scenario.CLEAN).runs()).isEqualTo(30);
    assertThat(results.get(Scenario.CLEAN).falseAlarmShare()).isLessThanOrEqualTo(0.05);
  }

  @Test
  void latencyRiseAndInfraSpikeAreDetectedInAtLeastNinetyPercent() {
    assertThat(results.get(Scenario.LATENCY_X15).detectionRate()).isGreaterThanOrEqualTo(0.9);
    assertThat(results.get(Scenario.INFRA_SPIKE).detectionRate()).isGreaterThanOrEqualTo(0.9);
    assertThat(results.get(Scenario.LATENCY_X15).medianDelay()).isLessThan(800);
  }

  @Test
  void passRateDropsAndFailingTasksAreDetectedAtTheirPinnedRates() {
    assertThat(results.get(Scenario.PASS_DROP_030).detectionRate())
        .isGreaterThanOrEqualTo(PINNED_DROP_030);
    assertThat(results.get(Scenario.TASK_FAILS).detectionRate())
        .isGreaterThanOrEqualTo(PINNED_TASK_FAILS);
    assertThat(results.get(Scenario.PASS_DROP_030).detectionRate())
        .isGreaterThan(results.get(Scenario.PASS_DROP_015).detectionRate());
  }

  @Test
  void theSameSeedGivesTheSameFigures() {
    ScenarioResult again = AlertsEval.standard().run(Scenario.PASS_DROP_030, SEED, 15);

    assertThat(again.detectedRuns()).isEqualTo(results.get(Scenario.PASS_DROP_030).detectedRuns());
    assertThat(again.delays()).containsExactly(results.get(Scenario.PASS_DROP_030).delays());
  }

  // What seed 20261203 with 15 runs reaches (below the 90%: see the class comment).
  private static final double PINNED_DROP_030 = 0.3;
  private static final double PINNED_TASK_FAILS = 0.5;
}
