package dev.cab.alerts.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.eval.AlertsEval.ScenarioResult;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the detector's quality on fixed seeds, with the pooled baseline the stage uses by default
 * ({@link AlertsSettings#DEFAULT_BASELINE_SWEEPS} earlier sweeps; the full tables, one earlier
 * sweep and pooled, are {@code ./cab alerts-eval}, in docs/ALERTS.md). The targets of issue 8 that
 * the cells can meet are asserted as targets. The 0.3 drop and the failing task stay below 90% at
 * 50 tasks per pair and 16 pairs per task even with a pooled baseline (docs/ALERTS.md, "What the
 * detector cannot see"): they are pinned at what the pooled baseline reaches, above what one sweep
 * reaches, and the failing task at the 90% target for the tasks that were passing before.
 */
class AlertsEvalTest {
  private static final long SEED = 20261203L;
  private static final int RUNS = 15;
  private static Map<Scenario, ScenarioResult> pooled;

  @BeforeAll
  static void run() {
    pooled = AlertsEval.standard(AlertsSettings.DEFAULT_BASELINE_SWEEPS).run(SEED, RUNS);
    System.out.print(AlertsEval.table(pooled));
  }

  @Test
  void cleanSweepsRaiseAFalseAlarmInAtMostFivePercent() {
    assertThat(pooled.get(Scenario.CLEAN).runs()).isEqualTo(2 * RUNS);
    assertThat(pooled.get(Scenario.CLEAN).falseAlarmShare()).isLessThanOrEqualTo(0.05);
  }

  @Test
  void latencyRiseAndInfraSpikeAreDetectedInAtLeastNinetyPercent() {
    assertThat(pooled.get(Scenario.LATENCY_X15).detectionRate()).isGreaterThanOrEqualTo(0.9);
    assertThat(pooled.get(Scenario.INFRA_SPIKE).detectionRate()).isGreaterThanOrEqualTo(0.9);
    assertThat(pooled.get(Scenario.LATENCY_X15).medianDelay()).isLessThan(800);
  }

  @Test
  void aTaskThatWasPassingIsDetectedInAtLeastNinetyPercentWhenItFailsEverywhere() {
    int[] passing = pooled.get(Scenario.TASK_FAILS).detectedWhereTargetPasses(0.5, true);

    assertThat(passing[1]).isGreaterThanOrEqualTo(RUNS / 2);
    assertThat(passing[0]).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * passing[1]));
  }

  @Test
  void thePooledBaselineDetectsPassRateDropsAndFailingTasksMoreOftenThanOneSweep() {
    AlertsEval single = AlertsEval.standard(1);
    ScenarioResult singleDrop = single.run(Scenario.PASS_DROP_030, SEED, RUNS);
    ScenarioResult singleTask = single.run(Scenario.TASK_FAILS, SEED, RUNS);

    assertThat(pooled.get(Scenario.PASS_DROP_030).detectionRate())
        .isGreaterThanOrEqualTo(PINNED_DROP_030)
        .isGreaterThan(singleDrop.detectionRate() + 0.2);
    assertThat(pooled.get(Scenario.TASK_FAILS).detectionRate())
        .isGreaterThanOrEqualTo(PINNED_TASK_FAILS)
        .isGreaterThan(singleTask.detectionRate() + 0.1);
    assertThat(pooled.get(Scenario.PASS_DROP_030).detectionRate())
        .isGreaterThan(pooled.get(Scenario.PASS_DROP_015).detectionRate());
  }

  @Test
  void theSameSeedGivesTheSameFigures() {
    ScenarioResult again =
        AlertsEval.standard(AlertsSettings.DEFAULT_BASELINE_SWEEPS)
            .run(Scenario.PASS_DROP_030, SEED, RUNS);

    assertThat(again.detectedRuns()).isEqualTo(pooled.get(Scenario.PASS_DROP_030).detectedRuns());
    assertThat(again.delays()).containsExactly(pooled.get(Scenario.PASS_DROP_030).delays());
  }

  // What seed 20261203 with 15 runs reaches with the pooled baseline (below the 90%: see
  // the class comment); one earlier sweep reaches 33% and 53%.
  private static final double PINNED_DROP_030 = 0.7;
  private static final double PINNED_TASK_FAILS = 0.7;
}
