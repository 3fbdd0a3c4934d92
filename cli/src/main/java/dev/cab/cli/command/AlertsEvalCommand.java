package dev.cab.cli.command;

import dev.cab.alerts.eval.AlertsEval;
import dev.cab.alerts.eval.AlertsEval.ScenarioResult;
import dev.cab.alerts.eval.Scenario;
import java.util.Locale;
import java.util.Map;
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
      "rate and the median delay in candidate cells. See docs/ALERTS.md."
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

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    Map<Scenario, ScenarioResult> results = AlertsEval.standard().run(seed, runs);
    System.out.print(AlertsEval.table(results));
    System.out.printf(
        Locale.ROOT,
        "seed %d, %d runs per scenario (clean: %d), 800 cells per sweep, %.1f s%n",
        seed,
        runs,
        2 * runs,
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
