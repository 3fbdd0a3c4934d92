package dev.cab.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CabTelemetryTest {
  private static final CellIdentity IDENTITY =
      CellIdentity.of("sweep-1", "aider", "meta/llama-3.3-70b-instruct", "mutations/x");

  private final InMemoryTelemetry memory = new InMemoryTelemetry();

  @AfterEach
  void close() {
    memory.close();
  }

  @Test
  void declaresASweepPlanAsOneLogRecordWithTheMatrixAsStringArrays() {
    // when
    memory.telemetry.declareSweep(
        SweepPlan.of("s2", List.of("aider", "pi"), List.of("m1"), List.of("cat/a", "cat/b"))
            .withBaseline("s1"));

    // then
    List<LogRecordData> plans = memory.plans();
    assertThat(plans).hasSize(1);
    var attributes = plans.getFirst().getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("cab.sweep.id"))).isEqualTo("s2");
    assertThat(attributes.get(AttributeKey.stringArrayKey("cab.sweep.tuis")))
        .containsExactly("aider", "pi");
    assertThat(attributes.get(AttributeKey.stringArrayKey("cab.sweep.models")))
        .containsExactly("m1");
    assertThat(attributes.get(AttributeKey.stringArrayKey("cab.sweep.tasks")))
        .containsExactly("cat/a", "cat/b");
    assertThat(attributes.get(AttributeKey.stringKey("cab.sweep.baseline"))).isEqualTo("s1");
    assertThat(memory.events()).isEmpty();
  }

  @Test
  void rejectsASweepPlanWithDuplicatesOrItsOwnBaseline() {
    assertThatThrownBy(() -> SweepPlan.of("s", List.of("pi", "pi"), List.of("m"), List.of("t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tuis are listed twice: [pi]");
    assertThatThrownBy(() -> SweepPlan.of("s", List.of("pi"), List.of(), List.of("t")))
        .hasMessageContaining("at least one of models");
    assertThatThrownBy(
            () -> SweepPlan.of("s", List.of("pi"), List.of("m"), List.of("t")).withBaseline("s"))
        .hasMessageContaining("cannot be its own baseline");
    assertThat(SweepPlan.of("s", List.of("a", "b"), List.of("m"), List.of("t", "u")).plannedCells())
        .isEqualTo(4);
  }

  @Test
  void derivesCellIdAndCategoryFromTheIdentity() {
    assertThat(IDENTITY.cellId())
        .isEqualTo("sweep-1/aider/meta/llama-3.3-70b-instruct/mutations/x");
    assertThat(IDENTITY.category()).isEqualTo("mutations");
    assertThat(IDENTITY.withCellId("custom").cellId()).isEqualTo("custom");
  }

  @Test
  void everySpanCarriesTheCellIdentityAndItsKind() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.span(CellSpanKind.TASK_SETUP, "prepare:mutations/x").end();
    cell.root().end();

    List<SpanData> spans = memory.spans();

    assertThat(spans).hasSize(2);
    for (SpanData span : spans) {
      assertThat(attr(span, CabAttributes.CELL_ID)).isEqualTo(IDENTITY.cellId());
      assertThat(attr(span, CabAttributes.SWEEP_ID)).isEqualTo("sweep-1");
      assertThat(attr(span, CabAttributes.TUI)).isEqualTo("aider");
      assertThat(attr(span, CabAttributes.AGENT_NAME)).isEqualTo("aider");
      assertThat(attr(span, CabAttributes.REQUEST_MODEL)).isEqualTo("meta/llama-3.3-70b-instruct");
      assertThat(attr(span, CabAttributes.TASK_ID)).isEqualTo("mutations/x");
      assertThat(attr(span, CabAttributes.TASK_CATEGORY)).isEqualTo("mutations");
    }
    assertThat(spans)
        .extracting(s -> attr(s, CabAttributes.SPAN_KIND))
        .containsExactly("task_setup", "adapter_run");
    assertThat(spans.get(1).getName()).isEqualTo("aider:mutations/x");
  }

  @Test
  void rootCarriesContainerImageModelBuildAndExitCode() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.root()
        .containerImage("codingagentbench/aider:1.0", "sha256:abc")
        .modelBuildId("llama-3.3-build-7")
        .exitCode(137)
        .end();

    SpanData root = memory.spans().getFirst();

    assertThat(attr(root, CabAttributes.CONTAINER_IMAGE_NAME))
        .isEqualTo("codingagentbench/aider:1.0");
    assertThat(attr(root, CabAttributes.CONTAINER_IMAGE_ID)).isEqualTo("sha256:abc");
    assertThat(attr(root, CabAttributes.MODEL_BUILD_ID)).isEqualTo("llama-3.3-build-7");
    assertThat(root.getAttributes().get(AttributeKey.longKey(CabAttributes.PROCESS_EXIT_CODE)))
        .isEqualTo(137L);
    assertThat(root.getSpanId()).isEqualTo(cell.traceIds().rootSpanId());
    assertThat(root.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void spansDuringTheRootAreItsChildrenAndSetupAndCleanupShareTheTraceWithoutParent() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.span(CellSpanKind.TASK_SETUP, "prepare").end();
    CellSpan root = cell.root();
    cell.span(CellSpanKind.TOOL_CALL, "applied_plugins").end();
    cell.span(CellSpanKind.CONTAINER, "aider:run").end();
    root.end();
    cell.span(CellSpanKind.CLEANUP, "cleanup:aider").end();

    Map<String, SpanData> byName = byName(memory.spans());

    assertThat(byName.values())
        .extracting(SpanData::getTraceId)
        .containsOnly(cell.traceIds().traceId());
    assertThat(byName.get("prepare").getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(byName.get("cleanup:aider").getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(byName.get("applied_plugins").getParentSpanId()).isEqualTo(root.spanId());
    assertThat(byName.get("aider:run").getParentSpanId()).isEqualTo(root.spanId());
  }

  @Test
  void explicitParentNoParentAndSpanIdsAreHonoured() {
    Cell cell =
        memory.telemetry.startCell(
            IDENTITY, new CellTraceIds("13a0cea7a79542e5bf6f1c9b4ad7ff63", "13a0cea7a79542e5"));
    CellSpan root = cell.root();
    CellSpan container = cell.span(CellSpanKind.CONTAINER, "run");
    cell.modelCallBuilder().parent(container).spanId("00000000000000aa").start().end();
    cell.spanBuilder(CellSpanKind.TOOL_CALL, "detached").noParent().start().end();
    cell.end();

    Map<String, SpanData> byName = byName(memory.spans());

    assertThat(root.traceId()).isEqualTo("13a0cea7a79542e5bf6f1c9b4ad7ff63");
    assertThat(byName.get("chat meta/llama-3.3-70b-instruct").getSpanId())
        .isEqualTo("00000000000000aa");
    assertThat(byName.get("chat meta/llama-3.3-70b-instruct").getParentSpanId())
        .isEqualTo(container.spanId());
    assertThat(byName.get("detached").getParentSpanContext().isValid()).isFalse();
    assertThat(byName.get("detached").getTraceId()).isEqualTo(root.traceId());
  }

  @Test
  void harnessAttributesKeepTheirTypes() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    Map<String, Object> harness = new LinkedHashMap<>();
    harness.put("image", "codingagentbench/pi:v0.73.1");
    harness.put("argv", List.of("--print", "--api-key", "sk-secret"));
    harness.put("plugin_stack", List.of());
    harness.put("timeout_s", 600);
    harness.put("duration_s", 26.391405783011578);
    harness.put("timed_out", false);
    harness.put("ports", List.of(1, 2));
    harness.put("skipped", null);
    cell.span(CellSpanKind.CONTAINER, "pi:launch")
        .setAll(harness)
        .set("read_only", true)
        .set("count", 3L)
        .set("ratio", 0.5)
        .set("env_keys", List.of("A", "B"))
        .end();

    SpanData span = memory.spans().getFirst();

    assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("argv")))
        .containsExactly("--print", "--api-key", "sk-secret");
    assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("plugin_stack"))).isEmpty();
    assertThat(span.getAttributes().get(AttributeKey.longKey("timeout_s"))).isEqualTo(600L);
    assertThat(span.getAttributes().get(AttributeKey.doubleKey("duration_s")))
        .isEqualTo(26.391405783011578);
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("timed_out"))).isFalse();
    assertThat(span.getAttributes().get(AttributeKey.longArrayKey("ports")))
        .containsExactly(1L, 2L);
    assertThat(span.getAttributes().asMap().keySet())
        .extracting(AttributeKey::getKey)
        .doesNotContain("skipped");
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("read_only"))).isTrue();
    assertThat(span.getAttributes().get(AttributeKey.longKey("count"))).isEqualTo(3L);
    assertThat(span.getAttributes().get(AttributeKey.doubleKey("ratio"))).isEqualTo(0.5);
    assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("env_keys")))
        .containsExactly("A", "B");
  }

  @Test
  void rejectsHarnessAttributesWithNoAttributeFormNamingTheKey() {
    CellSpan span = memory.telemetry.startCell(IDENTITY).span(CellSpanKind.TOOL_CALL, "t");

    assertThatThrownBy(() -> span.setAll(Map.of("nested", Map.of("a", 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested");
    assertThatThrownBy(() -> span.setAll(Map.of("mixed", List.of("a", 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mixed");
  }

  @Test
  void modelCallsAreNamedAfterTheModelAndCarryTokenUsage() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    CellSpan root = cell.root();
    cell.modelCall(new TokenUsage(1200, 300, 800, 64)).end();
    root.end();

    SpanData call = byName(memory.spans()).get("chat meta/llama-3.3-70b-instruct");

    assertThat(attr(call, CabAttributes.SPAN_KIND)).isEqualTo("model_call");
    assertThat(attr(call, CabAttributes.OPERATION_NAME)).isEqualTo("chat");
    assertThat(call.getAttributes().get(AttributeKey.longKey(CabAttributes.USAGE_INPUT_TOKENS)))
        .isEqualTo(1200L);
    assertThat(call.getAttributes().get(AttributeKey.longKey(CabAttributes.USAGE_OUTPUT_TOKENS)))
        .isEqualTo(300L);
    assertThat(
            call.getAttributes()
                .get(AttributeKey.longKey(CabAttributes.USAGE_CACHE_READ_INPUT_TOKENS)))
        .isEqualTo(800L);
    assertThat(
            call.getAttributes()
                .get(AttributeKey.longKey(CabAttributes.USAGE_CACHE_CREATION_INPUT_TOKENS)))
        .isEqualTo(64L);
    assertThat(call.getParentSpanId()).isEqualTo(root.spanId());
  }

  @Test
  void explicitTimestampsAreKeptToTheNanosecond() {
    Instant start = Instant.parse("2026-06-16T19:05:37.658695Z");
    Instant end = Instant.parse("2026-06-16T19:08:02.776736Z");
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.rootBuilder("r").startAt(start).start().end(end);
    cell.evaluation(Axis.PASS_RATE, 1).timestamp(end).emit();

    SpanData root = memory.spans().getFirst();
    LogRecordData event = memory.events().getFirst();

    assertThat(root.getStartEpochNanos()).isEqualTo(nanos(start));
    assertThat(root.getEndEpochNanos()).isEqualTo(nanos(end));
    assertThat(event.getTimestampEpochNanos()).isEqualTo(nanos(end));
  }

  @Test
  void errorsSetErrorStatusAndErrorType() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.span(CellSpanKind.CONTAINER, "run")
        .exitCode(137)
        .error("timeout", "killed after 600 s")
        .end();

    SpanData span = memory.spans().getFirst();

    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("killed after 600 s");
    assertThat(attr(span, CabAttributes.ERROR_TYPE)).isEqualTo("timeout");
  }

  @Test
  void scorerEventFollowsTheEvaluationConventionAndLinksToTheRoot() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    CellSpan root = cell.root();
    Map<String, Object> breakdown = new LinkedHashMap<>();
    breakdown.put("pass", 1);
    breakdown.put("exit_code", 0);
    breakdown.put("timed_out", false);
    breakdown.put("stdout_tail", "test result: ok");
    breakdown.put("stderr_tail", "");
    breakdown.put("partial_score", null);
    cell.evaluation(Axis.PASS_RATE, 1)
        .breakdown(breakdown)
        .label("pass")
        .explanation("all tests passed")
        .emit();
    root.end();

    LogRecordData event = memory.events().getFirst();

    assertThat(event.getEventName()).isEqualTo("gen_ai.evaluation.result");
    assertThat(event.getSpanContext().getTraceId()).isEqualTo(root.traceId());
    assertThat(event.getSpanContext().getSpanId()).isEqualTo(root.spanId());
    assertThat(event.getAttributes().get(AttributeKey.stringKey(CabAttributes.EVALUATION_NAME)))
        .isEqualTo("pass_rate");
    assertThat(
            event.getAttributes().get(AttributeKey.doubleKey(CabAttributes.EVALUATION_SCORE_VALUE)))
        .isEqualTo(1.0);
    assertThat(
            event.getAttributes().get(AttributeKey.stringKey(CabAttributes.EVALUATION_SCORE_LABEL)))
        .isEqualTo("pass");
    assertThat(
            event.getAttributes().get(AttributeKey.stringKey(CabAttributes.EVALUATION_EXPLANATION)))
        .isEqualTo("all tests passed");
    assertThat(event.getAttributes().get(AttributeKey.stringKey(CabAttributes.CELL_ID)))
        .isEqualTo(IDENTITY.cellId());
    assertThat(event.getAttributes().get(AttributeKey.stringKey(CabAttributes.TASK_CATEGORY)))
        .isEqualTo("mutations");

    List<KeyValue> body = kvList(event.getBodyValue());
    assertThat(body)
        .extracting(KeyValue::getKey)
        .containsExactly(
            "pass", "exit_code", "timed_out", "stdout_tail", "stderr_tail", "partial_score");
    assertThat(body.get(0).getValue()).isEqualTo(Value.of(1L));
    assertThat(body.get(2).getValue()).isEqualTo(Value.of(false));
    assertThat(body.get(4).getValue()).isEqualTo(Value.of(""));
    assertThat(body.get(5).getValue().getType()).isEqualTo(ValueType.EMPTY);
  }

  @Test
  void breakdownArraysStayArraysAndDoublesStayDoubles() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    Map<String, Object> breakdown = new LinkedHashMap<>();
    breakdown.put("blast_radius", 0);
    breakdown.put("added", List.of());
    breakdown.put("modified", List.of("src/lib.rs"));
    breakdown.put("wall_clock_ms", 145118.041);
    breakdown.put("weights", Map.of("pass_rate", 0.4));
    cell.score(Axis.BLAST_RADIUS, 0, breakdown);

    Map<String, Value<?>> body =
        kvList(memory.events().getFirst().getBodyValue()).stream()
            .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));

    assertThat(body.get("added")).isEqualTo(Value.of(List.<Value<?>>of()));
    assertThat(body.get("modified")).isEqualTo(Value.of(Value.of("src/lib.rs")));
    assertThat(body.get("wall_clock_ms")).isEqualTo(Value.of(145118.041));
    assertThat(body.get("blast_radius")).isEqualTo(Value.of(0L));
    assertThat(body.get("weights").getType()).isEqualTo(ValueType.KEY_VALUE_LIST);
  }

  @Test
  void scorerEventsLinkToTheRootBeforeItStartsAndAfterTheCellEnded() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.score(Axis.TOKENS, 0, Map.of());
    CellSpan root = cell.root();
    cell.end();
    cell.score(Axis.INTEGRITY, 1, Map.of());

    List<LogRecordData> events = memory.events();

    assertThat(root.isEnded()).isTrue();
    assertThat(events).extracting(e -> e.getSpanContext().getSpanId()).containsOnly(root.spanId());
  }

  @Test
  void efficienciesGoOnTheLatencyAndTokensEventsOnly() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.evaluation(Axis.LATENCY, 145118.041).efficiency(0.45648295258205523).emit();
    cell.evaluation(Axis.TOKENS, 0).efficiency(1.0).emit();

    List<LogRecordData> events = memory.events();

    assertThat(
            events
                .get(0)
                .getAttributes()
                .get(AttributeKey.doubleKey(CabAttributes.LATENCY_EFFICIENCY)))
        .isEqualTo(0.45648295258205523);
    assertThat(
            events
                .get(1)
                .getAttributes()
                .get(AttributeKey.doubleKey(CabAttributes.COST_EFFICIENCY)))
        .isEqualTo(1.0);
    assertThatThrownBy(() -> cell.evaluation(Axis.PASS_RATE, 1).efficiency(0.5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pass_rate");
  }

  @Test
  void secondRootIsRejected() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.root();

    assertThatThrownBy(() -> cell.root("again"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has a root");
  }

  @Test
  void flushReportsEverythingExported() {
    Cell cell = memory.telemetry.startCell(IDENTITY);
    cell.root().end();
    cell.score(Axis.PASS_RATE, 1, Map.of());

    FlushResult result = memory.telemetry.flush(Duration.ofSeconds(10));

    assertThat(result.allExported()).isTrue();
    assertThat(result.spansEnded()).isEqualTo(1);
    assertThat(result.spansExported()).isEqualTo(1);
    assertThat(result.eventsEmitted()).isEqualTo(1);
    assertThat(result.eventsExported()).isEqualTo(1);
    assertThat(memory.telemetry.backlog()).isZero();
  }

  @Test
  void flushGivesUpAtTheDeadlineAndReportsWhatIsUnconfirmed() {
    CompletableResultCode never = new CompletableResultCode();
    SpanExporter stuck =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            return never;
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            never.fail();
            return CompletableResultCode.ofSuccess();
          }
        };
    CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder()
                .spanExporter(stuck)
                .property("otel.bsp.export.timeout", "60s")
                .build());
    try {
      telemetry.startCell(IDENTITY).root().end();

      long started = System.nanoTime();
      FlushResult result = telemetry.flush(Duration.ofMillis(300));

      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
      assertThat(result.completedInTime()).isFalse();
      assertThat(result.allExported()).isFalse();
      assertThat(result.spansUnconfirmed()).isEqualTo(1);
    } finally {
      telemetry.close(Duration.ofMillis(100));
    }
  }

  @Test
  void withoutAnExporterNothingCountsAsBacklog() {
    try (CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder()
                .property("otel.traces.exporter", "none")
                .property("otel.logs.exporter", "none")
                .build())) {
      Cell cell = telemetry.startCell(IDENTITY);
      cell.root().end();
      cell.score(Axis.PASS_RATE, 1, Map.of());

      assertThat(telemetry.backlog()).isZero();
      assertThat(telemetry.flush(Duration.ofSeconds(1)).allExported()).isTrue();
    }
  }

  @Test
  void exportsHttpProtobufByDefault() {
    try (CabTelemetry telemetry = CabTelemetry.fromEnvironment()) {
      assertThat(telemetry.toString())
          .contains("OtlpHttpSpanExporter")
          .contains("OtlpHttpLogRecordExporter");
    }
  }

  @Test
  void programmaticEndpointAndProtocolWinOverTheEnvironment() {
    try (CabTelemetry grpc =
            CabTelemetry.create(
                CabTelemetryOptions.builder()
                    .endpoint("http://collector.example:4317")
                    .protocol(CabTelemetryOptions.Protocol.GRPC)
                    .build());
        CabTelemetry http =
            CabTelemetry.create(
                CabTelemetryOptions.builder().endpoint("http://collector.example:4318/").build())) {

      assertThat(grpc.toString())
          .contains("OtlpGrpcSpanExporter")
          .contains("OtlpGrpcLogRecordExporter")
          .contains("http://collector.example:4317");
      assertThat(http.toString())
          .contains("OtlpHttpSpanExporter")
          .contains("http://collector.example:4318/v1/traces")
          .contains("http://collector.example:4318/v1/logs");
    }
  }

  @Test
  void rejectsNonsenseOptionsNamingTheOption() {
    assertThatThrownBy(() -> CabTelemetryOptions.builder().endpoint("localhost:4318"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> CabTelemetryOptions.builder().maxQueueSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxQueueSize");
    assertThatThrownBy(() -> CabTelemetryOptions.builder().compression("zstd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("compression");
    assertThatThrownBy(() -> CabTelemetryOptions.builder().scheduleDelay(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheduleDelay");
    assertThatThrownBy(
            () -> CabTelemetryOptions.builder().maxQueueSize(10).spanBatchSize(20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spanBatchSize");
    assertThatThrownBy(() -> new CellTraceIds("xyz", "13a0cea7a79542e5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("traceId");
    assertThatThrownBy(() -> CellIdentity.of("s", " ", "m", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tui");
  }

  private static String attr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  private static Map<String, SpanData> byName(List<SpanData> spans) {
    return spans.stream().collect(Collectors.toMap(SpanData::getName, Function.identity()));
  }

  @SuppressWarnings("unchecked")
  static List<KeyValue> kvList(Value<?> value) {
    assertThat(value.getType()).isEqualTo(ValueType.KEY_VALUE_LIST);
    return (List<KeyValue>) value.getValue();
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
