package dev.cab.cli.bench;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import dev.cab.cli.stack.LocalStack;
import dev.cab.model.config.CommonSettings;
import dev.cab.streams.config.StreamsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the pipeline runs of {@code cab bench} stand on (the default run, {@code --scale} and {@code
 * --instances}): a fresh {@link LocalStack} with the {@code cab up} defaults and every port picked
 * free, its data in a {@link ScratchDirectory}; for more than one instance on the embedded 3-node
 * Kafka with every topic on all three; a ClickHouse client of the sink's database; and one
 * simulated sweep recorded in memory ({@link RecordedSweep}). {@link #replay()} opens the load on
 * it.
 *
 * <p>Closing stops the stack, then deletes the directory. Not thread-safe.
 */
final class BenchStack implements AutoCloseable {

  /** The tables the sink writes, whose rows every run counts. */
  static final List<String> TABLES = List.of("cells", "spans", "score_events");

  private final PipelineBench.Options options;
  private final ScratchDirectory dir;
  private final LocalStack stack;
  private final ClickHouseHttp clickhouse;
  private final Consumer<String> progress;
  private RecordedSweep sweep;

  private BenchStack(
      PipelineBench.Options options,
      ScratchDirectory dir,
      LocalStack stack,
      Consumer<String> progress) {
    this.options = options;
    this.dir = dir;
    this.stack = stack;
    this.progress = progress;
    this.clickhouse =
        ClickHouseHttp.fromEnv()
            .withUrl(stack.clickhouseUrl())
            .withDatabase(stack.clickhouseDatabase());
  }

  /** Starts the stack, then records the sweep; on failure stops what started. */
  static BenchStack start(PipelineBench.Options o, Consumer<String> progress) throws IOException {
    ScratchDirectory dir = ScratchDirectory.create("cab-bench", o.keepData(), progress);
    LocalStack stack = null;
    try {
      stack = LocalStack.start(stackOptions(o, dir.path()), kafkaNodes(o), progress);
      BenchStack bench = new BenchStack(o, dir, stack, progress);
      bench.record();
      return bench;
    } catch (IOException | RuntimeException e) {
      if (stack != null) {
        stack.close();
      }
      try {
        dir.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Scale-out runs on the embedded 3-node Kafka. */
  private static int kafkaNodes(PipelineBench.Options o) {
    return o.instances() > 1 ? 3 : 1;
  }

  private static LocalStack.Options stackOptions(PipelineBench.Options o, Path dir) {
    Map<String, String> settings = new HashMap<>(o.overrides());
    // a fresh stack beside whatever runs: every port picked free, the management port too
    settings.putIfAbsent(CommonSettings.MANAGEMENT_PORT, "0");
    if (kafkaNodes(o) > 1) {
      // every topic on all three nodes
      settings.putIfAbsent(
          CommonSettings.TOPIC_REPLICATION_FACTOR, Integer.toString(kafkaNodes(o)));
    }
    if (o.instances() > 1) {
      // An added streams instance takes its tasks at the first probing rebalance after its
      // warm-up copies of their state caught up: Kafka's minimum, not its 10 minutes, so that
      // the bench's second phase starts within a minute or two of a (c) that filled the state.
      settings.putIfAbsent(StreamsSettings.PROBING_REBALANCE_INTERVAL_MS, "60000");
    }
    return new LocalStack.Options(
        dir, 0, 0, 0, 0, 0, LocalStack.Options.defaults(dir).clickhouseDatabase(), settings);
  }

  private void record() throws IOException {
    progress.accept("recording a simulated sweep (OTLP/HTTP protobuf, in memory)...");
    sweep =
        RecordedSweep.record(
            SimulatedSweep.options(options.sweepTasks()).build(), SimulatedSweep::send);
    progress.accept(
        String.format(
            Locale.ROOT,
            "recorded %d cells, %d events, %d requests, %,d bytes",
            sweep.cells(),
            sweep.events(),
            sweep.requests().size(),
            sweep.bytes()));
  }

  LocalStack stack() {
    return stack;
  }

  /** A client of the stack's ClickHouse, on the sink's database. */
  ClickHouseHttp clickhouse() {
    return clickhouse;
  }

  RecordedSweep sweep() {
    return sweep;
  }

  /** The recorded sweep's figures, as every report prints them. */
  BenchReport.Sweep sweepFigures() {
    return new BenchReport.Sweep(
        sweep.cells(), sweep.events(), sweep.bytes(), sweep.requests().size());
  }

  /** Where the run's data lives (for files of its own, e.g. the payloads of (a)). */
  Path dir() {
    return dir.path();
  }

  /** The recorded sweep replayed into the stack over {@code --connections}, rows counted. */
  Replay replay() {
    return new Replay(options, this, progress);
  }

  @Override
  public void close() throws IOException {
    try {
      stack.close();
    } finally {
      dir.close();
    }
  }
}
