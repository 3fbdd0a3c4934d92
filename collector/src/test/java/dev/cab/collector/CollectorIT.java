package dev.cab.collector;

import static dev.cab.collector.testing.Otlp.attribute;
import static dev.cab.collector.testing.Otlp.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.collector.config.CollectorSettings;
import dev.cab.collector.grpc.RawBytes;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.metrics.CollectorMetrics.Total;
import dev.cab.collector.redact.SecretRedactor;
import dev.cab.collector.testing.SeedOtlp;
import dev.cab.collector.testing.TopicReader;
import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.WireAttributes;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The collector end to end: a real OpenTelemetry SDK exports over OTLP/HTTP protobuf and OTLP/gRPC
 * to a running {@link CollectorService}; a real consumer reads cab.spans.v1 and cab.scores.v1 from
 * the embedded broker. Each test uses its own cell id (the topics are shared).
 */
@ExtendWith(KafkaExtension.class)
@Timeout(180)
class CollectorIT {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final String SEED_003_KEY_BODY = "ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK";

  private static CollectorService collector;
  private static String bootstrap;

  enum Protocol {
    HTTP_PROTOBUF,
    GRPC
  }

  @BeforeAll
  static void startCollector(KafkaTestBroker kafka) {
    bootstrap = kafka.bootstrapServers();
    collector =
        CollectorService.start(
            CollectorSettings.of(
                Map.of(
                    CollectorSettings.KAFKA_BOOTSTRAP, bootstrap,
                    CollectorSettings.HTTP_PORT, "0",
                    CollectorSettings.GRPC_PORT, "0")));
  }

