package dev.cab.runner.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** The OTLP span exporter with {@link Resender}'s time-bounded resends on top. Not API. */
public final class ResendingSpanExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final Resender<SpanData> resender;

  public ResendingSpanExporter(SpanExporter delegate, Duration resendFor) {
    this.delegate = delegate;
    this.resender = new Resender<>(delegate::export, resendFor, "spans");
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return resender.export(spans);
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
