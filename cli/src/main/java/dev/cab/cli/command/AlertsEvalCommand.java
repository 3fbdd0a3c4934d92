package dev.cab.cli.command;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.eval.AlertsEval;
import dev.cab.alerts.eval.DropPower;
import dev.cab.alerts.eval.Scenario;
import dev.cab.alerts.eval.TaskSpread;
import dev.cab.cli.UserError;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cab alerts-eval}: the detector's quality benchmark, offline (no Kafka, no ClickHouse):
 * seeded simulated baseline/candidate sweep pairs, the table of docs/ALERTS.md.
 */
@Command(
    name = "alerts-eval",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the regression detector offline on seeded simulated sweep pairs (4 CLIs x 4 models x",
      "50 tasks) and prints per scenario: the share of runs with a false alarm, the detection",
      "rate and the median delay in candidate cells, for a baseline of one earlier sweep and for",
      "the pooled baseline of --baseline-sweeps earlier sweeps. See docs/ALERTS.md."
    })
public final class AlertsEvalCommand implements Callable<Integer> {

  @Option(
      names = "--runs",
      defaultValue = "100",
      description =
          "Sweep pairs per scenario; clean sweeps get twice as many (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--seed",
      defaultValue = "20261203",
      description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--baseline-sweeps",
      defaultValue = "" + AlertsSettings.DEFAULT_BASELINE_SWEEPS,
      description =
          "Earlier sweeps pooled as the baseline of the second table (the first always uses one;"
              + " default ${DEFAULT-VALUE}, as alerts.baseline.sweeps).")
  int baselineSweeps;

  @Option(
      names = "--world",
      defaultValue = "simulator",
      description =
          "Spread of task difficulty: simulator (the runner's simulator) or wide (many tasks"
              + " almost always or never solved); default ${DEFAULT-VALUE}.")
  TaskSpread world;

  @Option(
      names = "--scenario",
      split = "\\s*,\\s*",
      paramLabel = "NAME",
      description =
          "Only these scenarios, comma-separated, in any case: ${COMPLETION-CANDIDATES}"
              + " (default: all). A scenario draws the same worlds whichever others run with it."
              + " Not with --drop-power, which is the 0.3 drop's alone.")
  List<Scenario> scenarios = List.of();

  @Option(
      names = "--drop-power",
      description =
          "Instead of the tables: the 0.3 drop's test alone (the regressed pair's p-values at the"
              + " end of the sweep against the levels that matter, and where the misses lie),"
              + " over --runs worlds with --baseline-sweeps pooled runs.")
  boolean dropPower;

  @Override
  public Integer call() {
    if (runs < 1 || baselineSweeps < 1) {
      throw new UserError("--runs and --baseline-sweeps must be at least 1");
    }
    if (dropPower && !scenarios.isEmpty()) {
      throw new UserError("--drop-power runs the 0.3 drop alone; drop --scenario");
    }
    if (dropPower) {
      DropPower.report(System.out, runs, seed, baselineSweeps, world);
      return 0;
    }
    AlertsEval.report(
        System.out,
        runs,
        seed,
        baselineSweeps,
        world,
        scenarios.isEmpty() ? EnumSet.allOf(Scenario.class) : EnumSet.copyOf(scenarios));
    return 0;
  }
}