  @AfterAll
  static void stopCollector() {
    if (collector != null) {
      collector.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void storesSeed003SpansAndScoresSentByTheOtelSdkWithTheKeyRedacted(Protocol protocol) {
    // given seed 003's cell under a fresh cell id, exported by the OTel SDK
    String cellId = "it-" + UUID.randomUUID() + "/pi/stepfun-ai/step-3.5-flash/polyglot/x";
    long redactionsBefore = collector.metrics().count(Total.REDACTIONS);

    // when
    emitSeed003(cellId, protocol);

    // then both spans landed, keyed by cell, the key masked
    List<SpanRecord> spans = readSpans(cellId, 2);
    SpanRecord container = byKind(spans, WireAttributes.SpanKinds.CONTAINER);
    SpanRecord root = byKind(spans, WireAttributes.SpanKinds.ADAPTER_RUN);
    assertThat(container.cell().cellId()).isEqualTo(cellId);
    assertThat(container.cell().tui()).isEqualTo("pi");
    assertThat(container.cell().model()).isEqualTo("stepfun-ai/step-3.5-flash");
    assertThat(container.parentSpanId()).isEqualTo(root.spanId());
    assertThat(container.traceId()).isEqualTo(root.traceId()).hasSize(32);
    assertThat(container.attributes().get("argv").toString())
        .contains("--api-key, " + SecretRedactor.MASK)
        .doesNotContain(SEED_003_KEY_BODY);
    // (the model's JSON reads small whole numbers back as Integer: compare as numbers)
    assertThat(number(container.attributes().get("timeout_s"))).isEqualTo(600L);
    assertThat(container.attributes())
        .containsEntry("duration_s", 26.391405783011578)
        .containsEntry("timed_out", false);
    assertThat(root.attributes())
        .containsEntry(WireAttributes.CONTAINER_IMAGE_NAME, "codingagentbench/pi:v0.73.1");
    assertThat(number(root.attributes().get(WireAttributes.PROCESS_EXIT_CODE))).isZero();

    // and the scorer event, linked to the root, with its ordered breakdown
    ScoreEvent refusal = readScores(cellId, 1).getFirst();
    assertThat(refusal.axis()).isEqualTo("refusal");
    assertThat(refusal.scoreValue()).isEqualTo(0.0);
    assertThat(refusal.traceId()).isEqualTo(root.traceId());
    assertThat(refusal.spanId()).isEqualTo(root.spanId());
    assertThat(refusal.breakdown().keySet())
        .containsExactly("refusal", "not_applicable", "refusal_correct", "keyword_hits");
    assertThat(refusal.breakdown())
        .containsEntry("refusal_correct", null)
        .containsEntry("keyword_hits", List.of("stdout_tail"));
    assertThat(collector.metrics().count(Total.REDACTIONS)).isGreaterThan(redactionsBefore);

    // and the key is nowhere in either topic
    assertKeyNowhereIn(Topics.SPANS.name());
    assertKeyNowhereIn(Topics.SCORES.name());
  }

  @Test
  void storesTheSeedCellsSentAsRawOtlpProtobufWithPartialSuccessForASpanWithoutCellId()
      throws Exception {
    // given seed 003 with a fresh cell id, plus one span without any identity
    String cellId = "it-" + UUID.randomUUID();
    Map<String, Object> cell = new java.util.HashMap<>(SeedOtlp.seed003());
    cell.put("cell_id", cellId);
    ExportTraceServiceRequest request =
        SeedOtlp.traces(cell).toBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(
                                io.opentelemetry.proto.trace.v1.Span.newBuilder()
                                    .setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
                                    .setSpanId(id("00000000000000ff"))
                                    .addAttributes(attribute("workdir", "/tmp")))))
            .build();

    // when sent chunked (no Content-Length) over HTTP
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url("/v1/traces"))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(request.toByteArray())))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());

    // then
    assertThat(response.statusCode()).isEqualTo(200);
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(parsed.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(parsed.getPartialSuccess().getErrorMessage())
        .contains("span 00000000000000ff: missing cab.cell.id");
    assertThat(readSpans(cellId, 5)).hasSize(5);
    assertThat(collector.metrics().count(Total.SPANS_REJECTED)).isGreaterThanOrEqualTo(1);
    assertKeyNowhereIn(Topics.SPANS.name());
  }

  @Test
  void answersJsonInJsonOverHttp() throws Exception {
    String cellId = "it-" + UUID.randomUUID();
    String json =
        """
        {"resourceLogs":[{"resource":{"attributes":[
          {"key":"cab.cell.id","value":{"stringValue":"%s"}}]},
         "scopeLogs":[{"logRecords":[{
          "eventName":"gen_ai.evaluation.result",
          "traceId":"3bbf0b1bfc34467da113852c333efb8f","spanId":"3bbf0b1bfc34467d",
          "attributes":[
            {"key":"gen_ai.evaluation.name","value":{"stringValue":"latency"}},
            {"key":"gen_ai.evaluation.score.value","value":{"doubleValue":26418.116}},
            {"key":"cab.latency_efficiency","value":{"doubleValue":0.6404847291305417}}],
          "body":{"kvlistValue":{"values":[
            {"key":"wall_clock_ms","value":{"doubleValue":26418.116}},
            {"key":"model_call_ms","value":{"intValue":"0"}}]}}}]}]}]}
        """
            .formatted(cellId);

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url("/v1/logs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo("{}");
    ScoreEvent latency = readScores(cellId, 1).getFirst();
    assertThat(latency.numericAttribute(WireAttributes.LATENCY_EFFICIENCY))
        .isEqualTo(0.6404847291305417);
    assertThat(number(latency.breakdown().get("model_call_ms"))).isZero();
  }

  @Test
  void answersInvalidArgumentForGarbageAndPartialSuccessOverGrpc() throws Exception {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", collector.grpcPort()).usePlaintext().build();
    try {
      MethodDescriptor<byte[], byte[]> export =
          TraceServiceGrpc.getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE)
              .build();

      // garbage
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      channel,
                      export,
                      CallOptions.DEFAULT,
                      new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .startsWith("not a valid ExportTraceServiceRequest");
              });

      // a span without cell id beside a valid one, gzip-compressed
      String cellId = "it-" + UUID.randomUUID();
      ExportTraceServiceRequest request =
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(
                  ResourceSpans.newBuilder()
                      .addScopeSpans(
                          ScopeSpans.newBuilder()
                              .addSpans(grpcSpan("0000000000000001", cellId))
                              .addSpans(grpcSpan("0000000000000002", null))))
              .build();
      byte[] answer =
          ClientCalls.blockingUnaryCall(
              channel, export, CallOptions.DEFAULT.withCompression("gzip"), request.toByteArray());
      ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(answer);
      assertThat(parsed.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
      assertThat(readSpans(cellId, 1))
          .extracting(SpanRecord::spanId)
          .containsExactly("0000000000000001");
      assertThat(collector.metrics().requests(CollectorMetrics.Transport.GRPC, "INVALID_ARGUMENT"))
          .isGreaterThanOrEqualTo(1);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void answers503AndUnavailableWhenKafkaIsUnreachable() throws Exception {
    // given a collector whose broker address has nobody listening
    try (CollectorService orphan =
        CollectorService.start(
            CollectorSettings.of(
                Map.of(
                    CollectorSettings.KAFKA_BOOTSTRAP, "127.0.0.1:1",
                    CollectorSettings.CREATE_TOPICS, "false",
                    CollectorSettings.KAFKA_ACK_TIMEOUT, "1000",
                    CollectorSettings.HTTP_PORT, "0",
                    CollectorSettings.GRPC_PORT, "0")))) {
      byte[] body = SeedOtlp.traces(SeedOtlp.seed003()).toByteArray();

      // when
      HttpResponse<byte[]> http =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + orphan.httpPort() + "/v1/traces"))
                      .header("Content-Type", "application/x-protobuf")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", orphan.grpcPort()).usePlaintext().build();
      try {
        MethodDescriptor<byte[], byte[]> export =
            TraceServiceGrpc.getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE)
                .build();
        assertThatThrownBy(
                () -> ClientCalls.blockingUnaryCall(channel, export, CallOptions.DEFAULT, body))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      // then
      assertThat(http.statusCode()).isEqualTo(503);
      assertThat(http.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(orphan.metrics().count(Total.SPANS_ACCEPTED)).isZero();
    }
  }

  // --- helpers

  private static io.opentelemetry.proto.trace.v1.Span grpcSpan(String spanId, String cellId) {
    var span =
        io.opentelemetry.proto.trace.v1.Span.newBuilder()
            .setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
            .setSpanId(id(spanId))
            .setName("tool_call");
    if (cellId != null) {
      span.addAttributes(attribute(WireAttributes.CELL_ID, cellId));
    }
    return span.build();
  }

  /** Seed 003's adapter_run and container spans and its refusal event, through the OTel SDK. */
  private static void emitSeed003(String cellId, Protocol protocol) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.builder()
                        .put(WireAttributes.CELL_ID, cellId)
                        .put(WireAttributes.SWEEP_ID, "expansion-20260616")
                        .put(WireAttributes.TUI, "pi")
                        .put(WireAttributes.REQUEST_MODEL, "stepfun-ai/step-3.5-flash")
                        .put(WireAttributes.TASK_ID, "polyglot/rust-error-handling")
                        .put(WireAttributes.TASK_CATEGORY, "polyglot")
                        .build()));
    SpanExporter spanExporter;
    LogRecordExporter logExporter;
    if (protocol == Protocol.GRPC) {
      String endpoint = "http://127.0.0.1:" + collector.grpcPort();
      spanExporter =
          OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).setCompression("gzip").build();
      logExporter =
          OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).setCompression("gzip").build();
    } else {
      spanExporter =
          OtlpHttpSpanExporter.builder().setEndpoint(url("/v1/traces").toString()).build();
      logExporter =
          OtlpHttpLogRecordExporter.builder()
              .setEndpoint(url("/v1/logs").toString())
              .setCompression("gzip")
              .build();
    }
    try (SdkTracerProvider tracing =
            SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(SimpleSpanProcessor.create(spanExporter))
                .build();
        SdkLoggerProvider logging =
            SdkLoggerProvider.builder()
                .setResource(resource)
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(logExporter))
                .build()) {
      Tracer tracer = tracing.get("cab-runner");
      Span root =
          tracer
              .spanBuilder("pi:polyglot/rust-error-handling")
              .setNoParent()
              .setAttribute(WireAttributes.SPAN_KIND, WireAttributes.SpanKinds.ADAPTER_RUN)
              .setAttribute(WireAttributes.CONTAINER_IMAGE_NAME, "codingagentbench/pi:v0.73.1")
              .setAttribute(WireAttributes.CONTAINER_IMAGE_ID, "sha256:2727")
              .setAttribute(WireAttributes.MODEL_BUILD_ID, "stepfun-ai/step-3.5-flash")
              .setAttribute(WireAttributes.PROCESS_EXIT_CODE, 0L)
              .startSpan();
      Context withRoot = Context.root().with(root);
      tracer
          .spanBuilder("pi:launch")
          .setParent(withRoot)
          .setAttribute(WireAttributes.SPAN_KIND, WireAttributes.SpanKinds.CONTAINER)
          .setAttribute(
              AttributeKey.stringArrayKey("argv"),
              List.of(
                  "--print",
                  "--provider",
                  "nim",
                  "--model",
                  "stepfun-ai/step-3.5-flash",
                  "--api-key",
                  SeedOtlp.SEED_003_KEY,
                  "Function uses unwrap on user input"))
          .setAttribute("timeout_s", 600L)
          .setAttribute("duration_s", 26.391405783011578)
          .setAttribute("timed_out", false)
          .startSpan()
          .end();
      root.end();

      Logger scorer = logging.get("cab-scorer");
      scorer
          .logRecordBuilder()
          .setEventName(WireAttributes.EVALUATION_EVENT_NAME)
          .setContext(withRoot)
          .setAttribute(AttributeKey.stringKey(WireAttributes.EVALUATION_NAME), "refusal")
          .setAttribute(AttributeKey.doubleKey(WireAttributes.EVALUATION_SCORE_VALUE), 0.0)
          .setBody(
              Value.of(
                  KeyValue.of("refusal", Value.of(0L)),
                  KeyValue.of("not_applicable", Value.of(true)),
                  KeyValue.of("refusal_correct", Value.empty()),
                  KeyValue.of("keyword_hits", Value.of(Value.of("stdout_tail")))))
          .emit();

      assertSucceeded(tracing.forceFlush(), "span export");
      assertSucceeded(logging.forceFlush(), "log export");
    }
  }

  private static void assertSucceeded(CompletableResultCode result, String what) {
    result.join(30, TimeUnit.SECONDS);
    assertThat(result.isSuccess()).as(what + " succeeded").isTrue();
  }

  private static List<SpanRecord> readSpans(String cellId, int count) {
    return TopicReader.readUntil(
            bootstrap, Topics.SPANS.name(), r -> keyed(r, cellId).size() >= count, READ_TIMEOUT)
        .stream()
        .filter(r -> cellId.equals(r.key()))
        .map(r -> Topics.SPANS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }

  private static List<ScoreEvent> readScores(String cellId, int count) {
    return TopicReader.readUntil(
            bootstrap, Topics.SCORES.name(), r -> keyed(r, cellId).size() >= count, READ_TIMEOUT)
        .stream()
        .filter(r -> cellId.equals(r.key()))
        .map(r -> Topics.SCORES.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }

  private static List<ConsumerRecord<String, byte[]>> keyed(
      List<ConsumerRecord<String, byte[]>> records, String cellId) {
    return records.stream().filter(r -> cellId.equals(r.key())).toList();
  }

  private static void assertKeyNowhereIn(String topic) {
    byte[] secret = SEED_003_KEY_BODY.getBytes(StandardCharsets.UTF_8);
    List<ConsumerRecord<String, byte[]>> all =
        TopicReader.readUntil(bootstrap, topic, r -> !r.isEmpty(), READ_TIMEOUT);
    assertThat(all)
        .allSatisfy(
            r -> {
              assertThat(indexOf(r.value(), secret))
                  .as("record at offset " + r.offset())
                  .isEqualTo(-1);
              assertThat(r.key()).doesNotContain(SEED_003_KEY_BODY);
            });
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long number(Object value) {
    assertThat(value).isInstanceOf(Number.class);
    return ((Number) value).longValue();
  }

  private static SpanRecord byKind(List<SpanRecord> spans, String kind) {
    return spans.stream().filter(s -> kind.equals(s.kind())).findFirst().orElseThrow();
  }

  private static URI url(String path) {
    return URI.create("http://127.0.0.1:" + collector.httpPort() + path);
  }
}
