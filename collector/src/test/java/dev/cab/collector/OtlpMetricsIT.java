package dev.cab.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.collector.auth.AuthSettings;
import dev.cab.collector.auth.TenantTokens;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.metrics.CollectorMetrics.Total;
import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A stock OpenTelemetry SDK exports metrics by default: against a real collector (on the embedded
 * Kafka broker) its OTLP metric exporters, over HTTP and gRPC, with and without gzip, see success,
 * and the collector counts the data points it accepted without storing them. The metrics doors are
 * the traces' doors: a bearer token is required once tokens are configured.
 */
@ExtendWith(KafkaExtension.class)
class OtlpMetricsIT {
  private static final String TOKEN = "metrics-" + UUID.randomUUID();

  @TempDir static Path dir;
  static CollectorService collector;

  @BeforeAll
  static void start(KafkaTestBroker kafka) throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "runners " + TenantTokens.sha256Hex(TOKEN) + " *\n");
    collector =
        CollectorService.start(
            CollectorSettings.of(
                Map.of(
                    CollectorSettings.KAFKA_BOOTSTRAP,
                    kafka.bootstrapServers(),
                    CollectorSettings.HTTP_PORT,
                    "0",
                    CollectorSettings.GRPC_PORT,
                    "0",
                    AuthSettings.TOKENS_FILE,
                    tokens.toString())));
  }

  @AfterAll
  static void stop() {
    if (collector != null) {
      collector.close();
    }
  }

  @ParameterizedTest(name = "{0}, compression {1}")
  @CsvSource({"http, none", "http, gzip", "grpc, none", "grpc, gzip"})
  void aStockSdkExportsMetricsWithoutErrorsAndTheCollectorCountsThePoints(
      String protocol, String compression) {
    // given an SDK meter provider exporting through the stock OTLP exporter
    MetricExporter exporter =
        protocol.equals("grpc")
            ? OtlpGrpcMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + collector.grpcPort())
                .addHeader("Authorization", "Bearer " + TOKEN)
                .setCompression(compression)
                .build()
            : OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + collector.httpPort() + "/v1/metrics")
                .addHeader("Authorization", "Bearer " + TOKEN)
                .setCompression(compression)
                .build();
    long before = collector.metrics().count(Total.METRIC_POINTS_ACCEPTED);
    long okBefore = requests(protocol);
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .build();
    try {
      Meter meter = provider.get("cab.metrics.it");
      LongCounter counter = meter.counterBuilder("cab.it.runs").build();
      AttributeKey<String> agent = AttributeKey.stringKey("agent");
      counter.add(3, Attributes.of(agent, "aider"));
      counter.add(1, Attributes.of(agent, "pi"));
      meter.histogramBuilder("cab.it.latency").build().record(12.5);

      // when the SDK exports
      CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);

      // then no export error, and three points (two counter series, one histogram) counted
      assertThat(flushed.isSuccess()).as("export succeeded").isTrue();
      assertThat(collector.metrics().count(Total.METRIC_POINTS_ACCEPTED) - before).isEqualTo(3);
      assertThat(requests(protocol)).isEqualTo(okBefore + 1);
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void metricsWithoutABearerTokenAreRefusedLikeTraces() throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + collector.httpPort() + "/v1/metrics"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body()).contains("missing bearer token");
  }

  private static long requests(String protocol) {
    return protocol.equals("grpc")
        ? collector.metrics().requests(CollectorMetrics.Transport.GRPC, "OK")
        : collector.metrics().requests(CollectorMetrics.Transport.HTTP, "200");
  }
}
