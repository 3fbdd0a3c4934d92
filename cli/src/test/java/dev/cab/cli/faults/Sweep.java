package dev.cab.cli.faults;

import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The seeded sweep every case sends: the runner's {@link SweepSimulator} through the runner SDK
 * (OTLP/HTTP) to the collector, 4 agent CLIs x 4 models x 8 tasks = 128 cells with the simulator's
 * own delivery quirks (late, duplicated and out-of-order scorer events). The same options give the
 * same cells, ids, timestamps and scores, so every run of it must leave the same rows.
 */
public final class Sweep {
  public static final String SWEEP_ID = "faults-20261203";
  static final int CELLS = 128;

  /** When the fault is injected: after this many cells were handed to the SDK. */
  static final long FAULT_AT_CELL = 40;

  private Sweep() {}

  static SimulationOptions options() {
    return SimulationOptions.builder()
        .sweepId(SWEEP_ID)
        .seed(20261203)
        .taskCount(CELLS / 16)
        .rate(20)
        .concurrency(2)
        .sweepStart(Instant.parse("2026-12-01T08:00:00Z"))
        .flushTimeout(Duration.ofMinutes(3))
        .build();
  }

  /**
   * What a run sent.
   *
   * @param report the simulator's report
   * @param spans how spans were delivered (items, resends, deliberate duplicates)
   * @param events how scorer events were delivered
   * @param fault when the fault started and ended, or null without one
   */
  public record Result(
      SimulationReport report,
      Delivery<SpanData> spans,
      Delivery<LogRecordData> events,
      FaultWindow fault) {

    public long itemsSent() {
      return report.spansSent() + report.eventsSent();
    }

    long resent() {
      return spans.resentItems() + events.resentItems();
    }

    long duplicatedOnPurpose() {
      return spans.duplicatedItems() + events.duplicatedItems();
    }
  }

  /** When a fault was injected and when it was over (nanoTime). */
  public record FaultWindow(long startNanos, long endNanos) {
    public Duration length() {
      return Duration.ofNanos(endNanos - startNanos);
    }
  }

  /**
   * Something done to the pipeline mid-sweep; returns when the fault is over. The fault's window
   * starts when {@code inject} is called, or at {@link #faultStartsNow()} when it first waits for
   * the pipeline to reach some state (that wait is not part of the fault).
   */
  @FunctionalInterface
  public interface Fault {
    Fault NONE = () -> {};

    void inject() throws Exception;
  }

  private static final ThreadLocal<Long> FAULT_START = new ThreadLocal<>();

  /** Called by a {@link Fault} on its thread just before it breaks something. */
  static void faultStartsNow() {
    FAULT_START.set(System.nanoTime());
  }

  /**
   * Sends the sweep to {@code endpoint}, injecting {@code fault} on its own thread after {@link
   * #FAULT_AT_CELL} cells; returns once every span and event was acknowledged and the fault is
   * over.
   */
  public static Result run(String endpoint, Delivery.Policy policy, Fault fault) throws Exception {
    OtlpHttpSpanExporter otlpSpans =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(endpoint + "/v1/traces")
            .setTimeout(Duration.ofSeconds(20))
            .build();
    OtlpHttpLogRecordExporter otlpEvents =
        OtlpHttpLogRecordExporter.builder()
            .setEndpoint(endpoint + "/v1/logs")
            .setTimeout(Duration.ofSeconds(20))
            .build();
    Delivery<SpanData> spans = new Delivery<>(otlpSpans::export, policy);
    Delivery<LogRecordData> events = new Delivery<>(otlpEvents::export, policy);
    CompletableFuture<FaultWindow> faultDone = new CompletableFuture<>();
    AtomicBoolean injected = new AtomicBoolean();
    ProgressListener listener =
        (done, total) -> {
          if (done >= FAULT_AT_CELL && injected.compareAndSet(false, true)) {
            Thread.ofPlatform()
                .name("fault")
                .start(
                    () -> {
                      FAULT_START.set(System.nanoTime());
                      try {
                        fault.inject();
                        faultDone.complete(new FaultWindow(FAULT_START.get(), System.nanoTime()));
                      } catch (Throwable e) {
                        faultDone.completeExceptionally(e);
                      }
                    });
          }
        };
    try (CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder()
                .endpoint(endpoint)
                .spanExporter(new SpanSender(spans, otlpSpans))
                .logRecordExporter(new EventSender(events, otlpEvents))
                .build())) {
      SimulationReport report = new SweepSimulator(telemetry).run(options(), listener);
      FaultWindow window =
          fault == Fault.NONE ? null : faultDone.get(5, java.util.concurrent.TimeUnit.MINUTES);
      spans.awaitCopiesSent(Duration.ofMinutes(1));
      events.awaitCopiesSent(Duration.ofMinutes(1));
      if (!telemetry.awaitBacklogAtMost(0, Duration.ofMinutes(3))) {
        throw new AssertionError("the runner could not deliver everything: " + telemetry.counts());
      }
      return new Result(report, spans, events, window);
    }
  }

  private record SpanSender(Delivery<SpanData> delivery, SpanExporter otlp)
      implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return delivery.send(spans);
    }

    @Override
    public CompletableResultCode flush() {
      return otlp.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return otlp.shutdown();
    }
  }

  private record EventSender(Delivery<LogRecordData> delivery, LogRecordExporter otlp)
      implements LogRecordExporter {
    @Override
    public CompletableResultCode export(Collection<LogRecordData> events) {
      return delivery.send(events);
    }

    @Override
    public CompletableResultCode flush() {
      return otlp.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return otlp.shutdown();
    }
  }
}
