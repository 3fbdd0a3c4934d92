package dev.cab.collector.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.collector.CollectorService;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.testing.TopicReader;
import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.topic.Topics;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bearer tokens, tenant sweep prefixes, per-tenant rates and TLS at the collector's doors, with the
 * real OpenTelemetry SDK exporters (OTLP/HTTP and OTLP/gRPC) and raw requests for the status codes,
 * in front of the real embedded Kafka broker.
 */
@ExtendWith(KafkaExtension.class)
@Timeout(240)
class CollectorAuthIT {
  private static final String ALPHA_TOKEN = "alpha-" + UUID.randomUUID();
  private static final String BETA_TOKEN = "beta-" + UUID.randomUUID();
  private static final Duration READ = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static String bootstrap;
  static Path tokensFile;
  static CollectorService collector;

  @BeforeAll
  static void start(KafkaTestBroker kafka) throws Exception {
    bootstrap = kafka.bootstrapServers();
    tokensFile = dir.resolve("tokens");
    Files.writeString(
        tokensFile,
        "# tenant  sha256(token)  sweep prefix\n"
            + "alpha "
            + TenantTokens.sha256Hex(ALPHA_TOKEN)
            + " alpha-\n"
            + "beta  "
            + TenantTokens.sha256Hex(BETA_TOKEN)
            + " beta-   # the second team\n");
    collector = CollectorService.start(settings(Map.of()));
  }

  @AfterAll
  static void stop() {
    if (collector != null) {
      collector.close();
    }
  }

  static CollectorSettings settings(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>();
    s.put(CollectorSettings.KAFKA_BOOTSTRAP, bootstrap);
    s.put(CollectorSettings.HTTP_PORT, "0");
    s.put(CollectorSettings.GRPC_PORT, "0");
    s.put(AuthSettings.TOKENS_FILE, tokensFile.toString());
    s.putAll(extra);
    return CollectorSettings.of(s);
  }

  @Test
  void httpWithoutAValidTokenIs401WithAOneLineReason() throws Exception {
    long rejectedBefore = collector.metrics().authRejectedCount(CollectorMetrics.Transport.HTTP);
    HttpResponse<String> none = postJson(collector, "/v1/traces", span("alpha-1", "c"), null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("missing bearer token").doesNotContain("\n\"");
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

    HttpResponse<String> wrong =
        postJson(collector, "/v1/traces", span("alpha-1", "c"), "Bearer not-a-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("unknown bearer token");

    HttpResponse<String> basic = postJson(collector, "/v1/logs", "{}", "Basic YWxwaGE6eA==");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.body()).contains("not a bearer token");
    // and the three refusals are counted on the management registry
    assertThat(collector.metrics().authRejectedCount(CollectorMetrics.Transport.HTTP))
        .isEqualTo(rejectedBefore + 3);
  }

  @Test
  void grpcWithoutAValidTokenIsUnauthenticatedWithAReason() {
    long rejectedBefore = collector.metrics().authRejectedCount(CollectorMetrics.Transport.GRPC);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", collector.grpcPort()).usePlaintext().build();
    try {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.getDefaultInstance();
      assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel).export(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("missing bearer token");
              });
      Metadata wrong = new Metadata();
      wrong.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer x");
      assertThatThrownBy(
              () ->
                  TraceServiceGrpc.newBlockingStub(channel)
                      .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrong))
                      .export(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThat(collector.metrics().authRejectedCount(CollectorMetrics.Transport.GRPC))
          .isEqualTo(rejectedBefore + 2);
    } finally {
      channel.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void theOtelSdkWithATokenStoresItsSpans(String protocol) {
    // given a runner of tenant alpha exporting with OTEL_EXPORTER_OTLP_HEADERS' header
    String cell = "auth-" + UUID.randomUUID();
    SpanExporter exporter =
        protocol.equals("grpc")
            ? OtlpGrpcSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + collector.grpcPort())
                .addHeader("Authorization", "Bearer " + ALPHA_TOKEN)
                .build()
            : OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + collector.httpPort() + "/v1/traces")
                .addHeader("Authorization", "Bearer " + ALPHA_TOKEN)
                .build();

    // when
    emit(exporter, cell, "alpha-sweep-1");

