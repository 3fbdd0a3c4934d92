package dev.cab.cli.bench;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import dev.cab.cli.stack.LocalStack;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.topic.Topics;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SweepSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one-run benchmark behind {@code cab bench}. On a fresh {@link LocalStack} (the {@code cab up}
 * defaults, data in a temporary directory deleted at the end, see {@link ScratchDirectory}):
 *
 * <ol>
 *   <li>records one simulated sweep as the runner SDK sends it (OTLP/HTTP protobuf, no faults) into
 *       memory ({@link RecordedSweep}), not through the stack;
 *   <li>(c) after a warm-up (JIT, pools; drained, not measured), replays it as new sweeps over
 *       keep-alive connections for {@code duration}, keeping a bounded backlog, and divides the
 *       events sent by the time from the first request until the last of them was in ClickHouse;
 *       CPU per stage is metered over the same time;
 *   <li>(d) replays at half that rate for {@code freshnessDuration} and reads freshness from the
 *       {@code cells} rows (ClickHouse's {@code inserted_at} minus the completing event's Kafka
 *       timestamp);
 *   <li>(f) starts a second sink (its own consumer group and database) that drains every topic from
 *       the start, while nothing else runs: the sink's own capacity ({@link SinkDrain});
 *   <li>(b) re-inserts the rows the pipeline wrote, as bulk RowBinary over HTTP and by {@code
 *       INSERT ... SELECT} ({@link RawClickHouse});
 *   <li>(a) runs ProducerPerformance with record values sampled from our topics ({@link RawKafka}),
 *       on the same broker.
 * </ol>
 *
 * The raw limits run last so that nothing of theirs is in the pipeline's CPU and RSS figures except
 * the brokers' own peak RSS, which is read at the very end.
 */
public final class PipelineBench {

  private static final long WARMUP_ROUND = 0;
  private static final long SATURATION_ROUND = 1_000_000;
  private static final long FRESHNESS_ROUND = 2_000_000;
  private static final long SCALE_WARMUP_ROUND = 3_000_000;
  private static final long SCALE_SATURATION_ROUND = 4_000_000;

  /** The rounds of one phase: its first round up to this many more. */
  private static final long ROUND_RANGE = 1_000_000;

  /** How often each query of {@code --scale} is timed. */
  private static final int QUERY_RUNS = 5;

  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration DRAIN_STALL = Duration.ofSeconds(20);

  /** Nothing more landed for this long with every cell complete: the phase is drained. */
  private static final Duration SETTLED = Duration.ofSeconds(2);

  static final List<String> TABLES = List.of("cells", "spans", "score_events");

  /** What to run; see the options of {@code cab bench}. */
  public record Options(
      Duration warmup,
      Duration duration,
      Duration freshnessDuration,
      int connections,
      int sweepTasks,
      long backlog,
      long kafkaRecords,
      long clickhouseRows,
      long scaleCells,
      int scaleCellsPerSweep,
      int instances,
      long restoreCells,
      long scaleBigSweepCells,
      boolean keepData,
      Map<String, String> overrides) {}

  /**
   * @param table the figures as a table ({@link BenchReport}, {@link ScaleBench.Report}, {@link
   *     ScaleOutBench.Report} or {@link RestoreBench.Report})
   * @param json the same figures, to print as JSON
   * @param complete every event and cell sent landed in ClickHouse
   */
  public record Result(String table, Object json, boolean complete) {}

  private PipelineBench() {}

  public static Result run(Options o, Consumer<String> progress) throws Exception {
    String loadBefore = loadAverage();
    if (o.restoreCells() > 0) {
      return RestoreBench.run(o, loadBefore, progress);
    }
    try (ScratchDirectory scratch = ScratchDirectory.create("cab-bench", o.keepData(), progress)) {
      return run(o, scratch.path(), loadBefore, progress);
    }
  }

