package dev.cab.cli.command;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.cli.UserError;
import dev.cab.cli.clickhouse.ClickHouseHttp;
import dev.cab.cli.console.Table;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.ProcessMemory;
import dev.cab.dashboards.pages.Urls;
import dev.cab.runner.sim.Regression;
import dev.cab.runner.sim.SeedCells;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cab demo}: the whole system at work in a few minutes. Starts the local stack, sends
 * simulated baseline sweeps and then one more with injected regressions, which declares the
 * baselines in its plan (pooled by the alerts stage), waits until ClickHouse has every cell, prints
 * the leaderboards of the first and the regressed sweep and the alerts that fired next to what was
 * injected, then keeps serving until Ctrl-C (or exits with {@code --once}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts everything (as ./cab up), runs simulated baseline sweeps and one more with injected",
      "regressions, prints leaderboards from ClickHouse and the alerts that fired next to what",
      "was injected. Keeps serving until Ctrl-C so you can explore with ./cab sql; --once",
      "exits after printing. Each run draws a new world; --seed N replays one,",
      "and the demo prints the command that does."
    })
public final class DemoCommand implements Callable<Integer> {

  /**
   * Four baseline sweeps, fewer than the alerts stage's default pool ({@link
   * AlertsSettings#DEFAULT_BASELINE_SWEEPS}, which pools what exists): five sweeps keep the demo to
   * about a minute, and four runs per cell already make the demo's injected regressions, larger
   * than the evaluation's, detectable (docs/ALERTS.md, "Tests through the whole pipeline").
   */
  public static final int DEFAULT_BASELINE_SWEEPS = 4;

  @Mixin StackOptions stackOptions;

  @Option(names = "--once", description = "Exit after printing the leaderboards.")
  boolean once;

  @Option(
      names = "--tasks",
      // 30 tasks: enough paired cells for the injected regressions to be detectable by the alerts
      // stage (with 12, a pair's pass-rate drop rests on 12 paired tasks; see docs/ALERTS.md).
      defaultValue = "30",
      description = "Tasks per sweep (default ${DEFAULT-VALUE}; 4 CLIs x 4 models x tasks cells).")
  int tasks;

