package dev.cab.cli.command;

import dev.cab.cli.bench.PipelineBench;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cab bench}: the pipeline's throughput, freshness, CPU and memory beside the raw limits of
 * the engines it runs on, all in one run on a fresh local stack (see {@link PipelineBench}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures, in one run on a fresh local stack with the cab up defaults:",
      " (a) raw Kafka: ProducerPerformance with our own records, acks=all, lz4;",
      " (b) raw ClickHouse: the pipeline's rows bulk-inserted over HTTP (RowBinary), and",
      "     INSERT ... SELECT inside the engine;",
      " (c) the pipeline at saturation: pre-encoded OTLP requests replayed over keep-alive",
      "     connections -> rows in ClickHouse, events/s and cells/s;",
      " (d) freshness (last scorer event -> cell row) p50/p99 at half the saturated rate;",
      " (e) CPU per 1,000 events per stage and process, and peak RSS per process;",
      "and prints one table with the ratios (c)/(a) and sink/(b).",
      "With --scale N: (c) on the empty database, N cells (with their spans and scorer events)",
      "loaded inside ClickHouse, (c) again, and the per-sweep and per-cell queries timed.",
      "With --instances N: (c) with 1 and then N streams and sink instances on a 3-node Kafka.",
      "With --restore-cells N: the streams state grown to N cells, a restart without and with",
      "its local state timed (until RUNNING, until a new cell is folded) with its memory.",
      "The run's data (Kafka, ClickHouse, streams state, logs) lives in a temporary",
      "directory (cab-bench* in java.io.tmpdir), deleted when the run ends, fails or",
      "is stopped with Ctrl-C; --keep-data keeps it."
    })
public final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--warmup",
      // 60 s, not 20: the JIT compiles for minutes; after 20 s of load it still spent 92-217 us
      // per event during (c), after 60 s 63 (docs/PERFORMANCE.md, CPU per event: third pass)
      defaultValue = "60",
      description = "Seconds of load before (c), not measured (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--duration",
      defaultValue = "60",
      description = "Seconds of (c), the saturated pipeline (default ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--freshness-duration",
      defaultValue = "30",
      description = "Seconds of (d), freshness at half load (default ${DEFAULT-VALUE}).")
  int freshnessSeconds;

  @Option(
      names = "--connections",
      defaultValue = "8",
      description = "Keep-alive connections replaying OTLP requests (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--sweep-tasks",
      defaultValue = "10",
      description =
          "Tasks of the recorded sweep (x 4 agent CLIs x 5 models cells; default"
              + " ${DEFAULT-VALUE}).")
  int sweepTasks;

  @Option(
      names = "--backlog",
      defaultValue = "5000",
      description =
          "At most this many events sent but not yet in ClickHouse during (c) (default"
              + " ${DEFAULT-VALUE}).")
  long backlog;

  @Option(
      names = "--kafka-records",
      defaultValue = "300000",
      description = "Records ProducerPerformance writes in (a) (default ${DEFAULT-VALUE}).")
  long kafkaRecords;

  @Option(
      names = "--clickhouse-rows",
      defaultValue = "100000",
      description =
          "At most this many rows per table re-inserted in (b) (default ${DEFAULT-VALUE}).")
  long clickhouseRows;

  @Option(
      names = "--scale",
      defaultValue = "0",
      description =
          "Cells to load into ClickHouse for the scale run, e.g. 1000000 (default: no scale run).")
  long scaleCells;

  @Option(
      names = "--scale-sweep-cells",
      defaultValue = "1000",
      description = "Cells per loaded sweep in the scale run (default ${DEFAULT-VALUE}).")
  int scaleCellsPerSweep;

  @Option(
      names = "--instances",
      defaultValue = "1",
      description =
          "With 2 or more: on a 3-node Kafka, (c) with one streams and one sink instance, then"
              + " with this many of each (same application id and consumer group), side by side,"
              + " with each instance's partitions and records (default: no scale-out run).")
  int instances;

  @Option(
      names = "--restore-cells",
      defaultValue = "0",
      description =
          "Cell states to grow the streams state to, then time a streams restart without its"
              + " local state (restored from the changelog) and with it (default: no restore"
              + " run).")
  long restoreCells;

  @Option(
      names = "--scale-big-sweep",
      defaultValue = "10000",
      description =
          "Of the --scale cells, this many in one sweep 'scale-big' whose board is timed too"
              + " (default ${DEFAULT-VALUE}; 0: none).")
  long scaleBigSweepCells;

  @Option(
      names = "--keep-data",
      description =
          "Keep the run's temporary data directory instead of deleting it at the end; its path is"
              + " printed.")
  boolean keepData;

  @Option(names = "--json", description = "Print the results as one JSON object instead.")
  boolean json;

  @Option(
      names = "--set",
      description = "Stage setting to override, e.g. --set sink.batch.max.ms=50 (repeatable).")
  Map<String, String> overrides = Map.of();

  @Override
  public Integer call() throws Exception {
    if (durationSeconds < 10 || freshnessSeconds < 5 || connections < 1 || sweepTasks < 1) {
      throw new dev.cab.cli.UserError(
          "--duration must be >= 10, --freshness-duration >= 5, --connections and --sweep-tasks"
              + " >= 1");
    }
    if (scaleCells < 0 || scaleCellsPerSweep < 1 || scaleBigSweepCells < 0) {
      throw new dev.cab.cli.UserError(
          "--scale must be >= 0, --scale-sweep-cells >= 1 and --scale-big-sweep >= 0");
    }
    if (scaleCells > 0 && scaleBigSweepCells >= scaleCells) {
      throw new dev.cab.cli.UserError("--scale-big-sweep must be less than --scale");
    }
    if (instances < 1 || instances > 4 || restoreCells < 0) {
      throw new dev.cab.cli.UserError(
          "--instances must be 1 to 4 (the topics have 4 partitions) and --restore-cells >= 0");
    }
    if ((scaleCells > 0 ? 1 : 0) + (instances > 1 ? 1 : 0) + (restoreCells > 0 ? 1 : 0) > 1) {
      throw new dev.cab.cli.UserError(
          "--scale, --instances and --restore-cells are separate runs: give one of them");
    }
    PipelineBench.Options options =
        new PipelineBench.Options(
            Duration.ofSeconds(warmupSeconds),
            Duration.ofSeconds(durationSeconds),
            Duration.ofSeconds(freshnessSeconds),
            connections,
            sweepTasks,
            backlog,
            kafkaRecords,
            clickhouseRows,
            scaleCells,
            scaleCellsPerSweep,
            instances,
            restoreCells,
            scaleBigSweepCells,
            keepData,
            overrides);
    PipelineBench.Result result = PipelineBench.run(options, System.err::println);
    if (json) {
      System.out.println(
          dev.cab.model.serde.Json.mapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(result.json()));
    } else {
      System.out.print(result.table());
    }
    return result.complete() ? 0 : 1;
  }
}
