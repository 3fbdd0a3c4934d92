package dev.cab.sink.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one sink: written by the consumer thread, read from any thread through {@link
 * #snapshot()}. Everything dropped or dead-lettered is counted here. Every counter is also a
 * Micrometer meter of the stage's registry ({@code cab_sink_*} on the management port), plus two
 * histograms: how long a batch flush takes and how old its oldest record is when it commits.
 */
public final class SinkMetrics {
  private final MeterRegistry registry;
  private final Timer flushTime;
  private final Timer batchAge;

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

  /** Counters in a registry of their own (tests). */
  public SinkMetrics() {
    this(new SimpleMeterRegistry());
  }

  /** Counters that are also meters of {@code registry}. */
  public SinkMetrics(MeterRegistry registry) {
    this.registry = registry;
    count("cab.sink.records.consumed", "Records polled from Kafka.", recordsConsumed);
    count("cab.sink.tombstones.skipped", "Null-valued records skipped.", tombstonesSkipped);
    count("cab.sink.batches", "Flushes that ended with a commit.", batches);
    count("cab.sink.inserts", "INSERT requests ClickHouse accepted.", inserts);
    count("cab.sink.insert.retries", "INSERT attempts retried after a retriable error.", retries);
    count("cab.sink.batch.splits", "Batch splits done to isolate rejected rows.", splits);
    count("cab.sink.commits", "Offset commits.", commits);
    Gauge.builder("cab.sink.consumer.lag", lag, AtomicLong::get)
        .description("Records behind the log end over the assigned partitions (-1: unknown).")
        .baseUnit("records")
        .register(registry);
    flushTime =
        Timer.builder("cab.sink.batch.flush")
            .description("Time to insert a batch into every table and commit its offsets.")
            .publishPercentileHistogram()
            .register(registry);
    batchAge =
        Timer.builder("cab.sink.batch.age")
            .description("Age of a batch's oldest record when the batch commits (freshness).")
            .publishPercentileHistogram()
            .register(registry);
  }

  private void count(String name, String description, LongAdder adder) {
    FunctionCounter.builder(name, adder, LongAdder::sum)
        .description(description)
        .register(registry);
  }

  private LongAdder tagged(
      Map<String, LongAdder> map, String key, String name, String tag, String description) {
    return map.computeIfAbsent(
        key,
        k -> {
          LongAdder adder = new LongAdder();
          FunctionCounter.builder(name, adder, LongAdder::sum)
              .description(description)
              .tag(tag, k)
              .register(registry);
          return adder;
        });
  }

  public void consumed(int n) {
    recordsConsumed.add(n);
  }

  public void tombstoneSkipped() {
    tombstonesSkipped.increment();
  }

  public void rowsWritten(String table, int n) {
    tagged(rowsWritten, table, "cab.sink.rows.inserted", "table", "Rows ClickHouse accepted.")
        .add(n);
    inserts.increment();
  }

  public void deadLettered(String topic) {
    tagged(
            deadLettered,
            topic,
            "cab.sink.dead.lettered",
            "topic",
            "Records sent to the dead-letter topic, by source topic.")
        .increment();
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

  /**
   * Times one batch.
   *
   * @param flush from the start of the flush to its commit
   * @param age from when the oldest record of the batch was buffered to the commit
   */
  public void batchTimes(Duration flush, Duration age) {
    flushTime.record(flush);
    batchAge.record(age);
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
