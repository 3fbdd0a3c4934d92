package dev.cab.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.WireAttributes;
import dev.cab.model.wire.WireAttributes.Axes;
import dev.cab.model.wire.WireAttributes.SpanKinds;
import dev.cab.streams.config.StreamsSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Outcome triage through the real topology, one rule at a time (TopologyTestDriver). */
class CellOutcomeTest extends CellTopologyHarness {
  private static final Duration GRACE = Duration.ofMinutes(5);

  /** Starts the topology with {@code extra}, the scores' grace {@link #GRACE} unless it says. */
  @Override
  void start(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.putIfAbsent(StreamsSettings.OUTCOME_SCORES_GRACE, Long.toString(GRACE.toMillis()));
    super.start(settings);
  }

  private void start() {
    start(Map.of());
  }

  // ---- agent outcomes ----

  @Test
  void seedCellsArePassedOrFailedAsTheirPassRateSays() {
    // given
    start();
    List<SeedCells> seeds = SeedCells.load();

    // when
    for (SeedCells seed : seeds) {
      send(seed.spans());
      sendScores(seed.scores());
    }

    // then: seeds 001 and 003 passed, 004 failed (pass_rate 0); none is an infra error
    Map<String, CellRecord> latest = cells.readKeyValuesToMap();
    for (SeedCells seed : seeds) {
      CellRecord cell = latest.get(seed.cellId());
      double pass = seed.score(Axes.PASS_RATE).scoreValue();
      assertThat(cell.outcome())
          .as(seed.cellId())
          .isEqualTo(pass >= 1 ? CellOutcome.PASSED : CellOutcome.FAILED);
      assertThat(cell.outcomeReason()).isEqualTo("pass_rate " + pass);
    }
    assertThat(latest.values())
        .extracting(CellRecord::outcome)
        .containsExactlyInAnyOrder(CellOutcome.PASSED, CellOutcome.PASSED, CellOutcome.FAILED);
  }

  @Test
  void cellIsPendingWhileItsRootSpanRuns() {
    // given
    start();
    SeedCells seed = SeedCells.first();

    // when: every scorer event and every span but the root
    sendScores(seed.scores());
    send(seed.spans().stream().filter(s -> !SpanKinds.ADAPTER_RUN.equals(s.kind())).toList());

    // then
    CellRecord cell = last();
    assertThat(cell.status()).isEqualTo(CellStatus.RUNNING);
    assertThat(cell.outcome()).isEqualTo(CellOutcome.PENDING);
    assertThat(cell.outcomeReason()).isNull();
  }

  @Test
  void cellIsPendingUntilItsPassRateArrives() {
    // given
    start();
    SeedCells seed = SeedCells.first();

    // when
    send(seed.spans());
    sendScores(seed.scoresWithout(Axes.PASS_RATE));

    // then
    assertThat(last().outcome()).isEqualTo(CellOutcome.PENDING);

    // and when it arrives
    scores.pipeInput(seed.cellId(), seed.score(Axes.PASS_RATE), tick());
    assertThat(last().outcome()).isEqualTo(CellOutcome.PASSED);
  }

  // ---- infra errors ----

  @ParameterizedTest
  @ValueSource(ints = {125, 126, 127, 137})
  void infraExitCodeOfTheRootMakesAnInfraError(int exitCode) {
    // given
    start();
    SeedCells seed = SeedCells.first();

    // when: the root span carries a container-level exit code
    send(rootWith(seed, Map.of(WireAttributes.PROCESS_EXIT_CODE, (long) exitCode), null, null));
    sendScores(seed.scores());

    // then: an infra error although the pass_rate says 1
    CellRecord cell = last();
    assertThat(cell.outcome()).isEqualTo(CellOutcome.INFRA_ERROR);
    assertThat(cell.outcomeReason()).isEqualTo("exit_code " + exitCode);
  }

  @Test
  void infraExitCodesAreConfigurable() {
    // given: only 125 counts as infra
    start(Map.of(StreamsSettings.OUTCOME_INFRA_EXIT_CODES, "125"));
    SeedCells seed = SeedCells.first();

    // when: exit 137 with a failed pass_rate
    send(rootWith(seed, Map.of(WireAttributes.PROCESS_EXIT_CODE, 137L), null, null));
    sendScores(seed.scoresWithout(Axes.PASS_RATE));
    scores.pipeInput(seed.cellId(), passRate(seed, 0.0, false), tick());

    // then: the agent failed
    CellRecord cell = last();
    assertThat(cell.outcome()).isEqualTo(CellOutcome.FAILED);
    assertThat(cell.exitCode()).isEqualTo(137);
  }

