package dev.cab.collector.http;

import static dev.cab.collector.testing.Otlp.attribute;
import static dev.cab.collector.testing.Otlp.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Code;
import dev.cab.collector.internal.AdmissionControl;
import dev.cab.collector.internal.ExportPipeline;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.metrics.CollectorMetrics.Total;
import dev.cab.collector.otlp.OtlpJson;
import dev.cab.collector.redact.SecretRedactor;
import dev.cab.collector.testing.RecordingWriter;
import dev.cab.collector.testing.SeedOtlp;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.SweepPlan;
import dev.cab.model.wire.WireAttributes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** OTLP/HTTP status semantics, without sockets or Kafka: a recording writer stands in. */
class OtlpHttpHandlerTest {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final int MAX_BODY = 64 * 1024;

  private final RecordingWriter writer = new RecordingWriter();
  private final CollectorMetrics metrics = new CollectorMetrics();
  private final ExportPipeline pipeline =
      new ExportPipeline(writer, new SecretRedactor(), metrics, Duration.ofMillis(200), 1_000_000);
  private OtlpHttpHandler handler =
      new OtlpHttpHandler(pipeline, new AdmissionControl(8, 1 << 20), MAX_BODY, 2);

  @Test
  void storesSeed003SpansAndAnswers200AfterTheWriterAcknowledged() throws Exception {
    // given seed 003 as OTLP/HTTP protobuf
    byte[] body = SeedOtlp.traces(SeedOtlp.seed003()).toByteArray();

    // when
    OtlpHttpHandler.Response response = handler.handle(post("/v1/traces", PROTOBUF, body));

    // then
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo(PROTOBUF);
    assertThat(ExportTraceServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    assertThat(writer.sent(Topics.SPANS.name())).hasSize(5);
    assertThat(writer.sent())
        .allSatisfy(
            s ->
                assertThat(s.key())
                    .isEqualTo(
                        "expansion-20260616/pi/stepfun-ai/step-3.5-flash/polyglot/rust-error-handling"));
    assertThat(metrics.count(Total.SPANS_ACCEPTED)).isEqualTo(5);
    assertThat(metrics.requests(CollectorMetrics.Transport.HTTP, "200")).isEqualTo(1);
  }

  @Test
  void neverWritesSeed003ApiKeyToTheTopic() {
    byte[] body = SeedOtlp.traces(SeedOtlp.seed003()).toByteArray();

    handler.handle(post("/v1/traces", PROTOBUF, body));

    assertThat(writer.sent()).isNotEmpty();
    assertThat(writer.sent())
        .allSatisfy(
            s -> assertThat(s.text()).doesNotContain("ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK"));
    SpanRecord container =
        writer.sent().stream()
            .map(s -> Topics.SPANS.valueSerde().deserializer().deserialize(s.topic(), s.value()))
            .filter(s -> "container".equals(s.kind()))
            .findFirst()
            .orElseThrow();
    assertThat(container.attributes().get("argv").toString())
        .contains("--api-key, " + SecretRedactor.MASK);
    assertThat(metrics.count(Total.REDACTIONS)).isEqualTo(1);
  }

  @Test
  void storesSeed003ScoresFromJsonAndAnswersInJson() throws Exception {
    // given seed 003's scorer events as OTLP/JSON
    byte[] body =
        com.google.protobuf.util.JsonFormat.printer()
            .print(SeedOtlp.scores(SeedOtlp.seed003()))
            .getBytes(StandardCharsets.UTF_8);
    body = base64IdsToHex(body);

    // when
    OtlpHttpHandler.Response response = handler.handle(post("/v1/logs", JSON, body));

    // then
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo(JSON);
    assertThat(response.bodyText()).isEqualTo("{}");
    assertThat(writer.sent(Topics.SCORES.name())).hasSize(6);
    ScoreEvent latency =
        Topics.SCORES.valueSerde().deserializer().deserialize("t", writer.sent().get(2).value());
    assertThat(latency.axis()).isEqualTo("latency");
    assertThat(latency.spanId()).isEqualTo("3bbf0b1bfc34467d");
    assertThat(latency.numericAttribute(WireAttributes.LATENCY_EFFICIENCY))
        .isEqualTo(0.6404847291305417);
  }

  @Test
  void answersPartialSuccessForASpanWithoutCellIdAndKeepsTheValidOnes() throws Exception {
    // given valid, invalid, valid
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(span("0000000000000001", true))
                            .addSpans(span("0000000000000002", false))
                            .addSpans(span("0000000000000003", true))))
            .build();

    // when
    OtlpHttpHandler.Response response =
        handler.handle(post("/v1/traces", PROTOBUF, request.toByteArray()));

