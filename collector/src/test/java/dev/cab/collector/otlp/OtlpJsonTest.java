package dev.cab.collector.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

  private static final String TRACES =
      """
      {"resourceSpans": [{
        "resource": {"attributes": [
          {"key": "cab.cell.id", "value": {"stringValue": "sweep/pi/m/task"}},
          {"key": "cab.tui", "value": {"stringValue": "pi"}}]},
        "scopeSpans": [{
          "scope": {"name": "cab-runner"},
          "spans": [{
            "traceId": "5B8EFFF798038103D269B633813FC60C",
            "spanId": "EEE19B7EC3C1B174",
            "parentSpanId": "",
            "name": "pi:launch",
            "kind": 1,
            "startTimeUnixNano": "1544712660000000000",
            "endTimeUnixNano": 1544712661000000000,
            "attributes": [
              {"key": "cab.span.kind", "value": {"stringValue": "container"}},
              {"key": "timeout_s", "value": {"intValue": "600"}},
              {"key": "count", "value": {"intValue": 3}},
              {"key": "ratio", "value": {"doubleValue": 0.5}},
              {"key": "argv", "value": {"arrayValue": {"values": [
                {"stringValue": "--print"}, {"intValue": "7"}, {}]}}},
              {"key": "env", "value": {"kvlistValue": {"values": [
                {"key": "B", "value": {"boolValue": true}},
                {"key": "A", "value": {}}]}}}
            ],
            "status": {"code": 2, "message": "failed"},
            "droppedAttributesCount": 0,
            "someFutureField": {"ignored": true}
          }]
        }]
      }]}
      """;

  @Test
  void decodesOtlpJsonWithHexIdsStringInt64sAndEnumsAsInts() throws Exception {
    // when
    MappedBatch<SpanRecord> batch =
        OtlpMapper.spans(OtlpJson.traces(TRACES.getBytes(StandardCharsets.UTF_8)));

    // then
    assertThat(batch.rejections()).isEmpty();
    SpanRecord span = batch.accepted().getFirst();
    assertThat(span.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(span.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.parentSpanId()).isNull();
    assertThat(span.kind()).isEqualTo("container");
    assertThat(span.startTime()).isEqualTo(Instant.ofEpochSecond(1544712660L));
    assertThat(span.endTime()).isEqualTo(Instant.ofEpochSecond(1544712661L));
    assertThat(span.statusCode()).isEqualTo("ERROR");
    assertThat(span.statusMessage()).isEqualTo("failed");
    assertThat(span.cell().cellId()).isEqualTo("sweep/pi/m/task");
    assertThat(span.attributes())
        .containsEntry("timeout_s", 600L)
        .containsEntry("count", 3L)
        .containsEntry("ratio", 0.5)
        .containsEntry("argv", Arrays.asList("--print", 7L, null));
    @SuppressWarnings("unchecked")
    Map<String, Object> env = (Map<String, Object>) span.attributes().get("env");
    assertThat(env.keySet()).containsExactly("B", "A");
    assertThat(env).containsEntry("B", true).containsEntry("A", null);
  }

  @Test
  void decodesEvaluationEventWithKvlistBodyIntoOrderedBreakdown() throws Exception {
    // given an OTLP/JSON logs request as the JS SDK sends it
    String json =
        """
        {"resourceLogs": [{"scopeLogs": [{"logRecords": [{
          "timeUnixNano": "1781000110431158000",
          "eventName": "gen_ai.evaluation.result",
          "traceId": "3bbf0b1bfc34467da113852c333efb8f",
          "spanId": "3bbf0b1bfc34467d",
          "attributes": [
            {"key": "cab.cell.id", "value": {"stringValue": "c1"}},
            {"key": "gen_ai.evaluation.name", "value": {"stringValue": "blast_radius"}},
            {"key": "gen_ai.evaluation.score.value", "value": {"doubleValue": 0}}],
          "body": {"kvlistValue": {"values": [
            {"key": "blast_radius", "value": {"intValue": "0"}},
            {"key": "added", "value": {"arrayValue": {}}},
            {"key": "modified", "value": {"arrayValue": {"values": [{"stringValue": "src/lib.rs"}]}}},
            {"key": "note", "value": {}}]}}
        }]}]}]}
        """;

    // when
    MappedBatch<ScoreEvent> batch =
        OtlpMapper.scores(OtlpJson.logs(json.getBytes(StandardCharsets.UTF_8)));

    // then
    ScoreEvent event = batch.accepted().getFirst();
    assertThat(event.axis()).isEqualTo("blast_radius");
    assertThat(event.scoreValue()).isEqualTo(0.0);
    assertThat(event.traceId()).isEqualTo("3bbf0b1bfc34467da113852c333efb8f");
    assertThat(event.breakdown().keySet())
        .containsExactly("blast_radius", "added", "modified", "note");
    assertThat(event.breakdown())
        .containsEntry("blast_radius", 0L)
        .containsEntry("added", List.of())
        .containsEntry("modified", List.of("src/lib.rs"))
        .containsEntry("note", null);
  }

  @Test
  void namesTheFieldWhoseIdIsNotHex() {
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"W4796AQDgQPSabYzgT/GDA==\"}]}]}]}";
    assertThatThrownBy(() -> OtlpJson.traces(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("$.resourceSpans[0].scopeSpans[0].spans[0].traceId")
        .hasMessageContaining("hex");
  }

  @Test
  void reportsWhereTheJsonIsMalformed() {
    assertThatThrownBy(() -> OtlpJson.traces("{\"resourceSpans\": [".getBytes()))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("body is not valid JSON")
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> OtlpJson.traces("[]".getBytes()))
        .hasMessage("body must be a JSON object (ExportTraceServiceRequest)");
    assertThatThrownBy(() -> OtlpJson.traces("{\"resourceSpans\": 5}".getBytes()))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("body is not a valid ExportTraceServiceRequest");
  }

  @Test
  void printsResponsesWithCamelCaseFields() {
    byte[] json =
        OtlpJson.print(
            ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(
                    ExportTracePartialSuccess.newBuilder()
                        .setRejectedSpans(1)
                        .setErrorMessage("why"))
                .build());
    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo("{\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":\"why\"}}");
  }
}