  @Test
  void timeoutErrorTypeOnAnySpanMakesAnInfraError() {
    // given
    start();
    SeedCells seed = SeedCells.first();

    // when: the root failed with error.type timeout, exit code 0
    send(rootWith(seed, Map.of(WireAttributes.ERROR_TYPE, "timeout"), "ERROR", "killed"));
    sendScores(seed.scores());

    // then
    CellRecord cell = last();
    assertThat(cell.outcome()).isEqualTo(CellOutcome.INFRA_ERROR);
    assertThat(cell.outcomeReason()).isEqualTo("timeout (error.type timeout)");
  }

  @Test
  void timedOutPassRateBreakdownMakesAnInfraError() {
    // given
    start();
    SeedCells seed = SeedCells.first();

    // when: the scorer says the run timed out
    send(seed.spans());
    sendScores(seed.scoresWithout(Axes.PASS_RATE));
    scores.pipeInput(seed.cellId(), passRate(seed, 0.0, true), tick());

    // then
    CellRecord cell = last();
    assertThat(cell.outcome()).isEqualTo(CellOutcome.INFRA_ERROR);
    assertThat(cell.outcomeReason()).isEqualTo("timeout (pass_rate timed_out)");
  }

  @Test
  void errorInTaskSetupMakesAnInfraErrorEvenBeforeTheRunEnded() {
    // given
    start();
    SeedCells seed = SeedCells.first();
    SpanRecord setup = spanOfKind(seed, SpanKinds.TASK_SETUP);

    // when: only the failed task_setup span arrived
    spans.pipeInput(seed.cellId(), with(setup, Map.of(), "ERROR", "clone failed"), tick());

    // then
    CellRecord cell = last();
    assertThat(cell.status()).isEqualTo(CellStatus.RUNNING);
    assertThat(cell.outcome()).isEqualTo(CellOutcome.INFRA_ERROR);
    assertThat(cell.outcomeReason()).isEqualTo("error span task_setup");
  }

  @Test
  void errorInCleanupOrContainerMakesAnInfraErrorButNotInAToolCall() {
    for (String kind :
        List.of(
            SpanKinds.CLEANUP, SpanKinds.CONTAINER, SpanKinds.TOOL_CALL, SpanKinds.ADAPTER_RUN)) {
      // given
      start();
      SeedCells seed = SeedCells.first();

      // when: the span of that kind failed, everything else as published
      for (SpanRecord s : seed.spans()) {
        boolean target = kind.equals(s.kind());
        spans.pipeInput(seed.cellId(), target ? with(s, Map.of(), "ERROR", "boom") : s, tick());
      }
      sendScores(seed.scores());

      // then: harness spans make an infra error; an agent's own error does not
      boolean harness = !kind.equals(SpanKinds.TOOL_CALL) && !kind.equals(SpanKinds.ADAPTER_RUN);
      assertThat(last().outcome())
          .as(kind)
          .isEqualTo(harness ? CellOutcome.INFRA_ERROR : CellOutcome.PASSED);
      driver.close();
      driver = null;
    }
  }

  @Test
  void errorSpanKindsAreConfigurable() {
    // given: only task_setup errors count
    start(Map.of(StreamsSettings.OUTCOME_INFRA_ERROR_SPAN_KINDS, "task_setup"));
    SeedCells seed = SeedCells.first();

    // when: the cleanup span failed
    for (SpanRecord s : seed.spans()) {
      boolean cleanup = SpanKinds.CLEANUP.equals(s.kind());
      spans.pipeInput(seed.cellId(), cleanup ? with(s, Map.of(), "ERROR", "rm -rf") : s, tick());
    }
    sendScores(seed.scores());

    // then
    assertThat(last().outcome()).isEqualTo(CellOutcome.PASSED);
  }

  // ---- missing scorer events ----

