package dev.cab.runner;

/**
 * What a bounded {@link CabTelemetry#flush} or {@link CabTelemetry#close} achieved. Counts are
 * cumulative since the telemetry was created: spans are counted when they end, scorer events when
 * they are emitted, and both when the exporter reports the batch that carried them.
 *
 * @param completedInTime whether the SDK finished flushing before the deadline
 * @param spansEnded spans ended so far
 * @param spansExported spans the exporter acknowledged
 * @param spansFailed spans whose export failed for good (after the exporter's retries)
 * @param eventsEmitted scorer events (log records) emitted so far
 * @param eventsExported log records the exporter acknowledged
 * @param eventsFailed log records whose export failed for good
 */
public record FlushResult(
    boolean completedInTime,
    long spansEnded,
    long spansExported,
    long spansFailed,
    long eventsEmitted,
    long eventsExported,
    long eventsFailed) {

  /** Spans neither acknowledged nor failed: still queued, in flight, or dropped by a full queue. */
  public long spansUnconfirmed() {
    return Math.max(0, spansEnded - spansExported - spansFailed);
  }

  /** Scorer events neither acknowledged nor failed. */
  public long eventsUnconfirmed() {
    return Math.max(0, eventsEmitted - eventsExported - eventsFailed);
  }

  /** True when everything emitted so far was exported, in time, with no failures. */
  public boolean allExported() {
    return completedInTime
        && spansFailed == 0
        && eventsFailed == 0
        && spansUnconfirmed() == 0
        && eventsUnconfirmed() == 0;
  }
}
