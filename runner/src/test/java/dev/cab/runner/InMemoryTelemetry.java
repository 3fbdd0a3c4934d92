package dev.cab.runner;

import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;

/**
 * A {@link CabTelemetry} whose batch processors export to OpenTelemetry's own in-memory exporters:
 * the real SDK pipeline up to the exporter, minus the network.
 */
public final class InMemoryTelemetry implements AutoCloseable {
  public final InMemorySpanExporter spans = InMemorySpanExporter.create();
  public final InMemoryLogRecordExporter events = InMemoryLogRecordExporter.create();
  public final CabTelemetry telemetry;

  public InMemoryTelemetry() {
    this(CabTelemetryOptions.builder());
  }

  public InMemoryTelemetry(CabTelemetryOptions.Builder options) {
    telemetry = CabTelemetry.create(options.spanExporter(spans).logRecordExporter(events).build());
  }

  /** Flushes and returns every finished span so far. */
  public List<SpanData> spans() {
    FlushResult result = telemetry.flush(Duration.ofSeconds(10));
    if (!result.allExported()) {
      throw new AssertionError("flush incomplete: " + result);
    }
    return spans.getFinishedSpanItems();
  }

  /** Flushes and returns every emitted scorer event so far (sweep plans left out). */
  public List<LogRecordData> events() {
    return logRecords().stream()
        .filter(r -> !CabAttributes.SWEEP_PLAN_EVENT_NAME.equals(r.getEventName()))
        .toList();
  }

  /** Flushes and returns every declared sweep plan so far. */
  public List<LogRecordData> plans() {
    return logRecords().stream()
        .filter(r -> CabAttributes.SWEEP_PLAN_EVENT_NAME.equals(r.getEventName()))
        .toList();
  }

  private List<LogRecordData> logRecords() {
    FlushResult result = telemetry.flush(Duration.ofSeconds(10));
    if (!result.allExported()) {
      throw new AssertionError("flush incomplete: " + result);
    }
    return events.getFinishedLogRecordItems();
  }

  @Override
  public void close() {
    telemetry.close(Duration.ofSeconds(10));
  }
}
