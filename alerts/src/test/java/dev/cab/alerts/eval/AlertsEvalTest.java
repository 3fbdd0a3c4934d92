package dev.cab.alerts.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.eval.AlertsEval.ScenarioResult;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the detector's quality on fixed seeds, with the pooled baseline the stage uses by default
 * ({@link AlertsSettings#DEFAULT_BASELINE_SWEEPS} earlier sweeps; the full tables, one earlier
 * sweep and pooled, are {@code ./cab alerts-eval}, in docs/ALERTS.md). The scenarios are the
 * issue's as defined in docs/ALERTS.md: a pair's pass rate falls by 0.3 (its mean pass probability,
 * the drop spread over the tasks that can fall, among pairs that can fall by 0.3), a task that was
 * passing fails everywhere. The targets of issue 8 are asserted as targets: at most 5% false
 * alarms, at least 90% detection of the latency rise, the infra spike, the failing task (on 50
 * runs) and the 0.3 drop (on 400 runs: 15 cannot tell 90% from 87%).
 */
class AlertsEvalTest {
  private static final long SEED = 20261203L;
  private static final int RUNS = 15;
  private static final int TASK_RUNS = 50;
  private static final int DROP_RUNS = 400;
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
  void theInjectedDropLowersThePairsMeanPassProbabilityByExactlyTheNamedAmount() {
    ScenarioResult drop = pooled.get(Scenario.PASS_DROP_030);
    ScenarioResult floored = pooled.get(Scenario.PASS_DROP_030_FLOORED);

    assertThat(drop.minRealisedDrop()).isCloseTo(0.30, within(1e-6));
    assertThat(drop.meanRealisedDrop()).isCloseTo(0.30, within(1e-6));
    assertThat(pooled.get(Scenario.PASS_DROP_015).minRealisedDrop()).isCloseTo(0.15, within(1e-6));
    // The first definition (0.3 off every task, floored at 0) fell short of 0.3 where the pair
    // seldom passed.
    assertThat(floored.minRealisedDrop()).isLessThan(0.25);
    for (double pass : drop.targetPass()) {
      assertThat(pass).isGreaterThanOrEqualTo(0.30);
    }
  }

  @Test
  void spreadingTheDropTakesTheSameAmountOffEveryTaskThatCanFallThatFar() {
    // min(0.1, c) + min(0.5, c) + min(0.9, c) = 3 x 0.3 gives c = 0.4.
    assertThat(AlertsEval.evenDropCap(new double[] {0.1, 0.5, 0.9}, 0.3))
        .isCloseTo(0.4, within(1e-9));
  }

  @Test
  void aTaskThatWasPassingIsDetectedInAtLeastNinetyPercentWhenItFailsEverywhere() {
    // 15 runs are too few to tell 90% from 87% (13 of 15 on this seed): the target is checked on
    // the 50 runs of docs/ALERTS.md's table.
    ScenarioResult task =
        AlertsEval.standard(AlertsSettings.DEFAULT_BASELINE_SWEEPS)
            .run(Scenario.TASK_FAILS, SEED, TASK_RUNS);

    for (double pass : task.targetPass()) {
      assertThat(pass).isGreaterThanOrEqualTo(AlertsEval.PASSING_TASK);
    }
    assertThat(task.detectionRate()).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void aPassRateDropOfPointThreeOfOnePairIsDetectedInAtLeastNinetyPercent() {
    // Twelve pooled sweeps and t^6 spending (docs/ALERTS.md, "Quality of detection"): 369 of 400
    // on this seed, the first 200 alone exactly 90.0%, so 400 leave a margin that a change of the
    // draws' order does not eat; with four sweeps and t^3 its first 200 reached 84.5%.
    ScenarioResult drop =
        AlertsEval.standard(AlertsSettings.DEFAULT_BASELINE_SWEEPS)
            .run(Scenario.PASS_DROP_030, SEED, DROP_RUNS);

    assertThat(drop.detectionRate()).isGreaterThanOrEqualTo(0.9);
    assertThat(drop.medianDelay()).isLessThanOrEqualTo(800);
  }

  @Test
  void thePooledBaselineDetectsPassRateDropsAndFailingTasksMoreOftenThanOneSweep() {
    AlertsEval single = AlertsEval.standard(1);
    ScenarioResult singleDrop = single.run(Scenario.PASS_DROP_030, SEED, RUNS);
    ScenarioResult singleTask = single.run(Scenario.TASK_FAILS, SEED, RUNS);

    assertThat(pooled.get(Scenario.PASS_DROP_030).detectionRate())
        .isGreaterThan(singleDrop.detectionRate() + 0.2);
    assertThat(pooled.get(Scenario.TASK_FAILS).detectionRate())
        .isGreaterThan(singleTask.detectionRate());
    assertThat(pooled.get(Scenario.PASS_DROP_030).detectionRate())
        .isGreaterThan(pooled.get(Scenario.PASS_DROP_015).detectionRate());
  }

  @Test
  void aScenarioRunAloneDrawsTheWorldsItDrawsAmongAll() {
    Map<Scenario, ScenarioResult> alone =
        AlertsEval.standard(AlertsSettings.DEFAULT_BASELINE_SWEEPS)
            .run(SEED, RUNS, EnumSet.of(Scenario.INFRA_SPIKE));

    assertThat(alone).containsOnlyKeys(Scenario.INFRA_SPIKE);
    assertThat(alone.get(Scenario.INFRA_SPIKE).delays())
        .containsExactly(pooled.get(Scenario.INFRA_SPIKE).delays());
    assertThat(alone.get(Scenario.INFRA_SPIKE).falseAlarmRuns())
        .isEqualTo(pooled.get(Scenario.INFRA_SPIKE).falseAlarmRuns());
  }

  @Test
  void theSameSeedGivesTheSameFigures() {
    ScenarioResult again =
        AlertsEval.standard(AlertsSettings.DEFAULT_BASELINE_SWEEPS)
            .run(Scenario.PASS_DROP_030, SEED, RUNS);

    assertThat(again.detectedRuns()).isEqualTo(pooled.get(Scenario.PASS_DROP_030).detectedRuns());
    assertThat(again.delays()).containsExactly(pooled.get(Scenario.PASS_DROP_030).delays());
  }
}