  @Option(
      names = "--baseline-sweeps",
      // The regressed sweep's plan declares all of them, and the alerts stage pools them, which is
      // what makes a pass-rate drop of one pair or a task breaking across pairs detectable at this
      // size (docs/ALERTS.md, "Quality of detection").
      defaultValue = "" + DEFAULT_BASELINE_SWEEPS,
      description =
          "Baseline sweeps run before the regressed one and pooled as its baseline (default"
              + " ${DEFAULT-VALUE}).")
  int baselineSweeps;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description =
          "Seed of the simulated world, its sweeps and the regressions picked (default: the"
              + " clock's seconds, a new world every run). The demo prints the command that runs"
              + " it again.")
  Long seed;

  @Option(
      names = "--wait",
      defaultValue = "PT3M",
      description = "How long to wait for every cell to land (default ${DEFAULT-VALUE}).")
  Duration wait;

  @Override
  public Integer call() throws InterruptedException {
    long t0 = System.nanoTime();
    LocalStack stack = LocalStack.start(stackOptions.toStackOptions(), System.err::println);
    try {
      ClickHouseHttp clickhouse = ClickHouseHttp.fromEnv().withUrl(stack.clickhouseUrl());
      AtomicLong firstCellMillis = new AtomicLong(-1);
      Thread watcher = watchFirstCell(clickhouse, t0, firstCellMillis);

      if (baselineSweeps < 1 || baselineSweeps > 20) {
        throw new UserError("--baseline-sweeps must be between 1 and 20, not " + baselineSweeps);
      }
      long seed = this.seed != null ? this.seed : System.currentTimeMillis() / 1000;
      String rerun = rerunCommand(seed);
      System.err.println("demo seed " + seed + " (" + rerun + " runs this demo again)");
      // The same seed for every sweep: the same world (skills, difficulties, speeds, all drawn from
      // the seed), while each cell's draws are keyed by its id, which names the sweep, so the
      // sweeps are independent runs of it. Another seed would be another world, and every pair
      // whose skill moved would look like a regression.
      SimulationOptions first =
          SimulationOptions.builder()
              .sweepId(String.format(Locale.ROOT, "demo-%d-baseline-1", seed))
              .seed(seed)
              .taskCount(tasks)
              .replaySeeds(true)
              .build();
      String endpoint = stack.otlpHttpEndpoint();
      int sweeps = baselineSweeps + 1;
      List<SimulationReport> reports = new ArrayList<>();
      List<String> baselineIds = new ArrayList<>();
      for (int b = 1; b <= baselineSweeps; b++) {
        SimulationOptions options =
            b == 1
                ? first
                : first.toBuilder()
                    .sweepId(String.format(Locale.ROOT, "demo-%d-baseline-%d", seed, b))
                    .replaySeeds(false)
                    .build();
        reports.add(
            SimulateCommand.run(endpoint, "http/protobuf", options, "sweep " + b + "/" + sweeps));
        baselineIds.add(options.sweepId());
      }
      for (SimulationReport r : reports) {
        awaitCells(clickhouse, r, wait);
      }
      // The last sweep: the same grid with one regression of each kind the simulator knows. The
      // task to break is one the baselines solved in at least half of their cells: a task nobody
      // solves cannot start failing.
      // The pair to drop by 0.5 is one the baselines passed in at least 0.6 of their cells (the
      // grid's second CLI with its third model when it qualifies): a pair passing 0.13 can lose
      // 0.13 at most, no alert can show a drop that did not happen. The slowed model is left out.
      String slowModel = first.models().get(0);
      List<Pair> pairs = new ArrayList<>();
      pairs.add(new Pair(first.tuis().get(1), first.models().get(2)));
      for (String t : first.tuis()) {
        for (String m : first.models()) {
          Pair p = new Pair(t, m);
          if (!m.equals(slowModel) && !pairs.contains(p)) {
            pairs.add(p);
          }
        }
      }
      Pair dropped = firstPassing(clickhouse, baselineIds, Pair.COLUMNS, Pair::of, pairs, 0.6);
      String task =
          firstPassing(
              clickhouse, baselineIds, List.of("task"), List::getFirst, first.tasks(), 0.5);
      SimulationOptions regressed =
          first.toBuilder()
              .sweepId(String.format(Locale.ROOT, "demo-%d-regressed", seed))
              .replaySeeds(false)
              .baseline(String.join(",", baselineIds))
              .regression(new Regression.PassRateDrop(dropped.tui(), dropped.model(), 0.5))
              .regression(new Regression.TaskFailsEverywhere(task))
              .regression(
                  new Regression.LatencyJump(Regression.LatencyJump.Target.MODEL, slowModel, 2.5))
              .build();
      SimulationReport r2 =
          SimulateCommand.run(
              endpoint, "http/protobuf", regressed, "sweep " + sweeps + "/" + sweeps);
      awaitCells(clickhouse, r2, wait);
      reports.add(r2);
      SimulationReport r1 = reports.getFirst();

      watcher.interrupt();
      System.out.println();
      if (reports.size() > 2) {
        System.out.println(
            "baseline sweeps "
                + String.join(", ", baselineIds)
                + ": the same grid, independent runs of the same world; the first and the"
                + " regressed one:");
      }
      for (SimulationReport r : List.of(r1, r2)) {
        SimulateCommand.printReport(r);
        leaderboard(clickhouse, r.sweepId());
        System.out.println();
      }
      alertsReport(clickhouse, r2, Duration.ofSeconds(30));
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "first cell visible in ClickHouse %.1f s after start; all %d sweeps landed %.1f s after"
              + " start%n",
          firstCellMillis.get() / 1000.0,
          reports.size(),
          (System.nanoTime() - t0) / 1e9);
      String invokedAt = System.getenv("CAB_INVOKED_AT_MS");
      if (invokedAt != null && invokedAt.matches("\\d+") && firstCellMillis.get() >= 0) {
        long beforeStart =
            System.currentTimeMillis()
                - (System.nanoTime() - t0) / 1_000_000
                - Long.parseLong(invokedAt);
        System.out.printf(
            Locale.ROOT,
            "first cell visible %.1f s after ./cab demo was typed (%.1f s of build, downloads and"
                + " JVM start before that)%n",
            (beforeStart + firstCellMillis.get()) / 1000.0,
            beforeStart / 1000.0);
      }
      System.out.printf(
          Locale.ROOT,
          "RSS: cab (collector+streams+sink) %d MiB, kafka %d MiB, clickhouse %d MiB%n",
          ProcessMemory.rssMiB(ProcessHandle.current().pid()),
          ProcessMemory.rssMiB(stack.childPids().get("kafka")),
          ProcessMemory.rssMiB(stack.childPids().get("clickhouse")));
      System.out.println(
          "to run this demo again (the same world, sweeps and regressions): " + rerun);
      System.out.println();
      System.out.println("Where to look next:");
      // the regressed sweep's board: the one with alerts beside its leaderboard and heatmap
      System.out.println("  sweep board:     " + stack.dashboardsUrl() + Urls.sweep(r2.sweepId()));
      SeedCells.SeedCell seedCell = SeedCells.load().getFirst();
      System.out.println(
          "  seed cell page:  "
              + stack.dashboardsUrl()
              + Urls.cell(
                  seedCell.identity().tui(),
                  seedCell.identity().model(),
                  seedCell.identity().task()));
      System.out.println("  every sweep:     " + stack.dashboardsUrl() + "/");
      System.out.println(
          "  ./cab sql \"SELECT cell_id, status, composite FROM cells FINAL ORDER BY composite DESC LIMIT 10\"");
      System.out.println("  ./cab sql \"SELECT kind, count() FROM spans FINAL GROUP BY kind\"");
      System.out.println(
          "  ./cab status                  # lag per topic, rows per table, last cell");
      System.out.println(
          "  runners: OTEL_EXPORTER_OTLP_ENDPOINT="
              + endpoint
              + " (OTLP/HTTP) or "
              + stack.otlpGrpcEndpoint()
              + " (gRPC)");
      if (once) {
        return 0;
      }
      System.out.println("Serving until Ctrl-C.");
      System.out.flush();
      Foreground.awaitShutdown(stack::close);
      return 0;
    } finally {
      if (once) {
        stack.close();
      }
    }
  }

  /**
   * The command line that runs the same demo again: the options that decide what is simulated and
   * injected (the seed, the tasks, the baseline sweeps), not where the stack runs.
   */
  String rerunCommand(long seed) {
    return "./cab demo --seed "
        + seed
        + " --tasks "
        + tasks
        + " --baseline-sweeps "
        + baselineSweeps;
  }

  private static Thread watchFirstCell(ClickHouseHttp clickhouse, long t0, AtomicLong result) {
    return Thread.ofVirtual()
        .start(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  String n = clickhouse.scalar("SELECT count() FROM cells");
                  if (n != null && Long.parseLong(n) > 0) {
                    result.set((System.nanoTime() - t0) / 1_000_000);
                    return;
                  }
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  // not there yet (table missing before migrations): poll again
                }
              }
            });
  }

  /** An agent CLI with a model: a row of the grid's leaderboard, a candidate to drop. */
  record Pair(String tui, String model) {
    /** The columns of {@code cells} a pair is a value of, in the order {@link #of} reads them. */
    static final List<String> COLUMNS = List.of("tui", "model");

    static Pair of(List<String> columns) {
      return new Pair(columns.get(0), columns.get(1));
    }
  }

  /**
   * The first of {@code candidates} (in the order given) whose baseline cells passed at least
   * {@code minRate} of the decided ones, else the one passed most often.
   *
   * @param columns the columns of {@code cells} a candidate is a value of
   * @param key a candidate from the values of {@code columns}, in their order
   */
  private static <T> T firstPassing(
      ClickHouseHttp clickhouse,
      List<String> baselineIds,
      List<String> columns,
      Function<List<String>, T> key,
      List<T> candidates,
      double minRate) {
    StringBuilder in = new StringBuilder();
    for (String id : baselineIds) {
      in.append(in.isEmpty() ? "" : ", ").append(ClickHouseHttp.literal(id));
    }
    String keys = String.join(", ", columns);
    Map<T, Double> rates = new HashMap<>();
    for (List<String> row :
        clickhouse.rows(
            "SELECT "
                + keys
                + ", toString(countIf(outcome = 'passed') / count()) FROM cells FINAL"
                + " WHERE sweep_id IN ("
                + in
                + ") AND outcome IN ('passed', 'failed') GROUP BY "
                + keys)) {
      rates.put(
          key.apply(row.subList(0, columns.size())), Double.parseDouble(row.get(columns.size())));
    }
    return firstPassing(rates, candidates, minRate);
  }

  /** As above, given each candidate's pass rate over the baselines' decided cells. */
  static <T> T firstPassing(Map<T, Double> rates, List<T> candidates, double minRate) {
    T best = candidates.getFirst();
    for (T c : candidates) {
      double rate = rates.getOrDefault(c, -1.0);
      if (rate >= minRate) {
        return c;
      }
      if (rate > rates.getOrDefault(best, -1.0)) {
        best = c;
      }
    }
    return best;
  }

  private static void awaitCells(ClickHouseHttp clickhouse, SimulationReport r, Duration wait)
      throws InterruptedException {
    // the replayed seed cells belong to their own (published) sweeps
    long expected = r.cellsSent() - r.seedCellsReplayed();
    long deadline = System.nanoTime() + wait.toNanos();
    String query =
        "SELECT count() FROM cells FINAL WHERE sweep_id = "
            + ClickHouseHttp.literal(r.sweepId())
            + " AND status != 'running'";
    long landed = 0;
    while (System.nanoTime() < deadline) {
      landed = Long.parseLong(clickhouse.scalar(query));
      if (landed >= expected) {
        return;
      }
      Thread.sleep(200);
    }
    throw new UserError(
        "only "
            + landed
            + " of "
            + expected
            + " cells of "
            + r.sweepId()
            + " reached ClickHouse within "
            + wait.toSeconds()
            + " s; see ./cab status");
  }

  /**
   * What the alerts stage raised for the regressed sweep, next to what the simulator injected. The
   * last looks happen as the last cells land, so it waits up to {@code wait} for the firing set to
   * settle (unchanged for 5 s).
   */
  private static void alertsReport(ClickHouseHttp clickhouse, SimulationReport r, Duration wait)
      throws InterruptedException {
    String query =
        "SELECT rule, tui, model, task, toString(round(effect, 3)), effect_unit,"
            + " toString(adjusted_p_value), summary FROM alerts_active WHERE sweep_id = "
            + ClickHouseHttp.literal(r.sweepId())
            + " ORDER BY rule, tui, model, task";
    long deadline = System.nanoTime() + wait.toNanos();
    List<List<String>> rows = clickhouse.rows(query);
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline && System.nanoTime() - stableSince < 5_000_000_000L) {
      Thread.sleep(500);
      List<List<String>> now = clickhouse.rows(query);
      if (!now.equals(rows)) {
        rows = now;
        stableSince = System.nanoTime();
      }
    }
    System.out.println("regressions injected into " + r.sweepId() + ":");
    for (SimulationReport.InjectedRegression i : r.regressions()) {
      System.out.println("  " + i.description());
      System.out.println("    " + verdict(clickhouse, r.sweepId(), i.regression(), rows));
    }
    System.out.println(
        "alerts firing for " + r.sweepId() + " (./cab sql \"SELECT * FROM alerts_active\"):");
    if (rows.isEmpty()) {
      System.out.println("  none");
      return;
    }
    Table.print(
        System.out,
        List.of("rule", "tui", "model", "task", "effect", "unit", "adjusted_p", "summary"),
        rows);
  }

  /**
   * Whether a firing alert answers an injected regression (its rule and labels, docs/ALERTS.md
   * "Rules"); if none does, where its hypothesis stands: its newest transition in {@code alerts}
   * (pending: nominally significant, not after the multiplicity step), or no alert at all.
   */
  private static String verdict(
      ClickHouseHttp clickhouse, String sweepId, Regression injected, List<List<String>> firing) {
    List<String> caught =
        firing.stream()
            .filter(row -> answers(injected, row.get(0), row.get(1), row.get(2), row.get(3)))
            .map(
                row ->
                    row.get(0)
                        + (row.get(1).isEmpty() ? "" : " " + row.get(1))
                        + " (adjusted p "
                        + shortP(row.get(6))
                        + ")")
            .toList();
    if (!caught.isEmpty()) {
      return "caught: " + String.join(", ", caught);
    }
    // the newest transition of the hypotheses that would answer it (highest sequence first)
    Optional<List<String>> newest =
        clickhouse
            .rows(
                "SELECT rule, tui, model, task, state, toString(adjusted_p_value) FROM alerts"
                    + " WHERE sweep_id = "
                    + ClickHouseHttp.literal(sweepId)
                    + " ORDER BY sequence DESC")
            .stream()
            .filter(row -> answers(injected, row.get(0), row.get(1), row.get(2), row.get(3)))
            .findFirst();
    return newest
        .map(
            row ->
                "not caught: its alert is "
                    + row.get(4)
                    + " (adjusted p "
                    + shortP(row.get(5))
                    + "; docs/ALERTS.md, \"Quality of detection\")")
        .orElse(
            "not caught: no alert, not even pending (docs/ALERTS.md, \"Quality of detection\")");
  }

  /** A p-value as ClickHouse printed it, to two significant digits ({@code 0.00012}). */
  private static String shortP(String p) {
    try {
      return String.format(Locale.ROOT, "%.2g", Double.parseDouble(p));
    } catch (NumberFormatException e) {
      return p;
    }
  }

  /** Whether an alert of {@code rule} with these labels explains the injected regression. */
  static boolean answers(Regression injected, String rule, String tui, String model, String task) {
    return switch (injected) {
      case Regression.PassRateDrop d ->
          rule.equals("pass_rate_drop") && tui.equals(d.tui()) && model.equals(d.model());
      case Regression.TaskFailsEverywhere t -> rule.equals("task_failing") && task.equals(t.task());
      case Regression.LatencyJump l ->
          l.target() == Regression.LatencyJump.Target.MODEL
              ? rule.startsWith("latency_rise_") && model.equals(l.name())
              : rule.equals("latency_rise_pair") && tui.equals(l.name());
    };
  }

  /** The sweep's rows of the {@code leaderboard} view (docs/ANALYTICS.md), with intervals. */
  private static void leaderboard(ClickHouseHttp clickhouse, String sweepId) {
    List<List<String>> rows =
        clickhouse.rows(
            "SELECT tui, model, toString(cells), toString(infra_errors),"
                + " concat(toString(passed), '/', toString(decided)),"
                + " if(decided = 0, '-', format('{} [{}, {}]', toString(round(pass_rate, 2)),"
                + " toString(round(pass_rate_low, 2)), toString(round(pass_rate_high, 2)))),"
                + " if(mean_composite_low IS NULL, '-', format('{} [{}, {}]',"
                + " toString(round(mean_composite, 3)), toString(round(mean_composite_low, 3)),"
                + " toString(round(mean_composite_high, 3)))),"
                + " concat(toString(round(wall_clock_p50_ms / 1000, 1)), ' / ',"
                + " toString(round(wall_clock_p90_ms / 1000, 1))),"
                + " ifNull(toString(round(tokens_per_correct_task)), '-'),"
                + " ifNull(toString(round(cost_per_correct_task_usd, 4)), '-')"
                + " FROM leaderboard WHERE sweep_id = "
                + ClickHouseHttp.literal(sweepId)
                + " ORDER BY pass_rate DESC, mean_composite DESC, tui, model");
    System.out.println(
        "leaderboard of "
            + sweepId
            + " (95% intervals: Wilson for pass rate, t for composite; infra errors left out):");
    Table.print(
        System.out,
        List.of(
            "tui",
            "model",
            "cells",
            "infra",
            "passed",
            "pass_rate [95%]",
            "composite [95%]",
            "wall_s p50/p90",
            "tokens/correct",
            "usd/correct"),
        rows);
  }
}
