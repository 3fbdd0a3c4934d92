package dev.cab.collector.otlp;

import static dev.cab.collector.testing.Otlp.attribute;
import static dev.cab.collector.testing.Otlp.id;
import static dev.cab.collector.testing.Otlp.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.collector.testing.SeedOtlp;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.WireAttributes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpMapperTest {
  private static final String TRACE = "3bbf0b1bfc34467da113852c333efb8f";

  @Test
  void mapsSeed003SpansWithHexIdsIdentityAndHarnessAttributes() {
    // given seed 003 as a runner exports it
    Map<String, Object> cell = SeedOtlp.seed003();

    // when
    MappedBatch<SpanRecord> batch = OtlpMapper.spans(SeedOtlp.traces(cell));

    // then
    assertThat(batch.rejections()).isEmpty();
    assertThat(batch.accepted()).hasSize(5);
    SpanRecord container =
        batch.accepted().stream().filter(s -> "container".equals(s.kind())).findFirst().get();
    assertThat(container.traceId()).isEqualTo(TRACE);
    assertThat(container.spanId()).isEqualTo("489a2300fe0d4f5f");
    assertThat(container.parentSpanId()).isEqualTo("3bbf0b1bfc34467d");
    assertThat(container.name()).isEqualTo("pi:launch");
    assertThat(container.cell().cellId()).isEqualTo(cell.get("cell_id"));
    assertThat(container.cell().sweepId()).isEqualTo("expansion-20260616");
    assertThat(container.cell().tui()).isEqualTo("pi");
    assertThat(container.cell().model()).isEqualTo("stepfun-ai/step-3.5-flash");
    assertThat(container.cell().task()).isEqualTo("polyglot/rust-error-handling");
    assertThat(container.cell().category()).isEqualTo("polyglot");
    assertThat((List<?>) container.attributes().get("argv")).hasSize(10);
    assertThat(container.attributes()).containsEntry("timeout_s", 600L);
    assertThat(container.attributes()).containsEntry("duration_s", 26.391405783011578);
    assertThat(container.attributes()).containsEntry("timed_out", false);
    assertThat(container.startTime()).isEqualTo(Instant.parse("2026-06-17T03:34:44.013042Z"));
    assertThat(container.durationMs()).isEqualTo(26406.0);
    assertThat(container.statusCode()).isEqualTo("UNSET");
    assertThat(container.resource()).containsEntry("service.name", "cab-runner");

    SpanRecord root =
        batch.accepted().stream().filter(s -> "adapter_run".equals(s.kind())).findFirst().get();
    assertThat(root.parentSpanId()).isNull();
    assertThat(root.attributes())
        .containsEntry(WireAttributes.CONTAINER_IMAGE_NAME, "codingagentbench/pi:v0.73.1")
        .containsEntry(WireAttributes.PROCESS_EXIT_CODE, 0L)
        .containsEntry("plugin_stack", List.of());
  }

  @Test
  void mapsNestedAttributeValuesToJavaTypesKeepingOrderAndNulls() {
    // given every AnyValue shape, an empty one included
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("z", 1L);
    nested.put("a", Arrays.asList("x", null, 2.5));
    nested.put("m", Map.of("deep", true));
    Span span =
        span("b7ad6b7169203331")
            .addAttributes(attribute(WireAttributes.CELL_ID, "cell-1"))
            .addAttributes(attribute("plugins", List.of("a", "b")))
            .addAttributes(attribute("kv", nested))
            .addAttributes(attribute("empty", null))
            .addAttributes(
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                    .setKey("bytes")
                    .setValue(
                        AnyValue.newBuilder()
                            .setBytesValue(com.google.protobuf.ByteString.copyFromUtf8("hi"))))
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
            .build();

    // when
    SpanRecord record = only(OtlpMapper.spans(traces(Resource.getDefaultInstance(), span)));

    // then
    assertThat(record.attributes().get("plugins")).isEqualTo(List.of("a", "b"));
    @SuppressWarnings("unchecked")
    Map<String, Object> kv = (Map<String, Object>) record.attributes().get("kv");
    assertThat(kv.keySet()).containsExactly("z", "a", "m");
    assertThat(kv.get("a")).isEqualTo(Arrays.asList("x", null, 2.5));
    assertThat(kv.get("m")).isEqualTo(Map.of("deep", true));
    assertThat(record.attributes()).containsEntry("empty", null).containsEntry("bytes", "aGk=");
    assertThat(record.isError()).isTrue();
    assertThat(record.statusMessage()).isEqualTo("boom");
    assertThat(record.kind()).isNull();
  }

  @Test
  void prefersSpanIdentityOverResourceAndFallsBackToAgentName() {
    Resource resource =
        Resource.newBuilder()
            .addAttributes(attribute(WireAttributes.CELL_ID, "from-resource"))
            .addAttributes(attribute(WireAttributes.AGENT_NAME, "openhands"))
            .build();
    Span span =
        span("b7ad6b7169203331")
            .addAttributes(attribute(WireAttributes.CELL_ID, "from-span"))
            .build();

    SpanRecord record = only(OtlpMapper.spans(traces(resource, span)));

    assertThat(record.cell().cellId()).isEqualTo("from-span");
    assertThat(record.cell().tui()).isEqualTo("openhands");
  }

  @Test
  void rejectsSpanWithoutCellIdAndKeepsTheValidOnes() {
    // given valid, invalid, valid
    Span valid1 = span("0000000000000001").addAttributes(cell()).build();
    Span noCell = span("0000000000000002").build();
    Span badId =
        span("0000000000000003")
            .setSpanId(com.google.protobuf.ByteString.copyFromUtf8("abc"))
            .addAttributes(cell())
            .build();
    Span valid2 = span("0000000000000004").addAttributes(cell()).build();

    // when
    MappedBatch<SpanRecord> batch =
        OtlpMapper.spans(traces(Resource.getDefaultInstance(), valid1, noCell, badId, valid2));

    // then
    assertThat(batch.accepted())
        .extracting(SpanRecord::spanId)
        .containsExactly("0000000000000001", "0000000000000004");
    assertThat(batch.rejections())
        .containsExactly(
            "span 0000000000000002: missing cab.cell.id",
            "span 616263: span_id must be 8 bytes, not 3");
  }

  @Test
  void mapsEvaluationEventBodyToOrderedBreakdownWithNullsAndArrays() {
    // given seed 003's scorer events
    Map<String, Object> cell = SeedOtlp.seed003();

    // when
    MappedBatch<ScoreEvent> batch = OtlpMapper.scores(SeedOtlp.scores(cell));

    // then
    assertThat(batch.rejections()).isEmpty();
    assertThat(batch.accepted())
        .extracting(ScoreEvent::axis)
        .containsExactlyElementsOf(WireAttributes.Axes.REQUIRED);
    ScoreEvent refusal = batch.accepted().get(4);
    assertThat(refusal.breakdown().keySet())
        .containsExactly(
            "refusal",
            "not_applicable",
            "expected_refusal",
            "refusal_produced",
            "refusal_correct",
            "marker_hits",
            "keyword_hits");
    assertThat(refusal.breakdown()).containsEntry("refusal_correct", null);
    assertThat(refusal.breakdown()).containsEntry("marker_hits", List.of());
    assertThat(refusal.breakdown()).containsEntry("keyword_hits", List.of("stdout_tail"));
    assertThat(refusal.traceId()).isEqualTo(TRACE);
    assertThat(refusal.spanId()).isEqualTo("3bbf0b1bfc34467d");
    assertThat(refusal.cell().cellId()).isEqualTo(cell.get("cell_id"));

    ScoreEvent latency = batch.accepted().get(2);
    assertThat(latency.scoreValue()).isEqualTo(26418.116);
    assertThat(latency.numericAttribute(WireAttributes.LATENCY_EFFICIENCY))
        .isEqualTo(0.6404847291305417);
    assertThat(latency.attributes()).doesNotContainKey(WireAttributes.EVALUATION_NAME);
    assertThat(latency.time()).isEqualTo(Instant.parse("2026-06-17T03:35:10.431158Z"));
  }

  @Test
  void recognisesTheEventNameAttributeOfOlderSdksAndIgnoresOtherLogs() {
    // given an old-SDK evaluation event, a plain log line, and a new-style one
    LogRecord old =
        evaluation()
            .clearEventName()
            .addAttributes(attribute(WireAttributes.EVENT_NAME, "gen_ai.evaluation.result"))
            .build();
    LogRecord plain =
        LogRecord.newBuilder().setBody(value("container started")).addAttributes(cell()).build();
    LogRecord current = evaluation().build();

    // when
    MappedBatch<ScoreEvent> batch = OtlpMapper.scores(logs(old, plain, current));

    // then
    assertThat(batch.accepted()).hasSize(2);
    assertThat(batch.ignored()).isEqualTo(1);
    assertThat(batch.rejections()).isEmpty();
    assertThat(batch.accepted().getFirst().attributes()).doesNotContainKey("event.name");
  }

  @Test
  void rejectsEvaluationEventsWithoutCellIdOrAxis() {
    LogRecord noCell =
        LogRecord.newBuilder()
            .setEventName(WireAttributes.EVALUATION_EVENT_NAME)
            .setSpanId(id("00000000000000aa"))
            .addAttributes(attribute(WireAttributes.EVALUATION_NAME, "latency"))
            .build();
    LogRecord noAxis =
        LogRecord.newBuilder()
            .setEventName(WireAttributes.EVALUATION_EVENT_NAME)
            .addAttributes(cell())
            .build();
    LogRecord textValue =
        evaluation()
            .addAttributes(attribute(WireAttributes.EVALUATION_SCORE_VALUE, "high"))
            .build();

    MappedBatch<ScoreEvent> batch = OtlpMapper.scores(logs(noCell, noAxis, textValue));

    assertThat(batch.accepted()).isEmpty();
    assertThat(batch.rejections())
        .containsExactly(
            "evaluation event of span 00000000000000aa: missing cab.cell.id",
            "evaluation event of span (no span id): missing gen_ai.evaluation.name",
            "evaluation event of span (no span id): gen_ai.evaluation.score.value must be a number");
  }

  @Test
  void readsABreakdownSentAsJsonTextInOrder() {
    Map<String, Object> breakdown =
        OtlpMapper.breakdown(value("{\"b\": 1, \"a\": null, \"c\": [1, \"x\"]}"));
    assertThat(breakdown.keySet()).containsExactly("b", "a", "c");
    assertThat(breakdown).containsEntry("a", null).containsEntry("b", 1L);
    assertThat(breakdown.get("c")).isEqualTo(List.of(1L, "x"));
    assertThat(OtlpMapper.breakdown(value("plain"))).isEqualTo(Map.of("value", "plain"));
    assertThat(OtlpMapper.breakdown(AnyValue.getDefaultInstance())).isEmpty();
  }

  private static io.opentelemetry.proto.common.v1.KeyValue cell() {
    return attribute(WireAttributes.CELL_ID, "cell-1");
  }

  private static Span.Builder span(String spanId) {
    return Span.newBuilder().setTraceId(id(TRACE)).setSpanId(id(spanId)).setName("s");
  }

  private static LogRecord.Builder evaluation() {
    return LogRecord.newBuilder()
        .setEventName(WireAttributes.EVALUATION_EVENT_NAME)
        .addAttributes(cell())
        .addAttributes(attribute(WireAttributes.EVALUATION_NAME, "pass_rate"));
  }

  private static ExportTraceServiceRequest traces(Resource resource, Span... spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(resource)
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
        .build();
  }

  private static ExportLogsServiceRequest logs(LogRecord... records) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(List.of(records))))
        .build();
  }

  private static SpanRecord only(MappedBatch<SpanRecord> batch) {
    assertThat(batch.rejections()).isEmpty();
    assertThat(batch.accepted()).hasSize(1);
    return batch.accepted().getFirst();
  }
}
