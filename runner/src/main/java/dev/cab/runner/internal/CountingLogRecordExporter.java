package dev.cab.runner.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;

/** Passes log records to the real exporter and counts the outcome of every batch. Not API. */
public final class CountingLogRecordExporter implements LogRecordExporter {
  private final LogRecordExporter delegate;
  private final ExportCounters counters;

  public CountingLogRecordExporter(LogRecordExporter delegate, ExportCounters counters) {
    this.delegate = delegate;
    this.counters = counters;
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    return counters.track(logs.size(), () -> delegate.export(logs));
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
