package dev.cab.cli.bench;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The recorded sweep of a {@link BenchStack} replayed into its collector ({@link Replayer}) while a
 * {@link RowCounter} watches its ClickHouse tables: the phases every pipeline run is made of, (c)
 * at saturation ({@link #saturate}) and (d) at a steady rate ({@link #atRate}), each drained until
 * what it sent is in ClickHouse. Each phase replays its own range of rounds (sweep ids, {@link
 * RecordedSweep#sweepId}), so its cells are told apart from the others'. One phase at a time;
 * closing stops the replay's connections and the counter.
 */
final class Replay implements AutoCloseable {

  /** The rounds of one phase: its first round up to this many more. */
  private static final long ROUND_RANGE = 1_000_000;

  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration DRAIN_STALL = Duration.ofSeconds(20);

  /** Nothing more landed for this long with every cell complete: the phase is drained. */
  private static final Duration SETTLED = Duration.ofSeconds(2);

  /**
   * What (c) measured.
   *
   * @param complete every event and cell sent landed in ClickHouse
   */
  record Saturation(BenchReport.Pipeline pipeline, boolean complete) {}

  private final PipelineBench.Options options;
  private final RecordedSweep sweep;
  private final ClickHouseHttp clickhouse;
  private final Consumer<String> progress;
  private final Replayer replayer;
  private final RowCounter rows;

  Replay(PipelineBench.Options options, BenchStack bench, Consumer<String> progress) {
    this.options = options;
    this.sweep = bench.sweep();
    this.clickhouse = bench.clickhouse();
    this.progress = progress;
    this.replayer =
        new Replayer(sweep, bench.stack().otlpHttpEndpoint(), options.connections(), progress);
    try {
      this.rows = RowCounter.start(clickhouse, BenchStack.TABLES);
    } catch (RuntimeException e) {
      replayer.close();
      throw e;
    }
  }

  /** (c) without anything to do between the warm-up and the measured replay. */
  Saturation saturate(CpuMeter cpu, long warmupRound, long saturationRound)
      throws InterruptedException {
    return saturate(cpu, warmupRound, saturationRound, () -> {});
  }

  /**
   * (c): a drained warm-up ({@code --warmup}), then the measured replay ({@code --duration}, at
   * most {@code --backlog} events in flight) with {@code cpu} metered; {@code beforeMeasuring} runs
   * between the two (when the warm-up's work has landed and nothing is in flight).
   */
  Saturation saturate(
      CpuMeter cpu, long warmupRound, long saturationRound, Runnable beforeMeasuring)
      throws InterruptedException {
    // Warm-up (JIT, connection pools, first segments and parts), drained, not measured.
    long beforeWarmup = events(rows.pollNow());
    Replayer.Sent warm =
        replayer.closedLoop(warmupRound, options.warmup(), options.backlog(), rows::events);
    drain(
        beforeWarmup + warm.events(),
        warm.events(),
        warmupRound,
        (warm.rounds() - 1) * sweep.cells());

    beforeMeasuring.run();
    Map<String, Long> before = rows.pollNow();
    cpu.start();
    long t0 = System.nanoTime();
    Replayer.Sent sent =
        replayer.closedLoop(saturationRound, options.duration(), options.backlog(), rows::events);
    long sendingEnded = System.nanoTime();
    long expectedCells = (sent.rounds() - 1) * sweep.cells();
    boolean complete =
        drain(events(before) + sent.events(), sent.events(), saturationRound, expectedCells);
    long t1 = System.nanoTime();
    cpu.stop();
    Map<String, Long> after = rows.pollNow();

    // From the first request to the last event in ClickHouse: the backlog bound keeps the drain
    // short, and every event counted is one that landed.
    Map<String, Long> landed = new LinkedHashMap<>();
    long sinkRows = 0;
    for (String table : BenchStack.TABLES) {
      long n = after.get(table) - before.get(table);
      landed.put(table, n);
      sinkRows += n;
    }
    double seconds = (t1 - t0) / 1e9;
    double eventsPerSecond = sent.events() / seconds;
    BenchReport.Pipeline p =
        new BenchReport.Pipeline(
            (sendingEnded - t0) / 1e9,
            options.connections(),
            sent.events(),
            eventsPerSecond,
            eventsPerSecond / (sweep.events() / (double) sweep.cells()),
            sinkRows / seconds,
            landed,
            completeCells(saturationRound),
            expectedCells,
            (t1 - sendingEnded) / 1e9,
            sent.refused());
    return new Saturation(p, complete);
  }

  /**
   * (d): {@code eventsPerSecond} for {@code duration} whatever the pipeline does, then drained;
   * whether everything landed.
   */
  boolean atRate(long firstRound, Duration duration, double eventsPerSecond)
      throws InterruptedException {
    long before = rows.events();
    Replayer.Sent sent = replayer.openLoop(firstRound, duration, eventsPerSecond, rows::events);
    long expectedCells = (sent.rounds() - 1) * sweep.cells(); // the last round may be partial
    return drain(before + sent.events(), sent.events(), firstRound, expectedCells);
  }

  private static long events(Map<String, Long> counts) {
    return counts.get("spans") + counts.get("score_events");
  }

  /**
   * Waits until ClickHouse holds {@code events} spans and scorer events and the {@code cells} cells
   * of the phase are complete. False when that did not happen before nothing more landed for {@link
   * #DRAIN_STALL} (or {@link #DRAIN_TIMEOUT} passed); the shortfall is reported.
   */
  private boolean drain(long events, long sentInPhase, long firstRound, long cells)
      throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    // events the collector accepted but did not pass on (partial success) never land
    long tolerance = Math.max(10, sentInPhase / 1000);
    long seen = -1;
    long seenComplete = -1;
    long lastChange = System.nanoTime();
    long complete = 0;
    while (System.nanoTime() < deadline) {
      long now = rows.events();
      complete = completeCells(firstRound);
      if (now >= events && complete >= cells) {
        return true;
      }
      long stalled = System.nanoTime() - lastChange;
      if (now != seen || complete != seenComplete) {
        seen = now;
        seenComplete = complete;
        lastChange = System.nanoTime();
      } else if (complete >= cells && now >= events - tolerance && stalled > SETTLED.toNanos()) {
        progress.accept(
            String.format(
                Locale.ROOT,
                "  drained: every cell complete, %,d of %,d events (%,d short)",
                now,
                events,
                events - now));
        return true;
      } else if (stalled > DRAIN_STALL.toNanos()) {
        break;
      }
      Thread.sleep(200);
    }
    progress.accept(
        String.format(
            Locale.ROOT,
            "  NOT DRAINED: %,d of %,d events, %,d of %,d cells complete in ClickHouse",
            rows.events(),
            events,
            complete,
            cells));
    return false;
  }

  /** Complete cells of the phase whose rounds start at {@code firstRound}. */
  private long completeCells(long firstRound) {
    return Long.parseLong(
        clickhouse.scalar(
            "SELECT count() FROM cells FINAL WHERE status = 'complete' AND sweep_id >= '"
                + RecordedSweep.sweepId(firstRound)
                + "' AND sweep_id < '"
                + RecordedSweep.sweepId(firstRound + ROUND_RANGE)
                + "'"));
  }

  @Override
  public void close() {
    try {
      rows.close();
    } finally {
      replayer.close();
    }
  }
}