    // then
    assertThat(response.status()).isEqualTo(200);
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(parsed.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(parsed.getPartialSuccess().getErrorMessage())
        .isEqualTo("rejected 1 spans: span 0000000000000002: missing cab.cell.id");
    assertThat(writer.sent()).hasSize(2);
    assertThat(metrics.count(Total.SPANS_ACCEPTED)).isEqualTo(2);
    assertThat(metrics.count(Total.SPANS_REJECTED)).isEqualTo(1);
  }

  @Test
  void answersPartialSuccessInJsonForARejectedScore() {
    String json =
        """
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[
          {"eventName":"gen_ai.evaluation.result","attributes":[
            {"key":"gen_ai.evaluation.name","value":{"stringValue":"latency"}}]},
          {"body":{"stringValue":"just a log line"}}]}]}]}
        """;

    OtlpHttpHandler.Response response =
        handler.handle(post("/v1/logs", JSON, json.getBytes(StandardCharsets.UTF_8)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText())
        .isEqualTo(
            "{\"partialSuccess\":{\"rejectedLogRecords\":\"1\",\"errorMessage\":\"rejected 1 log"
                + " records: evaluation event of span (no span id): missing cab.cell.id\"}}");
    assertThat(metrics.count(Total.LOGS_REJECTED)).isEqualTo(1);
    assertThat(metrics.count(Total.LOGS_IGNORED)).isEqualTo(1);
  }

  @Test
  void storesASweepPlanKeyedBySweepIdAndRejectsOneWithoutTasks() throws Exception {
    // given a plan, a plan without tasks and a plain log line in one request
    String json =
        """
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[
          {"eventName":"cab.sweep.plan","timeUnixNano":"1764763200000000000","attributes":[
            {"key":"cab.sweep.id","value":{"stringValue":"nightly-2"}},
            {"key":"cab.sweep.tuis","value":{"arrayValue":{"values":[
              {"stringValue":"aider"},{"stringValue":"pi"}]}}},
            {"key":"cab.sweep.models","value":{"arrayValue":{"values":[{"stringValue":"m1"}]}}},
            {"key":"cab.sweep.tasks","value":{"arrayValue":{"values":[
              {"stringValue":"cat/a"},{"stringValue":"cat/b"},{"stringValue":"cat/c"}]}}},
            {"key":"cab.sweep.baseline","value":{"stringValue":"nightly-1"}}]},
          {"eventName":"cab.sweep.plan","attributes":[
            {"key":"cab.sweep.id","value":{"stringValue":"broken"}},
            {"key":"cab.sweep.tuis","value":{"arrayValue":{"values":[{"stringValue":"pi"}]}}},
            {"key":"cab.sweep.models","value":{"arrayValue":{"values":[{"stringValue":"m1"}]}}}]},
          {"body":{"stringValue":"just a log line"}}]}]}]}
        """;

    // when
    OtlpHttpHandler.Response response =
        handler.handle(post("/v1/logs", JSON, json.getBytes(StandardCharsets.UTF_8)));

    // then the valid plan is on cab.sweep-plans.v1, keyed by its sweep
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText())
        .isEqualTo(
            "{\"partialSuccess\":{\"rejectedLogRecords\":\"1\",\"errorMessage\":\"rejected 1 sweep"
                + " plans: sweep plan: plan of sweep broken needs cab.sweep.tasks as a non-empty"
                + " string array\"}}");
    assertThat(writer.sent(Topics.SWEEP_PLANS.name())).hasSize(1);
    RecordingWriter.Sent sent = writer.sent(Topics.SWEEP_PLANS.name()).getFirst();
    assertThat(sent.key()).isEqualTo("nightly-2");
    SweepPlan plan = Topics.SWEEP_PLANS.valueSerde().deserializer().deserialize("t", sent.value());
    assertThat(plan.tuis()).containsExactly("aider", "pi");
    assertThat(plan.models()).containsExactly("m1");
    assertThat(plan.tasks()).containsExactly("cat/a", "cat/b", "cat/c");
    assertThat(plan.baselineSweepId()).isEqualTo("nightly-1");
    assertThat(plan.plannedCells()).isEqualTo(6);
    assertThat(plan.declaredAt()).isEqualTo(java.time.Instant.parse("2025-12-03T12:00:00Z"));
    assertThat(writer.sent(Topics.SCORES.name())).isEmpty();
    assertThat(metrics.count(Total.LOGS_ACCEPTED)).isEqualTo(1);
    assertThat(metrics.count(Total.LOGS_REJECTED)).isEqualTo(1);
    assertThat(metrics.count(Total.LOGS_IGNORED)).isEqualTo(1);
  }

