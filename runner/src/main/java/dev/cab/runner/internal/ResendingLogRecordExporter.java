package dev.cab.runner.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The OTLP log record exporter (scorer events) with {@link Resender}'s time-bounded resends on top.
 * Not API.
 */
public final class ResendingLogRecordExporter implements LogRecordExporter {
  private final LogRecordExporter delegate;
  private final Resender<LogRecordData> resender;

  public ResendingLogRecordExporter(LogRecordExporter delegate, Duration resendFor) {
    this.delegate = delegate;
    this.resender = new Resender<>(delegate::export, resendFor, "scorer events");
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> events) {
    return resender.export(events);
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofAll(List.of(resender.inFlight(), delegate.flush()));
  }

  @Override
  public CompletableResultCode shutdown() {
    return resender.shutdown(delegate::shutdown);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
