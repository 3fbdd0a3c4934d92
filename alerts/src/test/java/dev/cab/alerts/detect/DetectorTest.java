package dev.cab.alerts.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.alerts.lifecycle.AlertStates;
import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.model.wire.AlertRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final List<String> notices = new ArrayList<>();
  private final Detector detector =
      new Detector(AlphaSpending.quarters(), 0.05, 8, 1, notices::add);

  /** 2 tuis x 2 models x 50 tasks; task k passes when k % 5 != 0 (80%), 60 s each. */
  private static List<Observation> sweep(String id, long start, String brokenTui, int lostTasks) {
    List<Observation> cells = new ArrayList<>();
    for (String tui : List.of("aider", "pi")) {
      for (String model : List.of("m1", "m2")) {
        for (int k = 0; k < 50; k++) {
          boolean pass = k % 5 != 0;
          if (tui.equals(brokenTui) && model.equals("m1") && pass && k < lostTasks * 5 / 4 + 1) {
            pass = false;
          }
          cells.add(
              new Observation(
                  id + "/" + tui + "/" + model + "/t" + k,
                  id,
                  tui,
                  model,
                  "t" + k,
                  pass ? Outcome.PASSED : Outcome.FAILED,
                  60_000,
                  start,
                  false));
        }
      }
    }
    return cells;
  }

  private List<AlertRecord> land(List<Observation> cells) {
    List<AlertRecord> out = new ArrayList<>();
    for (Observation o : cells) {
      detector.accept(o);
      out.addAll(detector.evaluate(NOW));
    }
    return out;
  }

  @Test
  void firesExactlyThePassRateDropOfTheRegressedPair() {
    land(sweep("base", 1_000, null, 0));

    List<AlertRecord> transitions = land(sweep("cand", 2_000, "aider", 30));

    List<AlertRecord> firing =
        transitions.stream().filter(a -> a.state().equals(AlertStates.FIRING)).toList();
    assertThat(firing).hasSize(1);
    AlertRecord a = firing.getFirst();
    assertThat(a.rule()).isEqualTo("pass_rate_drop");
    assertThat(a.tui()).isEqualTo("aider");
    assertThat(a.model()).isEqualTo("m1");
    assertThat(a.baselineSweepId()).isEqualTo("base");
    assertThat(a.evidence().counts()).containsEntry("gained", 0L);
    assertThat(a.evidence().counts().get("lost")).isGreaterThanOrEqualTo(20L);
    assertThat(a.evidence().effect()).isNegative();
    assertThat(a.evidence().effectHigh()).isNegative();
    assertThat(a.evidence().cells()).allMatch(c -> c.startsWith("cand/aider/m1/"));
    assertThat(notices).anyMatch(n -> n.contains("cand: comparing against baseline base"));
  }

  @Test
  void theSweepPlansBaselineWinsOverTheNewestEarlierSweep() {
    // given an old and a newer baseline candidate; the plan of cand declares the old one
    land(sweep("old", 1_000, null, 0));
    land(sweep("newer", 1_500, null, 0));
    detector.declarePlannedBaseline("cand", "old");

    land(sweep("cand", 2_000, null, 0));

    assertThat(detector.baselineOf("cand")).isEqualTo("old");
    assertThat(notices)
        .anyMatch(n -> n.contains("cand: comparing against baseline old (declared)"));
  }

  @Test
  void alertsBaselinesWinOverThePlanAndASelfBaselineIsIgnored() {
    land(sweep("old", 1_000, null, 0));
    land(sweep("newer", 1_500, null, 0));
    detector.declareBaseline("cand", List.of("newer"));
    detector.declarePlannedBaseline("cand", "old");
    detector.declarePlannedBaseline("other", "other");

    land(sweep("cand", 2_000, null, 0));

    assertThat(detector.baselineOf("cand")).isEqualTo("newer");
    assertThat(notices)
        .anyMatch(n -> n.contains("its plan declares baseline old, alerts.baselines says newer"))
        .anyMatch(n -> n.contains("sweep other: sweep plan declares it as its own baseline"));
  }

  @Test
  void aDeclaredBaselineLandingAfterItsCandidateIsPickedUpThen() {
    detector.declarePlannedBaseline("cand", "late");
    land(sweep("cand", 2_000, null, 0));
    assertThat(detector.baselineOf("cand")).isNull();
    assertThat(notices).anyMatch(n -> n.contains("declared baseline late has no cells yet"));

    land(sweep("late", 3_000, null, 0).subList(0, 1));

    assertThat(detector.baselineOf("cand")).isEqualTo("late");
  }

  @Test
  void aSweepWithoutBaselineIsReportedOnceAndRaisesNothing() {
    List<AlertRecord> transitions = land(sweep("first", 1_000, null, 0));

    assertThat(transitions).isEmpty();
    assertThat(notices).filteredOn(n -> n.contains("first has no baseline")).hasSize(1);
  }

  @Test
  void aDeclaredBaselineSharingNoCellsIsReportedAndNothingIsCompared() {
    detector.declareBaseline("cand", List.of("other"));
    for (Observation o : sweep("other", 1_000, null, 0)) {
      detector.accept(
          new Observation(
              o.cellId(),
              o.sweepId(),
              o.tui(),
              o.model(),
              "x-" + o.task(),
              o.outcome(),
              o.latencyMs(),
              o.startedAtMillis(),
              false));
    }
    detector.evaluate(NOW);

    List<AlertRecord> transitions = land(sweep("cand", 2_000, "aider", 30));

    assertThat(transitions).isEmpty();
    assertThat(detector.baselineOf("cand")).isNull();
    assertThat(notices).anyMatch(n -> n.contains("baseline other shares no cells"));
  }

  @Test
  void keepsTheNewestSweepsAndForgetsTheOldestWithItsComparison() {
    // given a detector that keeps three sweeps, and five healthy sweeps landing one after another
    Detector keeping = new Detector(AlphaSpending.quarters(), 0.05, 8, 1, 3, notices::add);
    for (int i = 1; i <= 5; i++) {
      for (Observation o : sweep("s" + i, 1_000L * i, null, 0)) {
        keeping.accept(o);
        keeping.evaluate(NOW);
      }
    }

    // then the first two are forgotten, with s2's comparison; s3's comparison keeps its baseline
    // s2 (forgotten), and the newer ones compare as before
    assertThat(keeping.sweepCount()).isEqualTo(3);
    assertThat(keeping.forgottenCount()).isEqualTo(2);
    assertThat(keeping.baselineOf("s2")).isNull();
    assertThat(keeping.baselineOf("s3")).isEqualTo("s2");
    assertThat(keeping.baselineOf("s4")).isEqualTo("s3");
    assertThat(keeping.baselineOf("s5")).isEqualTo("s4");
    assertThat(notices)
        .anyMatch(
            n ->
                n.equals(
                    "sweep s1 forgotten with its 200 cells: detection keeps the 3 newest sweeps"
                        + " (alerts.sweeps.kept)"));
  }

  @Test
  void aForgottenSweepsLateCellsAreIgnoredAndItIsNotDeclaredAsABaselineAgain() {
    Detector keeping = new Detector(AlphaSpending.quarters(), 0.05, 8, 1, 2, notices::add);
    List<Observation> base = sweep("base", 1_000, null, 0);
    for (List<Observation> cells :
        List.of(base, sweep("s2", 2_000, null, 0), sweep("s3", 3_000, null, 0))) {
      for (Observation o : cells) {
        keeping.accept(o);
        keeping.evaluate(NOW);
      }
    }
    assertThat(keeping.forgottenCount()).isEqualTo(1);

    // when a cell of the forgotten sweep arrives again, and a new sweep declares it as baseline
    keeping.accept(base.getFirst());
    keeping.accept(base.get(1));
    keeping.declarePlannedBaseline("cand", "base");
    List<AlertRecord> transitions = new ArrayList<>();
    for (Observation o : sweep("cand", 4_000, "aider", 30)) {
      keeping.accept(o);
      transitions.addAll(keeping.evaluate(NOW));
    }

    // then the late cells change nothing and are reported once; cand is not compared with base
    assertThat(keeping.sweepCount()).isEqualTo(2);
    assertThat(keeping.baselineOf("cand")).isNull();
    assertThat(transitions).isEmpty();
    assertThat(notices)
        .filteredOn(n -> n.contains("sweep base: a cell arrived after the sweep was forgotten"))
        .hasSize(1);
    assertThat(notices)
        .anyMatch(
            n ->
                n.contains(
                    "sweep cand: declared baseline base was forgotten (older than the 2 newest"
                        + " sweeps): raise alerts.sweeps.kept"));
  }

  @Test
  void refusesToKeepNoMoreSweepsThanABaselinePools() {
    assertThatThrownBy(() -> new Detector(AlphaSpending.quarters(), 0.05, 8, 4, 4, notices::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keptSweeps must be more than baselineSweeps (4): 4");
  }

  @Test
  void withdrawingTheRegressionResolvesTheAlert() {
    land(sweep("base", 1_000, null, 0));
    land(sweep("cand", 2_000, "aider", 30));

    // A re-run replaces the regressed cells with healthy ones.
    List<AlertRecord> transitions = land(sweep("cand", 2_000, null, 0));

    assertThat(transitions)
        .anySatisfy(
            a -> {
              assertThat(a.state()).isEqualTo(AlertStates.RESOLVED);
              assertThat(a.previousState()).isEqualTo(AlertStates.FIRING);
              assertThat(a.rule()).isEqualTo("pass_rate_drop");
              assertThat(a.endsAt()).isEqualTo(NOW);
            });
    assertThat(detector.lifecycle().current().values())
        .noneMatch(a -> a.state().equals(AlertStates.FIRING));
  }

  @Test
  void latencyRiseOfOneModelFiresTheModelRule() {
    land(sweep("base", 1_000, null, 0));
    List<Observation> slower = new ArrayList<>();
    int i = 0;
    for (Observation o : sweep("cand", 2_000, null, 0)) {
      double factor = o.model().equals("m2") ? 1.5 + 0.01 * (i++ % 7) : 1.0;
      slower.add(
          new Observation(
              o.cellId(),
              o.sweepId(),
              o.tui(),
              o.model(),
              o.task(),
              o.outcome(),
              o.latencyMs() * factor,
              o.startedAtMillis(),
              false));
    }

    List<AlertRecord> transitions = land(slower);

    assertThat(transitions)
        .filteredOn(a -> a.state().equals(AlertStates.FIRING))
        .extracting(AlertRecord::rule, AlertRecord::model)
        .contains(org.assertj.core.groups.Tuple.tuple("latency_rise_model", "m2"))
        .allMatch(t -> t.toList().get(1).equals("m2"));
  }

  @Test
  void infraErrorsAreLeftOutOfPassRatesAndCountedOnTheirOwn() {
    land(sweep("base", 1_000, null, 0));
    List<Observation> broken = new ArrayList<>();
    for (Observation o : sweep("cand", 2_000, null, 0)) {
      boolean infra = o.tui().equals("pi") && o.task().compareTo("t3") < 0;
      broken.add(
          infra
              ? new Observation(
                  o.cellId(),
                  o.sweepId(),
                  o.tui(),
                  o.model(),
                  o.task(),
                  Outcome.INFRA_ERROR,
                  o.latencyMs(),
                  o.startedAtMillis(),
                  false)
              : o);
    }

    List<AlertRecord> transitions = land(broken);

    assertThat(transitions)
        .filteredOn(a -> a.state().equals(AlertStates.FIRING))
        .allMatch(a -> a.rule().startsWith("infra_rate_rise"))
        .isNotEmpty();
  }

  @Test
  void theAutomaticBaselinePoolsTheNewestEarlierSweepsSharingTheMostCells() {
    Detector pooling = new Detector(AlphaSpending.quarters(), 0.05, 8, 3, notices::add);
    for (String id : List.of("s1", "s2", "s3", "s4")) {
      sweep(id, 1_000 + 100L * (id.charAt(1) - '0'), null, 0).forEach(pooling::accept);
      pooling.evaluate(NOW);
    }

    List<AlertRecord> transitions = new ArrayList<>();
    for (Observation o : sweep("cand", 2_000, "aider", 30)) {
      pooling.accept(o);
      transitions.addAll(pooling.evaluate(NOW));
    }

    assertThat(pooling.baselineOf("cand")).isEqualTo("s4,s3,s2");
    assertThat(notices)
        .anyMatch(
            n ->
                n.contains(
                    "cand: comparing against baseline s4,s3,s2 (the 3 newest earlier sweeps"
                        + " sharing the most cells, pooled)"));
    List<AlertRecord> firing =
        transitions.stream().filter(a -> a.state().equals(AlertStates.FIRING)).toList();
    assertThat(firing).hasSize(1);
    AlertRecord a = firing.getFirst();
    assertThat(a.rule()).isEqualTo("pass_rate_drop");
    assertThat(a.tui()).isEqualTo("aider");
    assertThat(a.model()).isEqualTo("m1");
    assertThat(a.baselineSweepId()).isEqualTo("s4,s3,s2");
    assertThat(a.evidence().test()).isEqualTo("exact_conditional_standardised");
    // Each task paired so far has three baseline runs, which passed alike (80% of the tasks).
    Map<String, Long> counts = a.evidence().counts();
    assertThat(counts).containsEntry("planned", 50L);
    assertThat(counts.get("baseline_cells")).isEqualTo(3 * counts.get("pairs"));
    assertThat(counts.get("baseline_passed") % 3).isZero();
    assertThat(counts.get("candidate_passed")).isLessThan(counts.get("baseline_passed") / 3);
    assertThat(a.evidence().effect()).isNegative();
    assertThat(a.evidence().effectHigh()).isNegative();
    assertThat(a.evidence().cells()).isNotEmpty().allMatch(c -> c.startsWith("cand/aider/m1/"));
  }

  @Test
  void aPooledBaselineCanBeDeclaredInThePlanAsACommaSeparatedList() {
    land(sweep("s1", 1_000, null, 0));
    land(sweep("s2", 1_100, null, 0));
    land(sweep("s3", 1_200, null, 0));
    detector.declarePlannedBaseline("cand", "s1, s2");

    land(sweep("cand", 2_000, null, 0));

    assertThat(detector.baselineOf("cand")).isEqualTo("s1,s2");
    assertThat(notices).anyMatch(n -> n.contains("comparing against baseline s1,s2 (declared)"));
  }

  @Test
  void aDeclaredListNamingAnUnknownSweepPoolsTheOthersAndSaysSo() {
    land(sweep("s1", 1_000, null, 0));
    detector.declareBaseline("cand", List.of("s1", "ghost"));

    land(sweep("cand", 2_000, "aider", 30));

    assertThat(detector.baselineOf("cand")).isEqualTo("s1");
    assertThat(notices)
        .anyMatch(
            n ->
                n.contains(
                    "sweep cand: declared baseline ghost (no cells: unknown sweep, or not run"
                        + " yet) left out; pooling the others"));
  }

  @Test
  void aDeclaredListOfUnknownSweepsWaitsAndSaysWhichItWaitsFor() {
    detector.declareBaseline("cand", List.of("ghost", "phantom"));

    List<AlertRecord> transitions = land(sweep("cand", 2_000, "aider", 30));

    assertThat(transitions).isEmpty();
    assertThat(detector.baselineOf("cand")).isNull();
    assertThat(notices)
        .filteredOn(
            n -> n.contains("declared baseline ghost,phantom have no cells yet; waiting for them"))
        .hasSize(1);
  }

  @Test
  void aPooledBaselineTestsLatencyAgainstTheMedianAndInfraErrorsPerStratum() {
    Detector pooling = new Detector(AlphaSpending.quarters(), 0.05, 8, 3, notices::add);
    for (String id : List.of("s1", "s2", "s3")) {
      sweep(id, 1_000 + 100L * (id.charAt(1) - '0'), null, 0).forEach(pooling::accept);
      pooling.evaluate(NOW);
    }
    // m2 twice as slow everywhere; pi x m1 an infra error on every task.
    List<AlertRecord> transitions = new ArrayList<>();
    int i = 0;
    for (Observation o : sweep("cand", 2_000, null, 0)) {
      boolean slow = o.model().equals("m2");
      boolean infra = o.tui().equals("pi") && o.model().equals("m1");
      pooling.accept(
          new Observation(
              o.cellId(),
              o.sweepId(),
              o.tui(),
              o.model(),
              o.task(),
              infra ? Outcome.INFRA_ERROR : o.outcome(),
              o.latencyMs() * (slow ? 2.0 + 0.01 * (i++ % 7) : 1.0),
              o.startedAtMillis(),
              false));
      transitions.addAll(pooling.evaluate(NOW));
    }

    List<AlertRecord> firing =
        transitions.stream().filter(a -> a.state().equals(AlertStates.FIRING)).toList();
    assertThat(firing)
        .anySatisfy(
            a -> {
              assertThat(a.rule()).isEqualTo("latency_rise_model");
              assertThat(a.model()).isEqualTo("m2");
              assertThat(a.evidence().test()).isEqualTo("wilcoxon_signed_rank_vs_baseline_median");
              assertThat(a.evidence().effect()).isGreaterThan(1.9);
            })
        .anySatisfy(
            a -> {
              assertThat(a.rule()).isEqualTo("infra_rate_rise_pair");
              assertThat(a.tui()).isEqualTo("pi");
              assertThat(a.model()).isEqualTo("m1");
              assertThat(a.evidence().test()).isEqualTo("exact_conditional_stratified");
              assertThat(a.evidence().counts()).containsEntry("baseline_infra_errors", 0L);
              assertThat(a.evidence().effect()).isPositive();
            })
        .allMatch(
            a ->
                a.model().equals("m2")
                    || a.rule().startsWith("infra_rate_rise")
                    || a.rule().equals("latency_rise_model"));
    assertThat(firing).noneMatch(a -> a.rule().equals("pass_rate_drop"));
  }
}