  @Test
  void answers400NamingTheProblemForMalformedProtobuf() throws Exception {
    byte[] garbage = {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01};

    OtlpHttpHandler.Response response = handler.handle(post("/v1/traces", PROTOBUF, garbage));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo(PROTOBUF);
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .startsWith("body is not a valid ExportTraceServiceRequest protobuf: ");
    assertThat(writer.sent()).isEmpty();
    assertThat(metrics.requests(CollectorMetrics.Transport.HTTP, "400")).isEqualTo(1);
  }

  @Test
  void answers400NamingTheProblemForMalformedJson() {
    OtlpHttpHandler.Response response =
        handler.handle(
            post("/v1/logs", JSON + "; charset=utf-8", "{\"resourceLogs\": [".getBytes()));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo(JSON);
    assertThat(response.bodyText())
        .startsWith("{\"code\":3,\"message\":\"body is not valid JSON: ")
        .contains("line 1");
  }

  @Test
  void answers400ForABodyThatIsNotGzip() {
    OtlpHttpHandler.Response response =
        handler.handle(
            post("/v1/traces", PROTOBUF, new byte[] {1, 2, 3}, Map.of("content-encoding", "gzip")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(statusMessage(response)).startsWith("body is not valid gzip");
  }

  @Test
  void acceptsGzipEncodedBodies() throws Exception {
    byte[] body = gzip(SeedOtlp.traces(SeedOtlp.seed003()).toByteArray());

    OtlpHttpHandler.Response response =
        handler.handle(post("/v1/traces", PROTOBUF, body, Map.of("content-encoding", "gzip")));

    assertThat(response.status()).isEqualTo(200);
    assertThat(writer.sent()).hasSize(5);
  }

  @Test
  void answers415ForAnotherContentTypeOrEncoding() {
    OtlpHttpHandler.Response xml = handler.handle(post("/v1/traces", "text/xml", new byte[0]));
    OtlpHttpHandler.Response none = handler.handle(post("/v1/traces", null, new byte[0]));
    OtlpHttpHandler.Response brotli =
        handler.handle(post("/v1/traces", PROTOBUF, new byte[0], Map.of("content-encoding", "br")));

    assertThat(xml.status()).isEqualTo(415);
    assertThat(xml.bodyText()).contains("unsupported content type 'text/xml'");
    assertThat(none.status()).isEqualTo(415);
    assertThat(brotli.status()).isEqualTo(415);
    assertThat(statusMessage(brotli)).contains("unsupported content encoding 'br'");
  }

  @Test
  void answers413ForABodyOverTheLimitDeclaredOrStreamed() {
    byte[] big = new byte[MAX_BODY + 1];

    // declared by Content-Length: refused before reading
    OtlpHttpHandler.Response declared =
        handler.handle(
            post(
                "/v1/traces",
                PROTOBUF,
                big,
                Map.of("content-length", Integer.toString(big.length))));
    // chunked (no Content-Length): refused while reading
    OtlpHttpHandler.Response chunked = handler.handle(post("/v1/traces", JSON, big));

    assertThat(declared.status()).isEqualTo(413);
    assertThat(statusMessage(declared)).contains("exceeds the limit of " + MAX_BODY + " bytes");
    assertThat(chunked.status()).isEqualTo(413);
  }

  @Test
  void answers413ForAGzipBombThatDecompressesPastTheLimit() throws IOException {
    byte[] bomb = gzip(new byte[MAX_BODY * 4]);
    assertThat(bomb.length).isLessThan(MAX_BODY);

    OtlpHttpHandler.Response response =
        handler.handle(post("/v1/traces", PROTOBUF, bomb, Map.of("content-encoding", "gzip")));

    assertThat(response.status()).isEqualTo(413);
  }

  @Test
  void answers429WithRetryAfterWhenTooManyRequestsAreInFlight() {
    // given an admission control whose only slot is taken
    AdmissionControl admission = new AdmissionControl(1, 1 << 20);
    handler = new OtlpHttpHandler(pipeline, admission, MAX_BODY, 2);
    AdmissionControl.Ticket held = admission.tryEnter();

    // when
    OtlpHttpHandler.Response response = handler.handle(post("/v1/traces", PROTOBUF, new byte[0]));
    held.close();
    OtlpHttpHandler.Response after = handler.handle(post("/v1/traces", PROTOBUF, new byte[0]));

    // then
    assertThat(response.status()).isEqualTo(429);
    assertThat(response.headers()).containsEntry("Retry-After", "2");
    assertThat(after.status()).isEqualTo(200);
  }

  @Test
  void answers503WithRetryAfterWhenKafkaFailsOrDoesNotAcknowledgeInTime() {
    byte[] body = SeedOtlp.traces(SeedOtlp.seed003()).toByteArray();

    writer.mode(RecordingWriter.Mode.FAIL);
    OtlpHttpHandler.Response failed = handler.handle(post("/v1/traces", PROTOBUF, body));
    writer.mode(RecordingWriter.Mode.HANG);
    OtlpHttpHandler.Response hung = handler.handle(post("/v1/traces", PROTOBUF, body));

    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.headers()).containsEntry("Retry-After", "2");
    assertThat(statusMessage(failed)).startsWith("Kafka is unavailable");
    assertThat(hung.status()).isEqualTo(503);
    assertThat(statusMessage(hung)).contains("within 200 ms");
    assertThat(metrics.count(Total.SPANS_ACCEPTED)).isZero();
    assertThat(metrics.requests(CollectorMetrics.Transport.HTTP, "503")).isEqualTo(2);
  }

  @Test
  void acceptsAndCountsMetricsAsProtobufAndJsonWithoutStoringThem() throws Exception {
    // given the committed metrics seed: one point of each of the five kinds, two of the sum
    byte[] json = metricsSeed();
    byte[] protobuf = OtlpJson.metrics(json).toByteArray();

    // when
    OtlpHttpHandler.Response asProtobuf = handler.handle(post("/v1/metrics", PROTOBUF, protobuf));
    OtlpHttpHandler.Response asJson = handler.handle(post("/v1/metrics", JSON, json));

    // then an empty success, the points counted, nothing sent to Kafka
    assertThat(asProtobuf.status()).isEqualTo(200);
    assertThat(ExportMetricsServiceResponse.parseFrom(asProtobuf.body()).hasPartialSuccess())
        .isFalse();
    assertThat(asJson.status()).isEqualTo(200);
    assertThat(asJson.bodyText()).isEqualTo("{}");
    assertThat(metrics.count(Total.METRIC_POINTS_ACCEPTED)).isEqualTo(12);
    assertThat(writer.sent()).isEmpty();
  }

  @Test
  void refusesUndecodableMetricsWith400AndAReason() {
    OtlpHttpHandler.Response bad =
        handler.handle(
            post("/v1/metrics", JSON, "{\"resourceMetrics\":7}".getBytes(StandardCharsets.UTF_8)));
    OtlpHttpHandler.Response badProtobuf =
        handler.handle(post("/v1/metrics", PROTOBUF, new byte[] {(byte) 0xff, 0x01}));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.bodyText()).contains("ExportMetricsServiceRequest");
    assertThat(badProtobuf.status()).isEqualTo(400);
    assertThat(metrics.count(Total.METRIC_POINTS_ACCEPTED)).isZero();
  }

