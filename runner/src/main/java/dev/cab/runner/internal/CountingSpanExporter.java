package dev.cab.runner.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** Passes spans to the real exporter and counts the outcome of every batch. Not API. */
public final class CountingSpanExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final ExportCounters counters;

  public CountingSpanExporter(SpanExporter delegate, ExportCounters counters) {
    this.delegate = delegate;
    this.counters = counters;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return counters.track(spans.size(), () -> delegate.export(spans));
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