  /** Everything but the restore run, on a stack whose data lives in {@code dir}. */
  private static Result run(Options o, Path dir, String loadBefore, Consumer<String> progress)
      throws Exception {
    LocalStack.Options defaults = LocalStack.Options.defaults(dir);
    Map<String, String> settings = new HashMap<>(o.overrides());
    // a fresh stack beside whatever runs: every port picked free, the management port too
    settings.putIfAbsent(CommonSettings.MANAGEMENT_PORT, "0");
    // Scale-out runs on the embedded 3-node Kafka, every topic on all three.
    int kafkaNodes = o.instances() > 1 ? 3 : 1;
    if (kafkaNodes > 1) {
      settings.putIfAbsent(CommonSettings.TOPIC_REPLICATION_FACTOR, Integer.toString(kafkaNodes));
    }
    LocalStack.Options stackOptions =
        new LocalStack.Options(dir, 0, 0, 0, 0, 0, defaults.clickhouseDatabase(), settings);
    try (LocalStack stack = LocalStack.start(stackOptions, kafkaNodes, progress)) {
      ClickHouseHttp clickhouse =
          ClickHouseHttp.fromEnv()
              .withUrl(stack.clickhouseUrl())
              .withDatabase(stack.clickhouseDatabase());

      progress.accept("recording a simulated sweep (OTLP/HTTP protobuf, in memory)...");
      RecordedSweep sweep = RecordedSweep.record(sweepOptions(o.sweepTasks()), PipelineBench::send);
      BenchReport.Sweep sweepFigures =
          new BenchReport.Sweep(
              sweep.cells(), sweep.events(), sweep.bytes(), sweep.requests().size());
      progress.accept(
          String.format(
              Locale.ROOT,
              "recorded %d cells, %d events, %d requests, %,d bytes",
              sweep.cells(),
              sweep.events(),
              sweep.requests().size(),
              sweep.bytes()));

      if (o.scaleCells() > 0) {
        return scale(o, stack, clickhouse, sweep, sweepFigures, loadBefore, progress);
      }
      if (o.instances() > 1) {
        return ScaleOutBench.run(o, stack, clickhouse, sweep, sweepFigures, loadBefore, progress);
      }
      Map<String, Long> children = stack.childPids();
      CpuMeter cpu = new CpuMeter(children);
      BenchReport.Pipeline pipeline;
      BenchReport.Freshness freshness;
      boolean complete;
      try (Replayer replayer =
              new Replayer(sweep, stack.otlpHttpEndpoint(), o.connections(), progress);
          RowCounter rows = RowCounter.start(clickhouse, TABLES)) {
        progress.accept(
            String.format(
                Locale.ROOT,
                "(c) pipeline at saturation for %d s over %d connections...",
                o.duration().toSeconds(),
                o.connections()));
        Saturation s =
            saturate(
                progress,
                o,
                sweep,
                replayer,
                rows,
                cpu,
                clickhouse,
                WARMUP_ROUND,
                SATURATION_ROUND);
        pipeline = s.pipeline();
        complete = s.complete();
        double half = pipeline.eventsPerSecond() / 2;
        progress.accept(
            String.format(
                Locale.ROOT,
                "(d) freshness at half load, %,.0f events/s for %d s...",
                half,
                o.freshnessDuration().toSeconds()));
        long before = rows.events();
        Replayer.Sent sent =
            replayer.openLoop(FRESHNESS_ROUND, o.freshnessDuration(), half, rows::events);
        long expectedCells = (sent.rounds() - 1) * sweep.cells(); // the last round may be partial
        complete &=
            drain(
                rows,
                before + sent.events(),
                sent.events(),
                clickhouse,
                FRESHNESS_ROUND,
                expectedCells,
                progress);
        freshness = freshness(clickhouse, half, o.freshnessDuration());
      }

      progress.accept(
          "(f) sink capacity: a fresh sink (own group, own database) drains the topics...");
      SinkDrain.Figures sinkCapacity = SinkDrain.run(stack, children, TABLES, progress);
      complete &= sinkCapacity.drained();
      // the copy is not needed by (b) or (a): give ClickHouse its memory back
      clickhouse.scalar("DROP DATABASE IF EXISTS " + SinkDrain.DATABASE);

      progress.accept("(b) raw ClickHouse: the pipeline's rows, bulk over HTTP and in-engine...");
      Map<String, RawClickHouse.TableFigures> raw =
          new RawClickHouse(clickhouse).measure(TABLES, o.clickhouseRows(), 10_000);

      progress.accept("(a) raw Kafka: ProducerPerformance with our records...");
      Path payloads = dir.resolve("payloads.txt");
      int recordBytes =
          RawKafka.samplePayloads(
              stack.bootstrapServers(),
              List.of(Topics.SPANS.name(), Topics.SCORES.name()),
              5_000,
              payloads);
      RawKafka.Figures kafka =
          RawKafka.run(stack.kafka(), 4, o.kafkaRecords(), payloads, recordBytes);

      Map<String, Long> rss = new LinkedHashMap<>();
      rss.put("cab (collector+streams+sink)", CpuMeter.peakRssMiB(ProcessHandle.current().pid()));
      children.forEach((name, pid) -> rss.put(name, CpuMeter.peakRssMiB(pid)));
      BenchReport report =
          new BenchReport(
              Runtime.getRuntime().availableProcessors(),
              loadBefore,
              sweepFigures,
              kafka,
              raw,
              pipeline,
              freshness,
              cpu.result(),
              rss,
              sinkCapacity);
      return new Result(report.table(), report, complete);
    }
  }

