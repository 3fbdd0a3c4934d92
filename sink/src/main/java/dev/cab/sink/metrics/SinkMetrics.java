package dev.cab.sink.metrics;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one sink: written by the consumer thread, read from any thread through {@link
 * #snapshot()}. Everything dropped or dead-lettered is counted here.
 */
public final class SinkMetrics {
  private final Map<String, LongAdder> rowsWritten = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLettered = new ConcurrentHashMap<>();
  private final LongAdder recordsConsumed = new LongAdder();
  private final LongAdder tombstonesSkipped = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder inserts = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder splits = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final AtomicReference<Instant> lastFlush = new AtomicReference<>();
  private final AtomicLong lag = new AtomicLong(-1);

  public void consumed(int n) {
    recordsConsumed.add(n);
  }

  public void tombstoneSkipped() {
    tombstonesSkipped.increment();
  }

  public void rowsWritten(String table, int n) {
    rowsWritten.computeIfAbsent(table, k -> new LongAdder()).add(n);
    inserts.increment();
  }

  public void deadLettered(String topic) {
    deadLettered.computeIfAbsent(topic, k -> new LongAdder()).increment();
  }

  public void retry() {
    retries.increment();
  }

  public void split() {
    splits.increment();
  }

  public void flushed(Instant at) {
    batches.increment();
    lastFlush.set(at);
  }

  public void committed() {
    commits.increment();
  }

  public void lag(long records) {
    lag.set(records);
  }

  /** A consistent-enough copy of every counter (each counter is read once). */
  public Snapshot snapshot() {
    return new Snapshot(
        sums(rowsWritten),
        sums(deadLettered),
        recordsConsumed.sum(),
        tombstonesSkipped.sum(),
        batches.sum(),
        inserts.sum(),
        retries.sum(),
        splits.sum(),
        commits.sum(),
        lastFlush.get(),
        lag.get());
  }

  private static Map<String, Long> sums(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return Map.copyOf(out);
  }

  /**
   * The counters at one moment.
   *
   * @param rowsWritten rows ClickHouse accepted, per table
   * @param deadLettered records sent to {@code cab.dlq.v1}, per source topic
   * @param recordsConsumed records polled from Kafka
   * @param tombstonesSkipped null-valued records skipped (nothing to write, nothing wrong)
   * @param batches flushes that ended with a commit
   * @param inserts INSERT requests ClickHouse accepted
   * @param retries retried INSERT attempts after a retriable error
   * @param splits batch splits done to isolate rows ClickHouse rejected
   * @param commits offset commits
   * @param lastFlush when the last flush ended, or null before the first
   * @param lag records behind the log end over the assigned partitions, or -1 when unknown
   */
  public record Snapshot(
      Map<String, Long> rowsWritten,
      Map<String, Long> deadLettered,
      long recordsConsumed,
      long tombstonesSkipped,
      long batches,
      long inserts,
      long retries,
      long splits,
      long commits,
      Instant lastFlush,
      long lag) {

    /** Rows written to one table. */
    public long rowsWritten(String table) {
      return rowsWritten.getOrDefault(table, 0L);
    }

    /** Records dead-lettered from one topic. */
    public long deadLettered(String topic) {
      return deadLettered.getOrDefault(topic, 0L);
    }

    /** Records dead-lettered from every topic. */
    public long deadLetteredTotal() {
      return deadLettered.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
