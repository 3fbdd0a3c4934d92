package dev.cab.cli.command;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.ProcessMemory;
import dev.cab.model.config.CommonSettings;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cab bench freshness}: how long a cell takes from its last scorer event to its row in
 * ClickHouse, on the {@code cab up} defaults. It starts a fresh local stack, sends a sweep at a
 * steady rate (no faults, so the last event a cell gets is the one that completes it), and reads
 * the answer from ClickHouse itself: per cell, {@code inserted_at} (ClickHouse's clock at insert)
 * minus {@code updated_at} (the Kafka timestamp the collector gave the completing event). Same
 * machine, same clock.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures freshness: last scorer event -> cell row visible in ClickHouse, p50/p99,",
      "on a fresh local stack with the cab up defaults."
    })
public final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--cells",
      defaultValue = "1000",
      description = "Cells to send (default ${DEFAULT-VALUE}).")
  int cells;

  @Option(
      names = "--rate",
      defaultValue = "50",
      description = "Cells per second; a steady load, below saturation (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--set",
      description = "Stage setting to override, e.g. --set sink.batch.max.ms=50 (repeatable).")
  Map<String, String> overrides = Map.of();

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("cab-bench");
    int tuis = 4;
    int models = 5;
    int tasks = (int) Math.ceil(cells / (double) (tuis * models));
    LocalStack.Options defaults = LocalStack.Options.defaults(dir);
    Map<String, String> settings = new java.util.HashMap<>(overrides);
    // a fresh stack beside whatever runs: every port picked free, the management port too
    settings.putIfAbsent(CommonSettings.MANAGEMENT_PORT, "0");
    LocalStack.Options options =
        new LocalStack.Options(dir, 0, 0, 0, 0, 0, defaults.clickhouseDatabase(), settings);
    try (LocalStack stack = LocalStack.start(options, System.err::println)) {
      ClickHouseHttp clickhouse = ClickHouseHttp.fromEnv().withUrl(stack.clickhouseUrl());
      SimulationOptions sim =
          SimulationOptions.builder()
              .sweepId("bench-" + System.currentTimeMillis())
              .models(
                  List.of(
                      "stepfun-ai/step-3.5-flash",
                      "meta/llama-3.3-70b-instruct",
                      "qwen/qwen3-coder-480b-a35b-instruct",
                      "openai/gpt-oss-120b",
                      "moonshotai/kimi-k2"))
              .taskCount(tasks)
              .rate(rate)
              .concurrency(4)
              .noFaults()
              .build();
      SimulationReport report =
          SimulateCommand.run(stack.otlpHttpEndpoint(), "http/protobuf", sim, "bench");
      String sweep = report.sweepId().replace("'", "\\'");
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      long landed = 0;
      while (System.nanoTime() < deadline) {
        landed =
            Long.parseLong(
                clickhouse.scalar(
                    "SELECT count() FROM cells FINAL WHERE sweep_id = '"
                        + sweep
                        + "' AND status = 'complete'"));
        if (landed >= report.cellsSent()) {
          break;
        }
        Thread.sleep(250);
      }
      List<String> q =
          clickhouse
              .rows(
                  "SELECT toString(count()),"
                      + " toString(quantileExact(0.5)(ms)), toString(quantileExact(0.99)(ms)),"
                      + " toString(max(ms))"
                      + " FROM (SELECT toUnixTimestamp64Milli(inserted_at)"
                      + " - toUnixTimestamp64Milli(updated_at) AS ms FROM cells FINAL"
                      + " WHERE sweep_id = '"
                      + sweep
                      + "' AND status = 'complete')")
              .getFirst();
      System.out.printf(
          Locale.ROOT,
          "freshness over %s cells (sent at %.0f cells/s): p50 %s ms, p99 %s ms, max %s ms%n",
          q.get(0),
          report.cellsPerSecond(),
          q.get(1),
          q.get(2),
          q.get(3));
      System.out.printf(
          Locale.ROOT,
          "RSS: cab (collector+streams+sink) %d MiB, kafka %d MiB, clickhouse %d MiB%n",
          ProcessMemory.rssMiB(ProcessHandle.current().pid()),
          ProcessMemory.rssMiB(stack.childPids().get("kafka")),
          ProcessMemory.rssMiB(stack.childPids().get("clickhouse")));
      return landed >= report.cellsSent() ? 0 : 1;
    }
  }
}
