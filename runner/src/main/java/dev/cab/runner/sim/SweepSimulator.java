package dev.cab.runner.sim;

import dev.cab.runner.CabTelemetry;
import dev.cab.runner.Cell;
import dev.cab.runner.CellIdentity;
import dev.cab.runner.FlushResult;
import dev.cab.runner.SweepPlan;
import dev.cab.runner.sim.SimulationReport.InjectedRegression;
import dev.cab.runner.sim.SimulationReport.PairSummary;
import dev.cab.runner.sim.internal.CellEmitter;
import dev.cab.runner.sim.internal.CellGenerator;
import dev.cab.runner.sim.internal.Rng;
import dev.cab.runner.sim.internal.SeedCellMapper;
import dev.cab.runner.sim.internal.SimulatedCell;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulates benchmark sweeps through a {@link CabTelemetry}: realistic cells (a span tree and six
 * scorer events each, with heavy-tailed durations, token counts and infra failures) emitted
 * immediately with synthetic timestamps, plus the delivery faults a real fleet produces (late and
 * duplicated scorer events, scores before spans) and injected regressions. Used by {@code cab
 * simulate} and {@code cab demo}.
 *
 * <pre>{@code
 * try (CabTelemetry telemetry = CabTelemetry.create(CabTelemetryOptions.builder()
 *     .endpoint("http://localhost:4318").build())) {
 *   SimulationReport report = new SweepSimulator(telemetry).run(
 *       SimulationOptions.builder().seed(7).taskCount(100).rate(200)
 *           .regression(Regression.passRateDrop("aider", "openai/gpt-oss-120b", 0.4)).build(),
 *       (done, total) -> bar.update(done, total));
 * }
 * }</pre>
 *
 * <p>Promises: the same options (and sweep start) emit the same cells, ids, timestamps and scores
 * whatever the rate or concurrency (each cell draws from random streams keyed by its cell id); at
 * most {@code concurrency} cells are in flight and at most {@code rate} cells start per second; the
 * emitter holds back while the SDK's export backlog exceeds half its queue, so a slow endpoint
 * slows the run rather than losing data; every late or deferred part is sent before {@code run}
 * returns, and the final flush is bounded by {@link SimulationOptions#flushTimeout()}. A simulator
 * may run several simulations one after another; it does not close the telemetry.
 */
public final class SweepSimulator {
  /** Later cells to wait before sending the spans of an out-of-order cell. */
  private static final int OUT_OF_ORDER_DELAY_CELLS = 2;

  private final CabTelemetry telemetry;
  private final CellEmitter emitter;

  public SweepSimulator(CabTelemetry telemetry) {
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    this.emitter = new CellEmitter(telemetry);
  }

  /**
   * Runs one simulated sweep (and the seed replay first, if the options ask for it).
   *
   * @param options what to simulate
   * @param listener progress callbacks, from worker threads
   * @return what was emitted
   * @throws InterruptedException when interrupted; workers stop, nothing more is sent
   */
  public SimulationReport run(SimulationOptions options, ProgressListener listener)
      throws InterruptedException {
    Objects.requireNonNull(options, "options");
    List<SimulatedCell> seeds =
        options.replaySeeds()
            ? SeedCells.load().stream().map(SeedCellMapper::map).toList()
            : List.of();
    return new Run(options, seeds, listener).execute();
  }

  /**
   * Replays the three published seed cells exactly (identity, attributes, breakdowns, {@code
   * cab.latency_efficiency}, ids derived from the page ids, root timestamps to the microsecond).
   */
  public SimulationReport replaySeeds(ProgressListener listener) throws InterruptedException {
    SimulationOptions options =
        SimulationOptions.builder().sweepId("seed-replay").concurrency(1).noFaults().build();
    List<SimulatedCell> seeds = SeedCells.load().stream().map(SeedCellMapper::map).toList();
    return new Run(options, seeds, listener, false).execute();
  }

  /**
   * What a sweep run with these options injects into each of its cells (seed replays excluded), in
   * emission order: the same cells, draws and regressions as {@link #run}, computed without sending
   * anything.
   */
  public static List<InjectedOutcome> injectedOutcomes(SimulationOptions options) {
    List<CellIdentity> cells = plan(options);
    CellGenerator generator = new CellGenerator(options);
    long onset = (long) Math.ceil(options.regressionOnset() * cells.size());
    Instant start = options.sweepStart() != null ? options.sweepStart() : Instant.EPOCH;
    List<InjectedOutcome> outcomes = new ArrayList<>(cells.size());
    for (int i = 0; i < cells.size(); i++) {
      SimulatedCell cell = generator.generate(cells.get(i), i, start, i >= onset);
      String cause =
          cell.spans().stream()
              .filter(s -> s.kind() == dev.cab.runner.CellSpanKind.ADAPTER_RUN)
              .map(SimulatedCell.Span::errorType)
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
      SimulatedCell.Outcome o = cell.outcome();
      String outcome = o.infraFailure() ? "infra_error" : o.pass() ? "passed" : "failed";
      outcomes.add(new InjectedOutcome(cell.identity().cellId(), outcome, cause));
    }
    return outcomes;
  }

  /** The cells of a sweep in emission order: every tui × model × task, shuffled by the seed. */
  static List<CellIdentity> plan(SimulationOptions options) {
    List<CellIdentity> cells = new ArrayList<>();
    for (String tui : options.tuis()) {
      for (String model : options.models()) {
        for (String task : options.tasks()) {
          cells.add(CellIdentity.of(options.sweepId(), tui, model, task));
        }
      }
    }
    Rng order = Rng.of(options.seed(), "order:" + options.sweepId());
    for (int i = cells.size() - 1; i > 0; i--) {
      Collections.swap(cells, i, order.nextInt(i + 1));
    }
    return cells;
  }

  /** One run's state. */
  private final class Run {
    private final SimulationOptions options;
    private final List<SimulatedCell> seeds;
    private final ProgressListener listener;
    private final List<CellIdentity> plan;
    private final CellGenerator generator;
    private final Instant sweepStart;
    private final long onsetIndex;
    private final long total;

    private final AtomicLong nextIndex = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final LongAdder spans = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder infra = new LongAdder();
    private final LongAdder seedsSent = new LongAdder();
    private final AtomicLongArray pairCells;
    private final AtomicLongArray pairPasses;
    private final RegressionStats[] regressionStats;
    private final PriorityQueue<Deferred> deferred = new PriorityQueue<>();
    private final AtomicLong deferredSeq = new AtomicLong();
    private long startNanos;

    Run(SimulationOptions options, List<SimulatedCell> seeds, ProgressListener listener) {
      this(options, seeds, listener, true);
    }

    Run(
        SimulationOptions options,
        List<SimulatedCell> seeds,
        ProgressListener listener,
        boolean simulate) {
      this.options = options;
      this.seeds = seeds;
      this.listener = listener == null ? ProgressListener.NONE : listener;
      this.plan = simulate ? plan(options) : List.of();
      this.generator = new CellGenerator(options);
      this.sweepStart =
          options.sweepStart() != null
              ? options.sweepStart()
              : Instant.now()
                  .minus(generator.syntheticLength(plan.size()))
                  .truncatedTo(ChronoUnit.SECONDS);
      this.onsetIndex = (long) Math.ceil(options.regressionOnset() * plan.size());
      this.total = seeds.size() + plan.size();
      int pairs = options.tuis().size() * options.models().size();
      this.pairCells = new AtomicLongArray(pairs);
      this.pairPasses = new AtomicLongArray(pairs);
      this.regressionStats = new RegressionStats[options.regressions().size()];
      for (int i = 0; i < regressionStats.length; i++) {
        regressionStats[i] = new RegressionStats();
      }
    }

    SimulationReport execute() throws InterruptedException {
      startNanos = System.nanoTime();
      if (!plan.isEmpty()) {
        // The matrix first, so readers know every pending cell before the first one lands.
        telemetry.declareSweep(
            new SweepPlan(
                options.sweepId(),
                options.tuis(),
                options.models(),
                options.tasks(),
                options.baselineSweepId()));
      }
      int workers = (int) Math.max(1, Math.min(options.concurrency(), total));
      ExecutorService pool =
          Executors.newFixedThreadPool(
              workers,
              r -> {
                Thread t = new Thread(r, "cab-sim-worker");
                t.setDaemon(true);
                return t;
              });
      List<Future<?>> futures = new ArrayList<>();
      try {
        for (int w = 0; w < workers; w++) {
          futures.add(pool.submit(this::work));
        }
        for (Future<?> future : futures) {
          future.get();
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("simulation failed", e.getCause());
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
      if (failure.get() != null) {
        throw new IllegalStateException("simulation failed", failure.get());
      }
      drainDeferred(Long.MAX_VALUE);
      listener.onFlushing();
      FlushResult flush = telemetry.flush(options.flushTimeout());
      return report(flush);
    }

    private Void work() throws InterruptedException {
      while (failure.get() == null && !Thread.currentThread().isInterrupted()) {
        long i = nextIndex.getAndIncrement();
        if (i >= total) {
          return null;
        }
        pace(i);
        // Keep the SDK's queues at most half full: a slow endpoint slows us down, drops nothing.
        telemetry.awaitBacklogAtMost(telemetry.maxQueueSize() / 2, options.flushTimeout());
        int now = inFlight.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        try {
          if (i < seeds.size()) {
            emit(seeds.get((int) i));
            seedsSent.increment();
          } else {
            long simIndex = i - seeds.size();
            SimulatedCell cell =
                generator.generate(
                    plan.get((int) simIndex), simIndex, sweepStart, simIndex >= onsetIndex);
            emit(cell);
            record(cell, simIndex);
          }
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
          throw e;
        } finally {
          inFlight.decrementAndGet();
        }
        long done = completed.incrementAndGet();
        listener.onCellDone(done, total);
        drainDeferred(done);
      }
      return null;
    }

    private void pace(long index) throws InterruptedException {
      if (options.rate() <= 0) {
        return;
      }
      long due = startNanos + (long) (index * 1e9 / options.rate());
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
        if (Thread.interrupted()) {
          throw new InterruptedException("simulation interrupted");
        }
      }
    }

    private void emit(SimulatedCell data) {
      Cell cell = emitter.open(data);
      long due = completed.get();
      if (data.outOfOrder()) {
        outOfOrder.increment();
        emitScores(cell, data);
        defer(due + OUT_OF_ORDER_DELAY_CELLS, () -> spans.add(emitter.emitSpans(cell, data)));
      } else {
        spans.add(emitter.emitSpans(cell, data));
        emitScores(cell, data);
      }
      if (data.lateScore() >= 0) {
        late.increment();
        SimulatedCell.Score score = data.scores().get(data.lateScore());
        defer(due + data.lateDelayCells(), () -> sendScore(cell, score, data, data.lateScore()));
      }
    }

    private void emitScores(Cell cell, SimulatedCell data) {
      for (int s = 0; s < data.scores().size(); s++) {
        if (s != data.lateScore()) {
          sendScore(cell, data.scores().get(s), data, s);
        }
      }
    }

    private void sendScore(Cell cell, SimulatedCell.Score score, SimulatedCell data, int index) {
      emitter.emitScore(cell, score);
      events.increment();
      if (index == data.duplicateScore()) {
        emitter.emitScore(cell, score);
        events.increment();
        duplicates.increment();
      }
    }

    private void record(SimulatedCell cell, long simIndex) {
      SimulatedCell.Outcome outcome = cell.outcome();
      if (outcome.infraFailure()) {
        infra.increment();
      }
      int pair =
          options.tuis().indexOf(cell.identity().tui()) * options.models().size()
              + options.models().indexOf(cell.identity().model());
      pairCells.incrementAndGet(pair);
      if (outcome.pass()) {
        pairPasses.incrementAndGet(pair);
      }
      for (int r : outcome.regressions()) {
        regressionStats[r].add(outcome, simIndex);
      }
    }

    private void defer(long dueAfterCells, Runnable action) {
      synchronized (deferred) {
        deferred.add(new Deferred(dueAfterCells, deferredSeq.getAndIncrement(), action));
      }
    }

    private void drainDeferred(long done) {
      while (true) {
        Deferred next;
        synchronized (deferred) {
          next = deferred.peek();
          if (next == null || next.dueAfterCells() > done) {
            return;
          }
          deferred.poll();
        }
        next.action().run();
      }
    }

    private SimulationReport report(FlushResult flush) {
      List<PairSummary> pairs = new ArrayList<>();
      if (!plan.isEmpty()) {
        for (int t = 0; t < options.tuis().size(); t++) {
          for (int m = 0; m < options.models().size(); m++) {
            int pair = t * options.models().size() + m;
            pairs.add(
                new PairSummary(
                    options.tuis().get(t),
                    options.models().get(m),
                    pairCells.get(pair),
                    pairPasses.get(pair)));
          }
        }
      }
      List<InjectedRegression> injected = new ArrayList<>();
      for (int r = 0; r < regressionStats.length; r++) {
        injected.add(regressionStats[r].describe(options.regressions().get(r), plan.size()));
      }
      return new SimulationReport(
          plan.isEmpty() ? null : options.sweepId(),
          options.seed(),
          total,
          completed.get(),
          seedsSent.sum(),
          spans.sum(),
          events.sum(),
          duplicates.sum(),
          late.sum(),
          outOfOrder.sum(),
          infra.sum(),
          injected,
          pairs,
          peak.get(),
          Duration.ofNanos(System.nanoTime() - startNanos),
          flush);
    }
  }

  private record Deferred(long dueAfterCells, long seq, Runnable action)
      implements Comparable<Deferred> {
    @Override
    public int compareTo(Deferred o) {
      int c = Long.compare(dueAfterCells, o.dueAfterCells);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** Affected-cell statistics of one regression. */
  private static final class RegressionStats {
    private long cells;
    private long baselinePasses;
    private long passes;
    private double baselineWall;
    private double wall;
    private long baselineInfraErrors;
    private long infraErrors;
    private long firstIndex = -1;

    synchronized void add(SimulatedCell.Outcome outcome, long index) {
      cells++;
      baselinePasses += outcome.baselinePass() ? 1 : 0;
      passes += outcome.pass() ? 1 : 0;
      baselineWall += outcome.baselineWallClockMs();
      wall += outcome.wallClockMs();
      baselineInfraErrors += outcome.baselineInfraFailure() ? 1 : 0;
      infraErrors += outcome.infraFailure() ? 1 : 0;
      firstIndex = firstIndex < 0 ? index : Math.min(firstIndex, index);
    }

    synchronized InjectedRegression describe(Regression regression, long planned) {
      boolean latency = regression instanceof Regression.LatencyJump;
      String metric = latency ? "mean_wall_clock_ms" : "pass_rate";
      double baseline =
          cells == 0 ? 0 : latency ? baselineWall / cells : (double) baselinePasses / cells;
      double injected = cells == 0 ? 0 : latency ? wall / cells : (double) passes / cells;
      String description =
          String.format(
              Locale.ROOT,
              latency
                  ? "%s: mean wall clock %.0f ms -> %.0f ms over %d cells from cell %d of %d"
                  : "%s: pass rate %.2f -> %.2f over %d cells from cell %d of %d",
              regression.describe(),
              baseline,
              injected,
              cells,
              firstIndex,
              planned);
      if (latency && infraErrors != baselineInfraErrors) {
        // a longer wall clock pushes cells past the harness timeout: the pipeline rightly counts
        // them as infra errors, so an infra-rate alert on the same cells is explained, not false.
        // Only a latency jump says so: the counts are over every regression a cell got, and only
        // a longer wall clock adds infra errors.
        description +=
            String.format(
                Locale.ROOT,
                "; infra errors %d -> %d of those cells (%d more killed at the harness timeout)",
                baselineInfraErrors,
                infraErrors,
                infraErrors - baselineInfraErrors);
      }
      return new InjectedRegression(
          regression,
          description,
          cells,
          firstIndex,
          metric,
          baseline,
          injected,
          baselineInfraErrors,
          infraErrors);
    }
  }
}
