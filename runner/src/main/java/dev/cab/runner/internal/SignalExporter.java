package dev.cab.runner.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the runner's span and log record exporters do, whatever the signal: export a batch, flush
 * and shut down the exporter below, with {@link Resender}'s time-bounded resends ({@link
 * #resending}) and {@link ExportCounters}' counting ({@link #counting}) layered on top. {@link
 * CabSpanExporter} and {@link CabLogRecordExporter} only adapt it to the SDK's two interfaces, the
 * way OpenTelemetry's OTLP span and log exporters share one {@code HttpExporter}. Immutable: each
 * layer is a new instance; thread-safe if the exporter below is. Not API.
 *
 * @param <T> the item exported: a span or a log record
 */
public class SignalExporter<T> {
  private final Function<Collection<T>, CompletableResultCode> export;
  private final Supplier<CompletableResultCode> flush;
  private final Supplier<CompletableResultCode> shutdown;
  private final Object exporter;

  /**
   * @param export one export of the exporter below
   * @param flush its flush
   * @param shutdown its shutdown
   * @param exporter the exporter below, whose {@code toString} this one reports
   */
  public SignalExporter(
      Function<Collection<T>, CompletableResultCode> export,
      Supplier<CompletableResultCode> flush,
      Supplier<CompletableResultCode> shutdown,
      Object exporter) {
    this.export = export;
    this.flush = flush;
    this.shutdown = shutdown;
    this.exporter = exporter;
  }

  /** The same exporter, for a subclass that names the signal's SDK interface. */
  protected SignalExporter(SignalExporter<T> core) {
    this(core.export, core.flush, core.shutdown, core.exporter);
  }

  /** This exporter with every batch's outcome counted in {@code counters}. */
  public SignalExporter<T> counting(ExportCounters counters) {
    return new SignalExporter<>(
        batch -> counters.track(batch.size(), () -> export.apply(batch)),
        flush,
        shutdown,
        exporter);
  }

  /**
   * This exporter with a failed batch sent again until it is acknowledged or {@code resendFor} has
   * passed; flush and shutdown wait for the batches in flight.
   *
   * @param signal {@code spans} or {@code scorer events}, for the log line
   */
  public SignalExporter<T> resending(Duration resendFor, String signal) {
    Resender<T> resender = new Resender<>(export, resendFor, signal);
    return new SignalExporter<>(
        resender::export,
        () -> CompletableResultCode.ofAll(List.of(resender.inFlight(), flush.get())),
        () -> resender.shutdown(shutdown),
        exporter);
  }

  public CompletableResultCode export(Collection<T> batch) {
    return export.apply(batch);
  }

  public CompletableResultCode flush() {
    return flush.get();
  }

  public CompletableResultCode shutdown() {
    return shutdown.get();
  }

  /** The exporter below's, as the SDK's own wrappers report it. */
  @Override
  public String toString() {
    return exporter.toString();
  }
}
