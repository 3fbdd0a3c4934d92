package dev.cab.cli.bench;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import dev.cab.cli.stack.LocalStack;
import dev.cab.model.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one-run benchmark behind {@code cab bench}. On a fresh {@link LocalStack} (the {@code cab up}
 * defaults, data in a temporary directory deleted at the end; see {@link BenchStack}):
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
 * The raw limits run last so that nothing of theirs is in the pipeline's CPU and RSS figures: the
 * peak RSS of every process is read before them, and again at the very end (printed apart: the raw
 * ClickHouse limit's bulk reads and inserts took the engine from about 700 MiB to 1.3 GiB).
 */
public final class PipelineBench {

  private static final long WARMUP_ROUND = 0;
  private static final long SATURATION_ROUND = 1_000_000;
  private static final long FRESHNESS_ROUND = 2_000_000;

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
    try (BenchStack bench = BenchStack.start(o, progress)) {
      if (o.scaleCells() > 0) {
        return ScaleBench.run(o, bench, loadBefore, progress);
      }
      if (o.instances() > 1) {
        return ScaleOutBench.run(o, bench, loadBefore, progress);
      }
      return run(o, bench, loadBefore, progress);
    }
  }

  /** The default run: (c), (d), (f), (b), (a) in that order. */
  private static Result run(
      Options o, BenchStack bench, String loadBefore, Consumer<String> progress) throws Exception {
    LocalStack stack = bench.stack();
    ClickHouseHttp clickhouse = bench.clickhouse();
    Map<String, Long> children = stack.childPids();
    CpuMeter cpu = new CpuMeter(children);
    BenchReport.Pipeline pipeline;
    BenchReport.Freshness freshness;
    boolean complete;
    try (Replay replay = bench.replay()) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) pipeline at saturation for %d s over %d connections...",
              o.duration().toSeconds(),
              o.connections()));
      Replay.Saturation s = replay.saturate(cpu, WARMUP_ROUND, SATURATION_ROUND);
      pipeline = s.pipeline();
      complete = s.complete();
      double half = pipeline.eventsPerSecond() / 2;
      progress.accept(
          String.format(
              Locale.ROOT,
              "(d) freshness at half load, %,.0f events/s for %d s...",
              half,
              o.freshnessDuration().toSeconds()));
      complete &= replay.atRate(FRESHNESS_ROUND, o.freshnessDuration(), half);
      freshness = freshness(clickhouse, half, o.freshnessDuration());
    }

    progress.accept(
        "(f) sink capacity: a fresh sink (own group, own database) drains the topics...");
    SinkDrain.Figures sinkCapacity = SinkDrain.run(stack, children, BenchStack.TABLES, progress);
    complete &= sinkCapacity.drained();
    // the copy is not needed by (b) or (a): give ClickHouse its memory back
    clickhouse.scalar("DROP DATABASE IF EXISTS " + SinkDrain.DATABASE);
    // the pipeline's peak: the raw limits' bulk reads and inserts below are not its load
    Map<String, Long> rss = peakRss(children);

    progress.accept(
        String.format(
            Locale.ROOT,
            "(b) raw ClickHouse: the pipeline's rows, bulk over HTTP (up to %,d rows a table, and"
                + " the drain's %,d rows back to back) and in-engine...",
            o.clickhouseRows(),
            sinkCapacity.totalRows()));
    Map<String, RawClickHouse.TableFigures> raw =
        new RawClickHouse(clickhouse)
            .measure(
                BenchStack.TABLES, o.clickhouseRows(), 10_000, sinkCapacity.rows(), bench.dir());

    progress.accept("(a) raw Kafka: ProducerPerformance with our records...");
    Path payloads = bench.dir().resolve("payloads.txt");
    int recordBytes =
        RawKafka.samplePayloads(
            stack.bootstrapServers(),
            List.of(Topics.SPANS.name(), Topics.SCORES.name()),
            5_000,
            payloads);
    RawKafka.Figures kafka =
        RawKafka.run(stack.kafka(), 4, o.kafkaRecords(), payloads, recordBytes);

    BenchReport report =
        new BenchReport(
            Runtime.getRuntime().availableProcessors(),
            loadBefore,
            bench.sweepFigures(),
            kafka,
            raw,
            pipeline,
            freshness,
            cpu.result(),
            rss,
            peakRss(children),
            sinkCapacity);
    return new Result(report.table(), report, complete);
  }

  /** The peak RSS ({@code VmHWM}) so far of the stages' JVM and each child process, MiB. */
  private static Map<String, Long> peakRss(Map<String, Long> children) {
    Map<String, Long> rss = new LinkedHashMap<>();
    rss.put("cab (collector+streams+sink)", CpuMeter.peakRssMiB(ProcessHandle.current().pid()));
    children.forEach((name, pid) -> rss.put(name, CpuMeter.peakRssMiB(pid)));
    return rss;
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

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
