package dev.cab.runner.internal;

import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;

/**
 * A {@link SignalExporter} of log records (scorer events), as the SDK's {@link LogRecordExporter}.
 * Not API.
 */
public final class CabLogRecordExporter extends SignalExporter<LogRecordData>
    implements LogRecordExporter {
  public CabLogRecordExporter(SignalExporter<LogRecordData> core) {
    super(core);
  }

  /** The core over an SDK log record exporter, to add resends and counting to. */
  public static SignalExporter<LogRecordData> core(LogRecordExporter exporter) {
    return new SignalExporter<>(exporter::export, exporter::flush, exporter::shutdown, exporter);
  }
}
