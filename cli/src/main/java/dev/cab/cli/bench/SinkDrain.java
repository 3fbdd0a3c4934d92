package dev.cab.cli.bench;

import dev.cab.cli.stack.LocalStack;
import dev.cab.sink.SinkService;
import dev.cab.sink.metrics.SinkMetrics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * (f) the sink's own capacity: a second sink, started when the pipeline's topics already hold
 * everything (c) and (d) sent, drains them from the start into a database of its own; its rows per
 * second until drained are compared with (b), the raw bulk insert of the same tables.
 *
 * <p>Why a fresh consumer group and a fresh database rather than the stack's tables: every record
 * is read once from offset 0 (the group has no commits), nothing upstream runs meanwhile (the
 * collector and streams are idle, their output is on the topics), and the rows written are counted
 * exactly (the sink's own count of rows ClickHouse acknowledged, in tables no other writer
 * touches). Writing into the stack's tables would collapse only at merge time (the drain's batches,
 * hence its deduplication tokens, differ from the stack sink's), and would mix both writers. The
 * database gets the same migrations as the stack's (the sink applies them on start, before the
 * clock starts).
 *
 * <p>The clock runs from the moment the sink's consumer starts (after the migrations) until its
 * last flush with the lag at zero: it includes joining the group and the first fetches, as a
 * restarted sink with a backlog pays them.
 */
final class SinkDrain {

  /** The drain sink's consumer group. */
  static final String GROUP = "cab-bench-drain";

  /** The drain sink's database (dropped after the phase). */
  static final String DATABASE = "cab_bench_drain";

  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /** No new row for this long with the lag at zero: drained. */
  private static final Duration SETTLED = Duration.ofSeconds(2);

  /**
   * @param seconds from the consumer's start until its last flush
   * @param rows rows written per table ({@code cells}, {@code spans}, {@code score_events})
   * @param rowsPerSecond the three tables' rows / seconds
   * @param recordsConsumed records the sink read (every topic it reads)
   * @param deadLettered records it dead-lettered
   * @param inserts INSERT requests it sent
   * @param cpuSeconds CPU seconds per stage and process over the drain ({@link CpuMeter})
   * @param drained the lag reached zero and nothing more was written
   * @param phaseSeconds the whole phase: from the consumer's start until drained (or given up)
   * @param gcPauseSeconds the time the stages' JVM (where the drain sink runs) stood still in
   *     garbage-collection pauses during the phase
   */
  record Figures(
      double seconds,
      Map<String, Long> rows,
      double rowsPerSecond,
      long recordsConsumed,
      long deadLettered,
      long inserts,
      Map<String, Double> cpuSeconds,
      boolean drained,
      double phaseSeconds,
      double gcPauseSeconds) {

    long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Rows per INSERT request. */
    double rowsPerInsert() {
      return inserts == 0 ? 0 : totalRows() / (double) inserts;
    }
  }

  private SinkDrain() {}

  /**
   * Seconds this JVM has stood still in garbage-collection pauses so far: the collection time its
   * collectors report (G1: young and mixed pauses, full collections, and the remark and cleanup
   * pauses of its concurrent cycles).
   */
  static double gcPauseSeconds() {
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      millis += Math.max(0, gc.getCollectionTime());
    }
    return millis / 1e3;
  }

  static Figures run(
      LocalStack stack, Map<String, Long> children, List<String> tables, Consumer<String> progress)
      throws InterruptedException {
    CpuMeter cpu = new CpuMeter(children);
    try (SinkService sink = stack.startSink(DATABASE, GROUP)) {
      cpu.start();
      long t0 = System.nanoTime();
      double gcBefore = gcPauseSeconds();
      Instant started = Instant.now();
      long deadline = t0 + TIMEOUT.toNanos();
      long lastTotal = -1;
      long lastChange = t0;
      long nextReport = t0 + Duration.ofSeconds(10).toNanos();
      boolean drained = false;
      SinkMetrics.Snapshot s = sink.metrics();
      while (System.nanoTime() < deadline && sink.isRunning()) {
        Thread.sleep(100);
        s = sink.metrics();
        long total = written(s, tables);
        long now = System.nanoTime();
        if (total != lastTotal) {
          lastTotal = total;
          lastChange = now;
        } else if (s.lag() == 0 && total > 0 && now - lastChange > SETTLED.toNanos()) {
          drained = true;
          break;
        }
        if (now >= nextReport) {
          progress.accept(
              String.format(
                  Locale.ROOT,
                  "   %d s: %,d rows written, lag %,d records",
                  Duration.ofNanos(now - t0).toSeconds(),
                  total,
                  s.lag()));
          nextReport += Duration.ofSeconds(10).toNanos();
        }
      }
      cpu.stop();
      double phaseSeconds = (System.nanoTime() - t0) / 1e9;
      double gcPauses = gcPauseSeconds() - gcBefore;
      Instant last = s.lastFlush() == null ? Instant.now() : s.lastFlush();
      double seconds = Duration.between(started, last).toNanos() / 1e9;
      Map<String, Long> rows = new LinkedHashMap<>();
      for (String table : tables) {
        rows.put(table, s.rowsWritten(table));
      }
      long total = written(s, tables);
      if (!drained) {
        progress.accept(
            String.format(
                Locale.ROOT,
                "  NOT DRAINED: lag %,d records after %,d rows%s",
                s.lag(),
                total,
                sink.failure().map(e -> " (the sink failed: " + e + ")").orElse("")));
      }
      return new Figures(
          seconds,
          rows,
          total / seconds,
          s.recordsConsumed(),
          s.deadLetteredTotal(),
          s.inserts(),
          cpu.result(),
          drained,
          phaseSeconds,
          gcPauses);
    }
  }

  private static long written(SinkMetrics.Snapshot s, List<String> tables) {
    long n = 0;
    for (String t : tables) {
      n += s.rowsWritten(t);
    }
    return n;
  }
}