    // then the span is in Kafka
    List<ConsumerRecord<String, byte[]>> read =
        TopicReader.readUntil(
            bootstrap,
            Topics.SPANS.name(),
            r -> r.stream().anyMatch(x -> cell.equals(x.key())),
            READ);
    assertThat(read).anyMatch(r -> cell.equals(r.key()));
  }

  @Test
  void aTenantWritesOnlyItsOwnSweepsTheRestIsRejectedInPartialSuccess() throws Exception {
    // given one span of alpha's sweep and one of beta's, sent with alpha's token
    String own = "auth-own-" + UUID.randomUUID();
    String foreign = "auth-foreign-" + UUID.randomUUID();
    String body =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
            + spanJson("alpha-2", own, "00000000000000a1")
            + ","
            + spanJson("beta-2", foreign, "00000000000000a2")
            + "]}]}]}";

    // when
    HttpResponse<String> answer = postJson(collector, "/v1/traces", body, "Bearer " + ALPHA_TOKEN);

    // then 200, the foreign span named in partial success, the own one stored
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode partial = JSON.readTree(answer.body()).path("partialSuccess");
    assertThat(partial.path("rejectedSpans").asText()).isEqualTo("1");
    assertThat(partial.path("errorMessage").asText())
        .contains("sweep 'beta-2'")
        .contains("may only write sweeps starting with 'alpha-'");
    List<ConsumerRecord<String, byte[]>> read =
        TopicReader.readUntil(
            bootstrap,
            Topics.SPANS.name(),
            r -> r.stream().anyMatch(x -> own.equals(x.key())),
            READ);
    assertThat(read).noneMatch(r -> foreign.equals(r.key()));
  }

  @Test
  void aTenantOverItsRequestRateGets429WithRetryAfterWhileOthersGoOn() throws Exception {
    // given a collector allowing one request per 50 s and tenant (slow machines stay under it)
    try (CollectorService limited =
        CollectorService.start(settings(Map.of(AuthSettings.REQUESTS_PER_SECOND, "0.02")))) {
      String alpha = "Bearer " + ALPHA_TOKEN;
      // when alpha sends twice at once
      HttpResponse<String> first = postJson(limited, "/v1/logs", "{}", alpha);
      HttpResponse<String> second = postJson(limited, "/v1/logs", "{}", alpha);
      // then the second waits, with a reason and Retry-After
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(JSON.readTree(second.body()).path("message").asText())
          .isEqualTo("tenant 'alpha' is over its request rate: retry later");
      assertThat(second.headers().firstValue("Retry-After").map(Long::parseLong))
          .hasValueSatisfying(s -> assertThat(s).isBetween(1L, 50L));
      // and beta is not held back by alpha
      assertThat(postJson(limited, "/v1/logs", "{}", "Bearer " + BETA_TOKEN).statusCode())
          .isEqualTo(200);
      // over gRPC too
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", limited.grpcPort()).usePlaintext().build();
      try {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), alpha);
        assertThatThrownBy(
                () ->
                    TraceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                        .export(ExportTraceServiceRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                  assertThat(e.getStatus().getDescription()).contains("tenant 'alpha'");
                });
        // both refusals counted for alpha, none for beta
        assertThat(limited.metrics().tenantLimitedCount("alpha", "requests")).isEqualTo(2);
        assertThat(limited.metrics().tenantLimitedCount("beta", "requests")).isZero();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void servesTlsWhenAKeystoreIsConfigured() throws Exception {
    // given a self-signed certificate for 127.0.0.1 in a PKCS#12 keystore
    Path keystore = dir.resolve("collector.p12");
    Path certPem = dir.resolve("collector.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "cab",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "cab",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        certPem.toString());
    byte[] trusted = Files.readAllBytes(certPem);
    try (CollectorService tls =
        CollectorService.start(
            settings(
                Map.of(
                    AuthSettings.TLS_KEYSTORE,
                    keystore.toString(),
                    AuthSettings.TLS_KEYSTORE_PASSWORD,
                    "changeit")))) {
      // when the OTel SDK exports over https and gRPC with TLS, trusting that certificate
      String httpsCell = "auth-tls-http-" + UUID.randomUUID();
      String grpcCell = "auth-tls-grpc-" + UUID.randomUUID();
      emit(
          OtlpHttpSpanExporter.builder()
              .setEndpoint("https://127.0.0.1:" + tls.httpPort() + "/v1/traces")
              .setTrustedCertificates(trusted)
              .addHeader("Authorization", "Bearer " + ALPHA_TOKEN)
              // a TLS handshake on a loaded 2-core machine can outlast the default 10 s
              .setTimeout(Duration.ofSeconds(40))
              .build(),
          httpsCell,
          "alpha-tls");
      emit(
          OtlpGrpcSpanExporter.builder()
              .setEndpoint("https://127.0.0.1:" + tls.grpcPort())
              .setTrustedCertificates(trusted)
              .addHeader("Authorization", "Bearer " + ALPHA_TOKEN)
              .setTimeout(Duration.ofSeconds(40))
              .build(),
          grpcCell,
          "alpha-tls");

      // then both spans are stored
      TopicReader.readUntil(
          bootstrap,
          Topics.SPANS.name(),
          r ->
              r.stream().anyMatch(x -> httpsCell.equals(x.key()))
                  && r.stream().anyMatch(x -> grpcCell.equals(x.key())),
          READ);
      // and plain HTTP is not served on the TLS port
      assertThatThrownBy(() -> postJson(tls, "/v1/traces", "{}", "Bearer " + ALPHA_TOKEN))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void emit(SpanExporter exporter, String cell, String sweep) {
    try (SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(Attributes.builder().put("service.name", "auth-it").build()))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      tracing
          .get("auth-it")
          .spanBuilder("tool")
          .setAttribute("cab.cell.id", cell)
          .setAttribute("cab.sweep.id", sweep)
          .setAttribute("cab.span.kind", "tool_call")
          .startSpan()
          .end();
      assertThat(tracing.forceFlush().join(60, TimeUnit.SECONDS).isSuccess())
          .as("export of %s", cell)
          .isTrue();
    }
  }

  private static void keytool(String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool: %s", out).isZero();
  }

  private static String span(String sweep, String cell) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
        + spanJson(sweep, cell, "00000000000000b1")
        + "]}]}]}";
  }

  private static String spanJson(String sweep, String cell, String spanId) {
    return ("{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"%s\",\"name\":\"t\","
            + "\"startTimeUnixNano\":\"1750000000000000000\",\"endTimeUnixNano\":\"1750000001000000000\","
            + "\"attributes\":[{\"key\":\"cab.cell.id\",\"value\":{\"stringValue\":\"%s\"}},"
            + "{\"key\":\"cab.sweep.id\",\"value\":{\"stringValue\":\"%s\"}},"
            + "{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"tool_call\"}}]}")
        .formatted(spanId, cell, sweep);
  }

  private static HttpResponse<String> postJson(
      CollectorService target, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.httpPort() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