  private static byte[] metricsSeed() throws IOException {
    try (InputStream in =
        OtlpHttpHandlerTest.class.getResourceAsStream("/dev/cab/collector/fuzz/metrics.json")) {
      return in.readAllBytes();
    }
  }

  @Test
  void answers404And405ForOtherPathsAndMethods() throws Exception {
    assertThat(handler.handle(post("/v1/profiles", PROTOBUF, new byte[0])).status()).isEqualTo(404);
    OtlpHttpHandler.Response get =
        handler.handle(
            new OtlpHttpHandler.Request(
                "GET", "/v1/logs", Map.of(), new ByteArrayInputStream(new byte[0])));
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).containsEntry("Allow", "POST");
    ExportLogsServiceResponse.getDefaultInstance(); // logs response type is on the classpath
  }

  private static Span span(String spanId, boolean withCell) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
            .setSpanId(id(spanId))
            .setName("tool_call");
    if (withCell) {
      span.addAttributes(attribute(WireAttributes.CELL_ID, "cell-1"));
    }
    return span.build();
  }

  private static OtlpHttpHandler.Request post(String path, String contentType, byte[] body) {
    return post(path, contentType, body, Map.of());
  }

  private static OtlpHttpHandler.Request post(
      String path, String contentType, byte[] body, Map<String, String> extra) {
    Map<String, String> headers = new HashMap<>(extra);
    if (contentType != null) {
      headers.put("content-type", contentType);
    }
    InputStream in = new ByteArrayInputStream(body);
    return new OtlpHttpHandler.Request("POST", path, headers, in);
  }

  private static String statusMessage(OtlpHttpHandler.Response response) {
    try {
      return com.google.rpc.Status.parseFrom(response.body()).getMessage();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** JsonFormat prints ids as base64; OTLP/JSON wants hex. */
  private static byte[] base64IdsToHex(byte[] json) {
    String text = new String(json, StandardCharsets.UTF_8);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"(traceId|spanId)\": \"([^\"]*)\"").matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String hex =
          java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(m.group(2)));
      m.appendReplacement(sb, "\"" + m.group(1) + "\": \"" + hex + "\"");
    }
    m.appendTail(sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