  /**
   * {@code --scale N}: (c) on the empty database, N cells loaded inside ClickHouse, (c) again, then
   * the per-sweep and per-cell queries timed (see {@link ScaleBench}).
   */
  private static Result scale(
      Options o,
      LocalStack stack,
      ClickHouseHttp clickhouse,
      RecordedSweep sweep,
      BenchReport.Sweep sweepFigures,
      String loadBefore,
      Consumer<String> progress)
      throws Exception {
    CpuMeter cpu = new CpuMeter(stack.childPids());
    try (Replayer replayer =
            new Replayer(sweep, stack.otlpHttpEndpoint(), o.connections(), progress);
        RowCounter rows = RowCounter.start(clickhouse, TABLES)) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) pipeline at saturation for %d s on the empty database...",
              o.duration().toSeconds()));
      Saturation empty =
          saturate(
              progress, o, sweep, replayer, rows, cpu, clickhouse, WARMUP_ROUND, SATURATION_ROUND);
      progress.accept(
          String.format(
              Locale.ROOT,
              "loading %,d cells (with their spans and scorer events) inside ClickHouse...",
              o.scaleCells()));
      ScaleBench.Load load =
          ScaleBench.load(
              clickhouse,
              RecordedSweep.sweepId(SATURATION_ROUND),
              o.scaleCells(),
              o.scaleCellsPerSweep(),
              o.scaleBigSweepCells(),
              progress);
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) pipeline at saturation for %d s with %,d cells in ClickHouse...",
              o.duration().toSeconds(),
              load.cells()));
      Saturation loaded =
          saturate(
              progress,
              o,
              sweep,
              replayer,
              rows,
              cpu,
              clickhouse,
              SCALE_WARMUP_ROUND,
              SCALE_SATURATION_ROUND);
      boolean big = load.bigSweepCells() > 0;
      String middle = ScaleBench.sweepId((load.sweeps() - (big ? 1 : 0)) / 2);
      String cell =
          clickhouse.scalar(
              "SELECT cell_id FROM cells WHERE sweep_id = '"
                  + middle
                  + "' ORDER BY cell_id LIMIT 1");
      progress.accept("timing the per-sweep and per-cell queries on sweep " + middle + "...");
      List<ScaleBench.QueryTime> queries =
          ScaleBench.queries(
              clickhouse,
              stack.dashboardsUrl(),
              middle,
              cell,
              big ? ScaleBench.BIG_SWEEP : null,
              QUERY_RUNS);
      ScaleBench.Report report =
          new ScaleBench.Report(
              loadBefore,
              loadAverage(),
              sweepFigures,
              empty.pipeline(),
              load,
              loaded.pipeline(),
              queries);
      return new Result(report.table(), report, empty.complete() && loaded.complete());
    }
  }

  record Saturation(BenchReport.Pipeline pipeline, boolean complete) {}

  private static Saturation saturate(
      Consumer<String> progress,
      Options o,
      RecordedSweep sweep,
      Replayer replayer,
      RowCounter rows,
      CpuMeter cpu,
      ClickHouseHttp clickhouse,
      long warmupRound,
      long saturationRound)
      throws InterruptedException {
    return saturate(
        progress,
        o,
        sweep,
        replayer,
        rows,
        cpu,
        clickhouse,
        warmupRound,
        saturationRound,
        () -> {});
  }

  /**
   * (c): a drained warm-up, then the measured replay; {@code beforeMeasuring} runs between the two
   * (when the warm-up's work has landed and nothing is in flight).
   */
  static Saturation saturate(
      Consumer<String> progress,
      Options o,
      RecordedSweep sweep,
      Replayer replayer,
      RowCounter rows,
      CpuMeter cpu,
      ClickHouseHttp clickhouse,
      long warmupRound,
      long saturationRound,
      Runnable beforeMeasuring)
      throws InterruptedException {
    // Warm-up (JIT, connection pools, first segments and parts), drained, not measured.
    long beforeWarmup = events(rows.pollNow());
    Replayer.Sent warm = replayer.closedLoop(warmupRound, o.warmup(), o.backlog(), rows::events);
    drain(
        rows,
        beforeWarmup + warm.events(),
        warm.events(),
        clickhouse,
        warmupRound,
        (warm.rounds() - 1) * sweep.cells(),
        progress);

    beforeMeasuring.run();
    Map<String, Long> before = rows.pollNow();
    cpu.start();
    long t0 = System.nanoTime();
    Replayer.Sent sent =
        replayer.closedLoop(saturationRound, o.duration(), o.backlog(), rows::events);
    long sendingEnded = System.nanoTime();
    long expectedCells = (sent.rounds() - 1) * sweep.cells();
    boolean complete =
        drain(
            rows,
            events(before) + sent.events(),
            sent.events(),
            clickhouse,
            saturationRound,
            expectedCells,
            progress);
    long t1 = System.nanoTime();
    cpu.stop();
    Map<String, Long> after = rows.pollNow();

    // From the first request to the last event in ClickHouse: the backlog bound keeps the drain
    // short, and every event counted is one that landed.
    Map<String, Long> landed = new LinkedHashMap<>();
    long sinkRows = 0;
    for (String table : TABLES) {
      long n = after.get(table) - before.get(table);
      landed.put(table, n);
      sinkRows += n;
    }
    double seconds = (t1 - t0) / 1e9;
    double eventsPerSecond = sent.events() / seconds;
    long cellsComplete =
        Long.parseLong(
            clickhouse.scalar(
                "SELECT count() FROM cells FINAL WHERE status = 'complete' AND sweep_id >= '"
                    + RecordedSweep.sweepId(saturationRound)
                    + "' AND sweep_id < '"
                    + RecordedSweep.sweepId(saturationRound + ROUND_RANGE)
                    + "'"));
    BenchReport.Pipeline p =
        new BenchReport.Pipeline(
            (sendingEnded - t0) / 1e9,
            o.connections(),
            sent.events(),
            eventsPerSecond,
            eventsPerSecond / (sweep.events() / (double) sweep.cells()),
            sinkRows / seconds,
            landed,
            cellsComplete,
            expectedCells,
            (t1 - sendingEnded) / 1e9,
            sent.refused());
    return new Saturation(p, complete);
  }

  private static long events(Map<String, Long> counts) {
    return counts.get("spans") + counts.get("score_events");
  }

  /**
   * Waits until ClickHouse holds {@code events} spans and scorer events and the cells of the phase
   * are complete. False when that did not happen before nothing more landed for {@link
   * #DRAIN_STALL} (or {@link #DRAIN_TIMEOUT} passed); the shortfall is reported.
   */
  private static boolean drain(
      RowCounter rows,
      long events,
      long sentInPhase,
      ClickHouseHttp clickhouse,
      long firstRound,
      long cells,
      Consumer<String> progress)
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
      complete = completeCells(clickhouse, firstRound);
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

  private static long completeCells(ClickHouseHttp clickhouse, long firstRound) {
    return Long.parseLong(
        clickhouse.scalar(
            "SELECT count() FROM cells FINAL WHERE status = 'complete' AND sweep_id >= '"
                + RecordedSweep.sweepId(firstRound)
                + "' AND sweep_id < '"
                + RecordedSweep.sweepId(firstRound + ROUND_RANGE)
                + "'"));
  }

  private static BenchReport.Freshness freshness(
      ClickHouseHttp clickhouse, double eventsPerSecond, Duration duration) {
    List<String> q =
        clickhouse
            .rows(
                "SELECT toString(count()), toString(quantileExact(0.5)(ms)),"
                    + " toString(quantileExact(0.99)(ms)), toString(max(ms)) FROM (SELECT"
                    + " toUnixTimestamp64Milli(inserted_at) - toUnixTimestamp64Milli(updated_at)"
                    + " AS ms FROM cells FINAL WHERE status = 'complete' AND sweep_id >= '"
                    + RecordedSweep.sweepId(FRESHNESS_ROUND)
                    + "')")
            .getFirst();
    return new BenchReport.Freshness(
        eventsPerSecond,
        duration.toMillis() / 1000.0,
        Long.parseLong(q.get(0)),
        Long.parseLong(q.get(1)),
        Long.parseLong(q.get(2)),
        Long.parseLong(q.get(3)));
  }

  private static SimulationOptions sweepOptions(int tasks) {
    return SimulationOptions.builder()
        .models(
            List.of(
                "stepfun-ai/step-3.5-flash",
                "meta/llama-3.3-70b-instruct",
                "qwen/qwen3-coder-480b-a35b-instruct",
                "openai/gpt-oss-120b",
                "moonshotai/kimi-k2"))
        .taskCount(tasks)
        .concurrency(4)
        .noFaults()
        .build();
  }

  /** Runs a simulated sweep through the runner SDK (OTLP/HTTP protobuf, uncompressed). */
  static long send(String endpoint, SimulationOptions sweep) {
    CabTelemetryOptions options =
        CabTelemetryOptions.builder()
            .endpoint(endpoint)
            .protocol(CabTelemetryOptions.Protocol.HTTP_PROTOBUF)
            .compression("none")
            .serviceName("cab-bench")
            .spanBatchSize(128)
            .eventBatchSize(128)
            .build();
    try (CabTelemetry telemetry = CabTelemetry.create(options)) {
      // Requests of up to 128 spans or events: many runners sending small batches, not one
      // sending a few huge ones, and enough requests per sweep to keep every connection busy.
      return new SweepSimulator(telemetry).run(sweep, ProgressListener.NONE).cellsSent();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording the sweep", e);
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
