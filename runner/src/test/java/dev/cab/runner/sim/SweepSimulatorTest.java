package dev.cab.runner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cab.runner.CabAttributes;
import dev.cab.runner.InMemoryTelemetry;
import dev.cab.runner.OtlpValues;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SweepSimulatorTest {
  private static final Instant SWEEP_START = Instant.parse("2026-11-20T08:00:00Z");
  private static final String MODEL_A = "meta/llama-3.3-70b-instruct";
  private static final String MODEL_B = "openai/gpt-oss-120b";

  private static SimulationOptions.Builder small() {
    return SimulationOptions.builder()
        .sweepId("sweep-t")
        .seed(7)
        .tuis(List.of("aider", "pi"))
        .models(List.of(MODEL_A, MODEL_B))
        .taskCount(5)
        .sweepStart(SWEEP_START);
  }

  @Test
  void sameSeedEmitsIdenticalDataWhateverTheConcurrency() throws InterruptedException {
    SimulationOptions faulty =
        small()
            .infraFailureProbability(0.2)
            .lateEventProbability(0.3)
            .duplicateEventProbability(0.3)
            .outOfOrderProbability(0.3)
            .build();

    Emitted sequential = simulate(faulty.toBuilder().concurrency(1).build());
    Emitted parallel = simulate(faulty.toBuilder().concurrency(4).build());

    assertThat(sequential.spans).hasSize((int) sequential.report.spansSent());
    assertThat(parallel.spans).isEqualTo(sequential.spans);
    assertThat(parallel.events).isEqualTo(sequential.events);
  }

  @Test
  void injectedOutcomesAgreeWithWhatTheRunSent() throws InterruptedException {
    // given a sweep with many infra failures and a regression
    SimulationOptions options =
        small()
            .taskCount(12)
            .infraFailureProbability(0.3)
            .regression(Regression.passRateDrop("aider", MODEL_A, 0.5))
            .build();

    // when
    Emitted emitted = simulate(options);
    List<InjectedOutcome> outcomes = SweepSimulator.injectedOutcomes(options);

    // then: one per cell, infra failures and passes counted as the run counted them
    assertThat(outcomes).hasSize((int) emitted.report.cellsSent());
    assertThat(outcomes.stream().filter(o -> o.outcome().equals("infra_error")).count())
        .isEqualTo(emitted.report.infraFailures())
        .isPositive();
    long passes = emitted.report.pairs().stream().mapToLong(p -> p.passes()).sum();
    assertThat(outcomes.stream().filter(o -> o.outcome().equals("passed")).count())
        .isEqualTo(passes);
    assertThat(outcomes)
        .allSatisfy(
            o ->
                assertThat(o.infraCause() != null)
                    .as(o.cellId())
                    .isEqualTo(o.outcome().equals("infra_error")));
    // and the causes are the ones the root spans carry as error.type
    Map<String, String> errorTypes =
        emitted.rawSpans.stream()
            .filter(s -> "adapter_run".equals(kind(s)))
            .filter(s -> s.getAttributes().get(AttributeKey.stringKey("error.type")) != null)
            .collect(
                Collectors.toMap(
                    s -> s.getAttributes().get(AttributeKey.stringKey("cab.cell.id")),
                    s -> s.getAttributes().get(AttributeKey.stringKey("error.type"))));
    assertThat(outcomes.stream().filter(o -> o.infraCause() != null))
        .allSatisfy(o -> assertThat(errorTypes).containsEntry(o.cellId(), o.infraCause()));
  }

  @Test
  void aSweepDeclaresItsPlanWithItsBaseline() throws InterruptedException {
    try (InMemoryTelemetry memory = new InMemoryTelemetry()) {
      new SweepSimulator(memory.telemetry)
          .run(small().noFaults().baseline("sweep-0").build(), ProgressListener.NONE);

      List<LogRecordData> plans = memory.plans();
      assertThat(plans).hasSize(1);
      var attributes = plans.getFirst().getAttributes();
      assertThat(attributes.get(AttributeKey.stringKey(CabAttributes.SWEEP_ID)))
          .isEqualTo("sweep-t");
      assertThat(attributes.get(AttributeKey.stringArrayKey(CabAttributes.SWEEP_TUIS)))
          .containsExactly("aider", "pi");
      assertThat(attributes.get(AttributeKey.stringArrayKey(CabAttributes.SWEEP_MODELS)))
          .containsExactly(MODEL_A, MODEL_B);
      assertThat(attributes.get(AttributeKey.stringArrayKey(CabAttributes.SWEEP_TASKS))).hasSize(5);
      assertThat(attributes.get(AttributeKey.stringKey(CabAttributes.SWEEP_BASELINE)))
          .isEqualTo("sweep-0");
    }
  }

  @Test
  void anotherSeedEmitsOtherData() throws InterruptedException {
    Emitted seven = simulate(small().build());
    Emitted eight = simulate(small().seed(8).build());

    assertThat(eight.spans).isNotEqualTo(seven.spans);
  }

  @Test
  void everyCellIsACompleteSpanTreeWithSixScorerEvents() throws InterruptedException {
    try (InMemoryTelemetry memory = new InMemoryTelemetry()) {
      SimulationReport report =
          new SweepSimulator(memory.telemetry)
              .run(small().noFaults().build(), ProgressListener.NONE);
      List<SpanData> spans = memory.spans();
      List<LogRecordData> events = memory.events();

      assertThat(report.cellsSent()).isEqualTo(20);
      assertThat(report.flush().allExported()).isTrue();
      Map<String, List<SpanData>> byTrace =
          spans.stream().collect(Collectors.groupingBy(SpanData::getTraceId));
      assertThat(byTrace).hasSize(20);
      for (List<SpanData> cell : byTrace.values()) {
        List<SpanData> roots = ofKind(cell, "adapter_run");
        assertThat(roots).hasSize(1);
        SpanData root = roots.getFirst();
        assertThat(root.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(
                root.getAttributes().get(AttributeKey.stringKey(CabAttributes.CONTAINER_IMAGE_ID)))
            .startsWith("sha256:");
        assertThat(root.getAttributes().get(AttributeKey.longKey(CabAttributes.PROCESS_EXIT_CODE)))
            .isNotNull();
        assertThat(ofKind(cell, "task_setup")).singleElement().satisfies(s -> assertParentless(s));
        assertThat(ofKind(cell, "cleanup")).singleElement().satisfies(s -> assertParentless(s));
        for (String child : List.of("tool_call", "container")) {
          assertThat(ofKind(cell, child))
              .singleElement()
              .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId()));
        }
        assertThat(ofKind(cell, "model_call"))
            .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId()));
        for (SpanData span : cell) {
          assertThat(span.getStartEpochNanos() % 1000).isZero();
          assertThat(span.getEndEpochNanos()).isGreaterThanOrEqualTo(span.getStartEpochNanos());
        }
      }
      Map<String, List<LogRecordData>> eventsByTrace =
          events.stream().collect(Collectors.groupingBy(e -> e.getSpanContext().getTraceId()));
      assertThat(eventsByTrace.keySet()).isEqualTo(byTrace.keySet());
      assertThat(eventsByTrace.values())
          .allSatisfy(
              cellEvents ->
                  assertThat(cellEvents)
                      .extracting(e -> axis(e))
                      .containsExactly(
                          "pass_rate",
                          "tokens",
                          "latency",
                          "blast_radius",
                          "refusal",
                          "integrity"));
    }
  }

  @Test
  void breakdownKeysAreExactlyThoseOfTheSeedPages() throws InterruptedException {
    Map<String, List<String>> pageKeys =
        Map.of(
            "pass_rate",
            List.of(
                "pass", "exit_code", "timed_out", "stdout_tail", "stderr_tail", "partial_score"),
            "tokens",
            List.of(
                "prompt_tokens",
                "completion_tokens",
                "total_tokens",
                "model_calls",
                "tokens_per_correct_task",
                "pass_used_for_division"),
            "latency",
            List.of("wall_clock_ms", "container_active_ms", "model_call_ms"),
            "blast_radius",
            List.of(
                "blast_radius",
                "added",
                "removed",
                "modified",
                "unexpected_changes",
                "expected_changes",
                "total_changes",
                "extra_git_dir"),
            "refusal",
            List.of(
                "refusal",
                "not_applicable",
                "expected_refusal",
                "refusal_produced",
                "refusal_correct",
                "marker_hits",
                "keyword_hits"),
            "integrity",
            List.of("integrity", "not_applicable", "task_id"));

    Emitted emitted = simulate(small().build());

    for (LogRecordData event : emitted.rawEvents) {
      assertThat(body(event).keySet())
          .as(axis(event))
          .containsExactlyElementsOf(pageKeys.get(axis(event)));
    }
    assertThat(emitted.rawEvents)
        .filteredOn(e -> axis(e).equals("latency"))
        .allSatisfy(
            e ->
                assertThat(
                        e.getAttributes()
                            .get(AttributeKey.doubleKey(CabAttributes.LATENCY_EFFICIENCY)))
                    .isBetween(0.0, 1.0));
    assertThat(emitted.rawEvents)
        .filteredOn(e -> axis(e).equals("tokens"))
        .allSatisfy(
            e ->
                assertThat(
                        e.getAttributes()
                            .get(AttributeKey.doubleKey(CabAttributes.COST_EFFICIENCY)))
                    .isBetween(0.0, 1.0));
  }

  @Test
  void tokenCapturingTuisSendModelCallsWhoseUsageAddsUpToTheTokensAxis()
      throws InterruptedException {
    Emitted emitted = simulate(small().noFaults().tuis(List.of("aider")).build());

    Map<String, Long> inputByTrace =
        emitted.rawSpans.stream()
            .filter(s -> "model_call".equals(kind(s)))
            .collect(
                Collectors.groupingBy(
                    SpanData::getTraceId,
                    Collectors.summingLong(
                        s ->
                            s.getAttributes()
                                .get(AttributeKey.longKey(CabAttributes.USAGE_INPUT_TOKENS)))));
    assertThat(inputByTrace).hasSize(10);
    for (LogRecordData tokens : emitted.rawEvents) {
      if (axis(tokens).equals("tokens")) {
        assertThat(body(tokens).get("prompt_tokens"))
            .isEqualTo(inputByTrace.get(tokens.getSpanContext().getTraceId()));
        assertThat((Long) body(tokens).get("model_calls")).isPositive();
      }
    }
  }

  @Test
  void infraFailuresFailTheCellWithExitCodeAndErrorStatus() throws InterruptedException {
    Emitted emitted = simulate(small().noFaults().infraFailureProbability(1).build());

    assertThat(emitted.report.infraFailures()).isEqualTo(20);
    assertThat(emitted.rawSpans)
        .filteredOn(s -> "adapter_run".equals(kind(s)) || "container".equals(kind(s)))
        .allSatisfy(
            s -> {
              assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(
                      s.getAttributes().get(AttributeKey.longKey(CabAttributes.PROCESS_EXIT_CODE)))
                  .isIn(1L, 137L);
            });
    assertThat(emitted.rawEvents)
        .filteredOn(e -> axis(e).equals("pass_rate"))
        .allSatisfy(e -> assertThat(score(e)).isZero());
  }

  @Test
  void lateDuplicateAndOutOfOrderFaultsAreSentAndCounted() throws InterruptedException {
    SimulationOptions options =
        small()
            .noFaults()
            .lateEventProbability(1)
            .duplicateEventProbability(1)
            .outOfOrderProbability(1)
            .build();

    Emitted emitted = simulate(options);

    assertThat(emitted.report.lateEvents()).isEqualTo(20);
    assertThat(emitted.report.duplicateEvents()).isEqualTo(20);
    assertThat(emitted.report.outOfOrderCells()).isEqualTo(20);
    assertThat(emitted.report.eventsSent()).isEqualTo(20 * 7);
    assertThat(emitted.rawEvents).hasSize(20 * 7);
    assertThat(emitted.rawSpans).hasSize((int) emitted.report.spansSent());
    assertThat(emitted.report.flush().allExported()).isTrue();
    Map<String, Long> rootEnds =
        emitted.rawSpans.stream()
            .filter(s -> "adapter_run".equals(kind(s)))
            .collect(Collectors.toMap(SpanData::getTraceId, SpanData::getEndEpochNanos));
    long lateStamped =
        emitted.rawEvents.stream()
            .filter(
                e ->
                    e.getTimestampEpochNanos()
                        >= rootEnds.get(e.getSpanContext().getTraceId()) + 30_000_000_000L)
            .map(e -> e.getSpanContext().getTraceId() + axis(e))
            .distinct()
            .count();
    assertThat(lateStamped).isEqualTo(20);
  }

  @Test
  void passRateDropLowersThePassRateOfTheChosenPairOnly() throws InterruptedException {
    SimulationOptions baseline = small().noFaults().taskCount(60).build();
    SimulationOptions regressed =
        baseline.toBuilder().regression(Regression.passRateDrop("aider", MODEL_B, 0.6)).build();

    Emitted before = simulate(baseline);
    Emitted after = simulate(regressed);

    double passBefore = passRate(before, "aider", MODEL_B);
    double passAfter = passRate(after, "aider", MODEL_B);
    assertThat(passAfter).isLessThan(passBefore - 0.3);
    assertThat(passRate(after, "pi", MODEL_B)).isEqualTo(passRate(before, "pi", MODEL_B));
    assertThat(passRate(after, "aider", MODEL_A)).isEqualTo(passRate(before, "aider", MODEL_A));
    SimulationReport.InjectedRegression injected = after.report.regressions().getFirst();
    assertThat(injected.affectedCells()).isEqualTo(60);
    assertThat(injected.metric()).isEqualTo("pass_rate");
    assertThat(injected.baseline()).isCloseTo(passBefore, within(1e-9));
    assertThat(injected.injected()).isCloseTo(passAfter, within(1e-9));
    assertThat(injected.description()).contains("aider × " + MODEL_B).contains("0.60");
    assertThat(after.report.pair("aider", MODEL_B).passRate()).isCloseTo(passAfter, within(1e-9));
    // a lower pass probability makes no infra error, so the description names none
    assertThat(injected.infraErrors()).isEqualTo(injected.baselineInfraErrors());
    assertThat(injected.description()).doesNotContain("infra errors");
  }

  @Test
  void regressionsStartAtTheOnset() throws InterruptedException {
    SimulationOptions options =
        small()
            .noFaults()
            .taskCount(40)
            .regression(Regression.passRateDrop("aider", MODEL_B, 1.0))
            .regressionOnset(0.5)
            .build();

    Emitted emitted = simulate(options);

    SimulationReport.InjectedRegression injected = emitted.report.regressions().getFirst();
    assertThat(injected.affectedCells()).isBetween(5L, 35L);
    assertThat(injected.firstAffectedCellIndex()).isGreaterThanOrEqualTo(80);
    assertThat(injected.injected()).isZero();
  }

  @Test
  void aBrokenTaskFailsEverywhere() throws InterruptedException {
    SimulationOptions options = small().noFaults().build();
    String task = options.tasks().get(2);

    Emitted emitted =
        simulate(options.toBuilder().regression(Regression.taskFailsEverywhere(task)).build());

    assertThat(emitted.rawEvents)
        .filteredOn(e -> axis(e).equals("pass_rate") && task.equals(attr(e, CabAttributes.TASK_ID)))
        .hasSize(4)
        .allSatisfy(e -> assertThat(score(e)).isZero());
    assertThat(emitted.report.regressions().getFirst().affectedCells()).isEqualTo(4);
  }

  @Test
  void latencyJumpMultipliesTheWallClockOfTheChosenTui() throws InterruptedException {
    BeforeAndAfter run = simulateWith(Regression.latencyJumpForTui("pi", 3));
    Emitted before = run.before();
    Emitted after = run.after();

    assertThat(meanWallClock(after, "pi") / meanWallClock(before, "pi")).isBetween(2.0, 3.01);
    assertThat(meanWallClock(after, "aider")).isEqualTo(meanWallClock(before, "aider"));
    assertThat(after.report.regressions().getFirst().metric()).isEqualTo("mean_wall_clock_ms");
  }

  @Test
  void latencyJumpPastTheHarnessTimeoutIsReportedAsInfraErrors() throws InterruptedException {
    BeforeAndAfter run = simulateWith(Regression.latencyJumpForTui("pi", 40));
    Emitted before = run.before();
    Emitted after = run.after();

    SimulationReport.InjectedRegression injected = after.report.regressions().getFirst();
    // 40x pushes the pi cells past the 600 s timeout: the container is killed, an infra error
    assertThat(injected.infraErrors()).isGreaterThan(injected.baselineInfraErrors());
    assertThat(after.report.infraFailures() - before.report.infraFailures())
        .isEqualTo(injected.infraErrors() - injected.baselineInfraErrors());
    assertThat(injected.description())
        .contains(
            "infra errors "
                + injected.baselineInfraErrors()
                + " -> "
                + injected.infraErrors()
                + " of those cells ("
                + (injected.infraErrors() - injected.baselineInfraErrors())
                + " more killed at the harness timeout)");
  }

  @Test
  void rateBoundsTheCellsPerSecondAndConcurrencyTheCellsInFlight() throws InterruptedException {
    SimulationOptions options = small().noFaults().rate(40).concurrency(3).build();

    Emitted emitted = simulate(options);

    assertThat(emitted.report.elapsed().toMillis()).isGreaterThanOrEqualTo(19 * 1000 / 40);
    assertThat(emitted.report.cellsPerSecond()).isLessThanOrEqualTo(42);
    assertThat(emitted.report.peakConcurrency()).isBetween(1, 3);
  }

  @Test
  void progressReachesTheTotalAndSeedReplayComesFirst() throws InterruptedException {
    ConcurrentLinkedQueue<long[]> progress = new ConcurrentLinkedQueue<>();

    try (InMemoryTelemetry memory = new InMemoryTelemetry()) {
      SimulationReport report =
          new SweepSimulator(memory.telemetry)
              .run(
                  small().replaySeeds(true).concurrency(1).build(),
                  (done, total) -> progress.add(new long[] {done, total}));

      assertThat(report.cellsPlanned()).isEqualTo(23);
      assertThat(report.seedCellsReplayed()).isEqualTo(3);
      assertThat(progress).hasSize(23);
      assertThat(progress).last().satisfies(p -> assertThat(p).containsExactly(23, 23));
      assertThat(memory.spans().subList(0, 5))
          .extracting(SpanData::getTraceId)
          .containsOnly("13a0cea7a79542e5bf6f1c9b4ad7ff63");
    }
  }

  // --- helpers

  private record Emitted(
      SimulationReport report,
      List<String> spans,
      List<String> events,
      List<SpanData> rawSpans,
      List<LogRecordData> rawEvents) {}

  /** The same fault-free sweep simulated without, then with, one regression. */
  private record BeforeAndAfter(Emitted before, Emitted after) {}

  /** {@link #small()} without faults, simulated as it is and then with {@code regression}. */
  private static BeforeAndAfter simulateWith(Regression regression) throws InterruptedException {
    SimulationOptions baseline = small().noFaults().build();
    return new BeforeAndAfter(
        simulate(baseline), simulate(baseline.toBuilder().regression(regression).build()));
  }

  private static Emitted simulate(SimulationOptions options) throws InterruptedException {
    try (InMemoryTelemetry memory = new InMemoryTelemetry()) {
      SimulationReport report =
          new SweepSimulator(memory.telemetry).run(options, ProgressListener.NONE);
      List<SpanData> spans = memory.spans();
      List<LogRecordData> events = memory.events();
      return new Emitted(
          report,
          spans.stream().map(SweepSimulatorTest::describe).sorted().toList(),
          events.stream().map(SweepSimulatorTest::describe).sorted().toList(),
          spans,
          events);
    }
  }

  /** Everything a span carries except SDK-instance details (resource, scope). */
  private static String describe(SpanData s) {
    return String.join(
        "|",
        s.getTraceId(),
        s.getSpanId(),
        s.getParentSpanId(),
        s.getName(),
        Long.toString(s.getStartEpochNanos()),
        Long.toString(s.getEndEpochNanos()),
        s.getStatus().toString(),
        s.getAttributes().toString());
  }

  /** Everything an event carries except the SDK's observed timestamp. */
  private static String describe(LogRecordData e) {
    return String.join(
        "|",
        e.getSpanContext().getTraceId(),
        e.getSpanContext().getSpanId(),
        String.valueOf(e.getEventName()),
        Long.toString(e.getTimestampEpochNanos()),
        e.getAttributes().toString(),
        e.getBodyValue().asString());
  }

  private static List<SpanData> ofKind(List<SpanData> spans, String kind) {
    return spans.stream().filter(s -> kind.equals(kind(s))).toList();
  }

  private static void assertParentless(SpanData span) {
    assertThat(span.getParentSpanId()).isEqualTo(SpanId.getInvalid());
  }

  private static String kind(SpanData span) {
    return span.getAttributes().get(AttributeKey.stringKey(CabAttributes.SPAN_KIND));
  }

  private static String axis(LogRecordData event) {
    return attr(event, CabAttributes.EVALUATION_NAME);
  }

  private static String attr(LogRecordData event, String key) {
    return event.getAttributes().get(AttributeKey.stringKey(key));
  }

  private static double score(LogRecordData event) {
    return event.getAttributes().get(AttributeKey.doubleKey(CabAttributes.EVALUATION_SCORE_VALUE));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(LogRecordData event) {
    return (Map<String, Object>) OtlpValues.toJava(event.getBodyValue());
  }

  private static double passRate(Emitted emitted, String tui, String model) {
    return emitted.rawEvents.stream()
        .filter(
            e ->
                axis(e).equals("pass_rate")
                    && tui.equals(attr(e, CabAttributes.TUI))
                    && model.equals(attr(e, CabAttributes.REQUEST_MODEL)))
        .mapToDouble(SweepSimulatorTest::score)
        .average()
        .orElseThrow();
  }

  private static double meanWallClock(Emitted emitted, String tui) {
    return emitted.rawEvents.stream()
        .filter(e -> axis(e).equals("latency") && tui.equals(attr(e, CabAttributes.TUI)))
        .mapToDouble(SweepSimulatorTest::score)
        .average()
        .orElseThrow();
  }
}
