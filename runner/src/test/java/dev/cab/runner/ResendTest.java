package dev.cab.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's resends on top of the OTLP exporter, against a real HTTP endpoint that answers 503
 * (what the collector answers while Kafka is down) for a while. The exporter's own retries are
 * turned off ({@code otel.java.exporter.otlp.retry.disabled}), so every failed request is one the
 * resend made.
 */
class ResendTest {
  private static final CellIdentity IDENTITY =
      CellIdentity.of("sweep-1", "aider", "meta/llama-3.3-70b-instruct", "mutations/x");

  private HttpServer server;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  @BeforeEach
  void startEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          requests
              .computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger())
              .incrementAndGet();
          boolean fail = failuresLeft.getAndDecrement() > 0;
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          // An empty Export*ServiceResponse is a full success.
          exchange.sendResponseHeaders(fail ? 503 : 200, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopEndpoint() {
    server.stop(0);
  }

  private CabTelemetry telemetry(Duration resendFor) {
    return CabTelemetry.create(
        CabTelemetryOptions.builder()
            .endpoint("http://127.0.0.1:" + server.getAddress().getPort())
            .resendFor(resendFor)
            .property("otel.java.exporter.otlp.retry.disabled", "true")
            .build());
  }

  private static void emitOneCell(CabTelemetry telemetry) {
    Cell cell = telemetry.startCell(IDENTITY);
    cell.root().end();
    cell.score(Axis.PASS_RATE, 1, Map.of("pass", 1));
    cell.end();
  }

  private int requestsTo(String path) {
    AtomicInteger n = requests.get(path);
    return n == null ? 0 : n.get();
  }

  @Test
  void anEndpointFailingForAWhileGetsEverythingOnceItRecovers() {
    failuresLeft.set(6);
    try (CabTelemetry telemetry = telemetry(Duration.ofSeconds(60))) {
      emitOneCell(telemetry);

      FlushResult result = telemetry.flush(Duration.ofSeconds(30));

      assertThat(result.allExported()).as("%s", result).isTrue();
      assertThat(result.spansExported()).isEqualTo(1);
      assertThat(result.eventsExported()).isEqualTo(1);
      // Six 503s shared by the two signals, then one success each.
      assertThat(requestsTo("/v1/traces") + requestsTo("/v1/logs")).isEqualTo(8);
    }
  }

  @Test
  void withoutResendsAFailedExportIsCountedAsFailedAfterOneRequest() {
    failuresLeft.set(Integer.MAX_VALUE);
    try (CabTelemetry telemetry = telemetry(Duration.ZERO)) {
      emitOneCell(telemetry);

      FlushResult result = telemetry.flush(Duration.ofSeconds(10));

      assertThat(result.completedInTime()).isTrue();
      assertThat(result.spansFailed()).isEqualTo(1);
      assertThat(result.eventsFailed()).isEqualTo(1);
      assertThat(requestsTo("/v1/traces")).isEqualTo(1);
      assertThat(requestsTo("/v1/logs")).isEqualTo(1);
    }
  }

  @Test
  void resendsStopWhenTheirWindowHasPassed() {
    failuresLeft.set(Integer.MAX_VALUE);
    try (CabTelemetry telemetry = telemetry(Duration.ofSeconds(2))) {
      emitOneCell(telemetry);

      FlushResult result = telemetry.flush(Duration.ofSeconds(20));

      // Back-off 250, 500, 1000 ms: three resends fit in the window, the fourth would not.
      assertThat(result.completedInTime()).as("%s", result).isTrue();
      assertThat(result.spansFailed()).isEqualTo(1);
      assertThat(result.eventsFailed()).isEqualTo(1);
      assertThat(requestsTo("/v1/traces")).isBetween(2, 5);
    }
  }

  @Test
  void theWindowIsASettingReadLikeTheStandardVariables() {
    failuresLeft.set(Integer.MAX_VALUE);
    // CAB_EXPORT_RESEND_FOR and -Dcab.export.resend.for reach the SDK the same way.
    System.setProperty(CabTelemetryOptions.RESEND_FOR_PROPERTY, "0");
    try (CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder()
                .endpoint("http://127.0.0.1:" + server.getAddress().getPort())
                .property("otel.java.exporter.otlp.retry.disabled", "true")
                .build())) {
      emitOneCell(telemetry);

      FlushResult result = telemetry.flush(Duration.ofSeconds(10));

      assertThat(result.spansFailed()).isEqualTo(1);
      assertThat(requestsTo("/v1/traces")).isEqualTo(1);
    } finally {
      System.clearProperty(CabTelemetryOptions.RESEND_FOR_PROPERTY);
    }
  }

  @Test
  void aNegativeWindowIsRefused() {
    assertThatThrownBy(() -> CabTelemetryOptions.builder().resendFor(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resendFor must not be negative");
  }
}
