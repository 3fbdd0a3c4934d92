package dev.cab.runner.internal;

import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** A {@link SignalExporter} of spans, as the SDK's {@link SpanExporter}. Not API. */
public final class CabSpanExporter extends SignalExporter<SpanData> implements SpanExporter {
  public CabSpanExporter(SignalExporter<SpanData> core) {
    super(core);
  }

  /** The core over an SDK span exporter, to add resends and counting to. */
  public static SignalExporter<SpanData> core(SpanExporter exporter) {
    return new SignalExporter<>(exporter::export, exporter::flush, exporter::shutdown, exporter);
  }
}