  @Test
  void missingScorerEventsAfterTheGracePeriodMakeAnInfraErrorUntilTheyArrive() {
    // given: the run ended, integrity never came
    start();
    SeedCells seed = SeedCells.first();
    send(seed.spans());
    sendScores(seed.scoresWithout(Axes.INTEGRITY));
    CellRecord waiting = last();
    assertThat(waiting.outcome()).isEqualTo(CellOutcome.PENDING);

    // when: the grace period is not over yet
    driver.advanceWallClockTime(GRACE.minusSeconds(10));

    // then: nothing new
    assertThat(cells.isEmpty()).isTrue();

    // when: it is over
    driver.advanceWallClockTime(Duration.ofSeconds(11));

    // then: a new version, an infra error naming the missing axis
    CellRecord expired = last();
    assertThat(expired.version()).isEqualTo(waiting.version() + 1);
    assertThat(expired.outcome()).isEqualTo(CellOutcome.INFRA_ERROR);
    assertThat(expired.outcomeReason()).isEqualTo("scores missing after grace: [integrity]");
    assertThat(expired.status()).isEqualTo(CellStatus.INCOMPLETE);
    assertThat(cells.isEmpty()).as("expired once").isTrue();
    driver.advanceWallClockTime(GRACE);
    assertThat(cells.isEmpty()).as("and only once").isTrue();

    // when: the missing event arrives after all
    scores.pipeInput(seed.cellId(), seed.score(Axes.INTEGRITY), tick());

    // then: the evidence wins, on top of the expired version
    CellRecord complete = last();
    assertThat(complete.version()).isEqualTo(expired.version() + 1);
    assertThat(complete.outcome()).isEqualTo(CellOutcome.PASSED);
    assertThat(complete.status()).isEqualTo(CellStatus.COMPLETE);
  }

  @Test
  void scoresArrivingWithinTheGracePeriodLeaveNothingToExpire() {
    // given
    start();
    SeedCells seed = SeedCells.first();
    send(seed.spans());
    sendScores(seed.scoresWithout(Axes.INTEGRITY));
    driver.advanceWallClockTime(GRACE.dividedBy(2));

    // when
    scores.pipeInput(seed.cellId(), seed.score(Axes.INTEGRITY), tick());
    CellRecord complete = last();
    driver.advanceWallClockTime(GRACE.multipliedBy(2));

    // then
    assertThat(complete.outcome()).isEqualTo(CellOutcome.PASSED);
    assertThat(cells.isEmpty()).isTrue();
    assertThat(
            driver
                .<String, Long>getKeyValueStore(CellTopology.AWAITING_SCORES_STORE)
                .get(seed.cellId()))
        .isNull();
  }

  @Test
  void graceIsConfigurable() {
    // given: a 2 s grace
    start(Map.of(StreamsSettings.OUTCOME_SCORES_GRACE, "PT2S"));
    SeedCells seed = SeedCells.first();
    send(seed.spans());

    // when
    driver.advanceWallClockTime(Duration.ofSeconds(3));

    // then
    CellRecord cell = last();
    assertThat(cell.outcome()).isEqualTo(CellOutcome.INFRA_ERROR);
    assertThat(cell.outcomeReason()).isEqualTo("scores missing after grace: " + Axes.REQUIRED);
  }

  // ---- helpers ----

  private static SpanRecord spanOfKind(SeedCells seed, String kind) {
    return seed.spans().stream().filter(s -> kind.equals(s.kind())).findFirst().orElseThrow();
  }

  /** The seed's spans with the root's attributes overridden and status set. */
  private static List<SpanRecord> rootWith(
      SeedCells seed, Map<String, Object> attributes, String status, String message) {
    return seed.spans().stream()
        .map(s -> SpanKinds.ADAPTER_RUN.equals(s.kind()) ? with(s, attributes, status, message) : s)
        .toList();
  }

  private static SpanRecord with(
      SpanRecord s, Map<String, Object> attributes, String status, String message) {
    Map<String, Object> merged = new LinkedHashMap<>(s.attributes());
    merged.putAll(attributes);
    return s.withStatusCode(status == null ? s.statusCode() : status)
        .withStatusMessage(message == null ? s.statusMessage() : message)
        .withAttributes(merged);
  }

  private static ScoreEvent passRate(SeedCells seed, double pass, boolean timedOut) {
    ScoreEvent e = seed.score(Axes.PASS_RATE);
    Map<String, Object> breakdown = new LinkedHashMap<>(e.breakdown());
    breakdown.put("pass", (int) pass);
    breakdown.put("timed_out", timedOut);
    return e.withScoreValue(pass).withBreakdown(breakdown);
  }
}
