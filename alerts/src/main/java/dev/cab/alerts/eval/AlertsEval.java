package dev.cab.alerts.eval;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.detect.Detector;
import dev.cab.alerts.detect.Observation;
import dev.cab.alerts.detect.Outcome;
import dev.cab.alerts.lifecycle.AlertStates;
import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.model.wire.AlertRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The offline quality benchmark of the detector: seeded simulated baseline/candidate sweep pairs (4
 * tuis x 4 models x 50 tasks = 800 cells each, the baseline landing first, the candidate cell by
 * cell in random order), the live {@link Detector} evaluated after every candidate cell. The
 * baseline is one earlier sweep or several (independent runs of the same world, pooled by the
 * detector's automatic choice, as {@code alerts.baseline.sweeps} makes it live). Reports per
 * scenario the share of runs with a false alarm (a firing alert the scenario does not explain), the
 * detection rate (the injected regression's alert fired by the end of the candidate sweep) and the
 * median delay (candidate cells landed when it first fired; the regression starts with the first
 * candidate cell). Deterministic for a seed.
 */
public final class AlertsEval {
  static final double BASE_INFRA = 0.03;
  static final double SPIKE_INFRA = 0.12;

  /** A task "was passing" when the pairs' mean pass probability of it was at least this. */
  static final double PASSING_TASK = 0.5;

  private final int tuis;
  private final int models;
  private final int tasks;
  private final double fdr;
  private final int minPairs;
  private final int baselineSweeps;
  private final TaskSpread spread;

  /**
   * @param tuis tuis per sweep (4)
   * @param models models per sweep (4)
   * @param tasks tasks per sweep (50)
   * @param fdr the detector's false discovery rate
   * @param minPairs the detector's minimum paired cells before a test
   * @param baselineSweeps earlier sweeps run before the candidate and pooled as its baseline
   * @param spread the world's spread of task difficulty
   */
  public AlertsEval(
      int tuis,
      int models,
      int tasks,
      double fdr,
      int minPairs,
      int baselineSweeps,
      TaskSpread spread) {
    this.tuis = tuis;
    this.models = models;
    this.tasks = tasks;
    this.fdr = fdr;
    this.minPairs = minPairs;
    this.baselineSweeps = baselineSweeps;
    this.spread = spread;
  }

  /**
   * The shape the issue asks for: 16 pairs of 50 tasks, the stage's defaults (FDR, minimum pairs),
   * a baseline of {@code baselineSweeps} earlier sweeps, the simulator's world.
   */
  public static AlertsEval standard(int baselineSweeps) {
    return standard(baselineSweeps, TaskSpread.SIMULATOR);
  }

  /** As {@link #standard(int)} in a world of the given task spread. */
  public static AlertsEval standard(int baselineSweeps, TaskSpread spread) {
    return new AlertsEval(
        4,
        4,
        50,
        AlertsSettings.DEFAULT_FDR,
        AlertsSettings.DEFAULT_MIN_PAIRS,
        baselineSweeps,
        spread);
  }

  /** Baseline sweeps pooled. */
  public int baselineSweeps() {
    return baselineSweeps;
  }

  /**
   * The figures of one scenario.
   *
   * @param scenario what was injected
   * @param runs sweep pairs simulated
   * @param falseAlarmRuns runs with at least one firing alert the scenario does not explain
   * @param detectedRuns runs where the injected regression's alert fired (0 for clean)
   * @param delays per detected run, candidate cells landed when it first fired
   * @param targetPass per run, the mean pass probability the world gives the regressed task (over
   *     every pair) or pair (over every task) before the regression; NaN for other scenarios
   * @param detected per run, whether the injected regression's alert fired
   * @param realisedDrop per run, how much the target's mean pass probability fell (over the pair's
   *     tasks, or the task's pairs); NaN for other scenarios
   */
  public record ScenarioResult(
      Scenario scenario,
      int runs,
      int falseAlarmRuns,
      int detectedRuns,
      int[] delays,
      double[] targetPass,
      boolean[] detected,
      double[] realisedDrop) {

    /** The mean over runs of the realised fall of the target's mean pass probability. */
    public double meanRealisedDrop() {
      return Arrays.stream(realisedDrop).average().orElse(Double.NaN);
    }

    /** The smallest realised fall of the target's mean pass probability over the runs. */
    public double minRealisedDrop() {
      return Arrays.stream(realisedDrop).min().orElse(Double.NaN);
    }

    /**
     * Detected runs and runs whose target's mean pass probability is at least {@code threshold}
     * ({@code atLeast}) or below it.
     */
    public int[] detectedWhereTargetPasses(double threshold, boolean atLeast) {
      int runsIn = 0;
      int hits = 0;
      for (int i = 0; i < targetPass.length; i++) {
        if ((targetPass[i] >= threshold) == atLeast) {
          runsIn++;
          hits += detected[i] ? 1 : 0;
        }
      }
      return new int[] {hits, runsIn};
    }

    public double falseAlarmShare() {
      return falseAlarmRuns / (double) runs;
    }

    public double detectionRate() {
      return detectedRuns / (double) runs;
    }

    /** Median delay in candidate cells, or NaN when nothing was detected. */
    public double medianDelay() {
      if (delays.length == 0) {
        return Double.NaN;
      }
      int[] d = delays.clone();
      Arrays.sort(d);
      int n = d.length;
      return n % 2 == 1 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2.0;
    }
  }

  /** Runs every scenario {@code runs} times (clean twice as often). */
  public Map<Scenario, ScenarioResult> run(long seed, int runs) {
    return run(seed, runs, EnumSet.allOf(Scenario.class));
  }

  /** Runs the given scenarios {@code runs} times each (clean twice as often). */
  public Map<Scenario, ScenarioResult> run(long seed, int runs, Set<Scenario> scenarios) {
    Map<Scenario, ScenarioResult> results = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      results.put(s, run(s, seed, s == Scenario.CLEAN ? 2 * runs : runs));
    }
    return results;
  }

  /** Runs one scenario. */
  public ScenarioResult run(Scenario scenario, long seed, int runs) {
    int falseAlarms = 0;
    int detected = 0;
    List<Integer> delays = new ArrayList<>();
    double[] targetPass = new double[runs];
    double[] realised = new double[runs];
    boolean[] hit = new boolean[runs];
    for (int i = 0; i < runs; i++) {
      long runSeed =
          new SplittableRandom(seed ^ (31L * scenario.seedSalt() + 7)).split().nextLong()
              + i * 0x9E3779B97F4A7C15L;
      RunResult r = runOnce(scenario, runSeed);
      if (r.falseAlarm) {
        falseAlarms++;
      }
      if (r.delay >= 0) {
        detected++;
        delays.add(r.delay);
      }
      targetPass[i] = r.targetPass;
      realised[i] = r.realisedDrop;
      hit[i] = r.delay >= 0;
    }
    return new ScenarioResult(
        scenario,
        runs,
        falseAlarms,
        detected,
        delays.stream().mapToInt(Integer::intValue).toArray(),
        targetPass,
        hit,
        realised);
  }

  private record RunResult(boolean falseAlarm, int delay, double targetPass, double realisedDrop) {}

  private RunResult runOnce(Scenario scenario, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    WorldModel world = new WorldModel(tuis, models, tasks, r.nextLong(), spread);
    int targetTui = r.nextInt(tuis);
    int targetModel = r.nextInt(models);
    int targetTask = r.nextInt(tasks);
    double drop = scenario.pairDrop();
    if (scenario.choosesAmongCapable()) {
      // The regressed target is one that can regress by the named amount: a pair whose pass rate
      // allows the drop, a task that was passing.
      List<int[]> capable = new ArrayList<>();
      if (drop > 0) {
        for (int t = 0; t < tuis; t++) {
          for (int m = 0; m < models; m++) {
            if (world.pairPassProbability(t, m) >= drop) {
              capable.add(new int[] {t, m, targetTask});
            }
          }
        }
      } else {
        for (int k = 0; k < tasks; k++) {
          if (world.taskPassProbability(k) >= PASSING_TASK) {
            capable.add(new int[] {targetTui, targetModel, k});
          }
        }
      }
      if (capable.isEmpty()) {
        throw new IllegalStateException("no target in this world can regress as " + scenario);
      }
      int[] pick = capable.get(r.nextInt(capable.size()));
      targetTui = pick[0];
      targetModel = pick[1];
      targetTask = pick[2];
    }
    // Per task of the target pair, how much its pass probability falls.
    double[] taskDrop = new double[tasks];
    if (drop > 0) {
      double[] p = new double[tasks];
      for (int k = 0; k < tasks; k++) {
        p[k] = world.passProbability(targetTui, targetModel, k);
      }
      double cap = scenario.choosesAmongCapable() ? evenDropCap(p, drop) : drop;
      for (int k = 0; k < tasks; k++) {
        taskDrop[k] = Math.min(p[k], cap);
      }
    }
    double targetPass =
        switch (scenario) {
          case TASK_FAILS, TASK_FAILS_ANY_TASK -> world.taskPassProbability(targetTask);
          case PASS_DROP_015, PASS_DROP_030, PASS_DROP_030_FLOORED ->
              world.pairPassProbability(targetTui, targetModel);
          default -> Double.NaN;
        };
    double realisedDrop =
        switch (scenario) {
          case TASK_FAILS, TASK_FAILS_ANY_TASK -> targetPass;
          case PASS_DROP_015, PASS_DROP_030, PASS_DROP_030_FLOORED ->
              Arrays.stream(taskDrop).average().orElse(0);
          default -> Double.NaN;
        };
    Detector detector =
        new Detector(AlphaSpending.quarters(), fdr, minPairs, baselineSweeps, line -> {});
    Instant now = Instant.EPOCH;
    for (int b = 0; b < baselineSweeps; b++) {
      for (Observation o :
          sweep(
              world,
              "baseline-" + b,
              Scenario.CLEAN,
              0,
              0,
              0,
              new double[tasks],
              r.split(),
              1_000 + b)) {
        detector.accept(o);
      }
    }
    detector.evaluate(now);
    List<Observation> candidate =
        sweep(
            world,
            "candidate",
            scenario,
            targetTui,
            targetModel,
            targetTask,
            taskDrop,
            r.split(),
            1_000 + baselineSweeps);
    boolean falseAlarm = false;
    int delay = -1;
    for (int i = 0; i < candidate.size(); i++) {
      detector.accept(candidate.get(i));
      for (AlertRecord a : detector.evaluate(now)) {
        if (!a.state().equals(AlertStates.FIRING)) {
          continue;
        }
        if (explains(scenario, world, targetTui, targetModel, targetTask, a)) {
          if (delay < 0 && primary(scenario, world, targetTui, targetModel, targetTask, a)) {
            delay = i + 1;
          }
        } else {
          falseAlarm = true;
        }
      }
    }
    return new RunResult(falseAlarm, delay, targetPass, realisedDrop);
  }

  /**
   * The level {@code c} at which taking {@code min(p_k, c)} off every task's pass probability
   * lowers their mean by {@code drop} (bisection; the mean loss grows with {@code c} from 0 to the
   * mean of {@code p}, which must be at least {@code drop}).
   */
  static double evenDropCap(double[] p, double drop) {
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      double loss = 0;
      for (double v : p) {
        loss += Math.min(v, mid);
      }
      if (loss / p.length < drop) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /** Whether the alert is the one the scenario must raise. */
  private static boolean primary(
      Scenario s, WorldModel w, int tui, int model, int task, AlertRecord a) {
    return switch (s) {
      case CLEAN -> false;
      case PASS_DROP_015, PASS_DROP_030, PASS_DROP_030_FLOORED ->
          a.rule().equals("pass_rate_drop")
              && a.tui().equals(w.tuis[tui])
              && a.model().equals(w.models[model]);
      case TASK_FAILS, TASK_FAILS_ANY_TASK ->
          a.rule().equals("task_failing") && a.task().equals(w.tasks[task]);
      case LATENCY_X15 -> a.rule().startsWith("latency_rise") && a.model().equals(w.models[model]);
      case INFRA_SPIKE -> a.rule().startsWith("infra_rate_rise");
    };
  }

  /** Whether the scenario explains the alert (true regressions it causes are not false alarms). */
  private static boolean explains(
      Scenario s, WorldModel w, int tui, int model, int task, AlertRecord a) {
    if (primary(s, w, tui, model, task, a)) {
      return true;
    }
    // A broken task lowers every pair's pass rate a little: a pair alert is a true one then.
    // Slower cells hit the time limit more often: an infra-error rise of that model is true too.
    return ((s == Scenario.TASK_FAILS || s == Scenario.TASK_FAILS_ANY_TASK)
            && a.rule().equals("pass_rate_drop"))
        || (s == Scenario.LATENCY_X15
            && a.rule().startsWith("infra_rate_rise")
            && (a.model().isEmpty() || a.model().equals(w.models[model])));
  }

  private List<Observation> sweep(
      WorldModel w,
      String sweepId,
      Scenario scenario,
      int targetTui,
      int targetModel,
      int targetTask,
      double[] taskDrop,
      SplittableRandom r,
      long startedAt) {
    List<Observation> cells = new ArrayList<>(tuis * models * tasks);
    double infraP = scenario == Scenario.INFRA_SPIKE ? SPIKE_INFRA : BASE_INFRA;
    for (int t = 0; t < tuis; t++) {
      for (int m = 0; m < models; m++) {
        for (int k = 0; k < tasks; k++) {
          double p = w.passProbability(t, m, k);
          boolean pair = t == targetTui && m == targetModel;
          if (pair) {
            p -= taskDrop[k];
          }
          if (scenario.breaksTask() && k == targetTask) {
            p = 0;
          }
          double seconds = w.wallSeconds(t, m, k, r);
          if (scenario == Scenario.LATENCY_X15 && m == targetModel) {
            seconds *= 1.5;
          }
          boolean infra = r.nextDouble() < infraP;
          boolean pass = r.nextDouble() < p;
          Outcome outcome;
          boolean timedOut = seconds > WorldModel.TIMEOUT_S;
          if (timedOut || infra) {
            outcome = Outcome.INFRA_ERROR;
            seconds = Math.min(seconds, WorldModel.TIMEOUT_S);
          } else {
            outcome = pass ? Outcome.PASSED : Outcome.FAILED;
          }
          String id = sweepId + "/" + w.tuis[t] + "/" + w.models[m] + "/" + w.tasks[k];
          cells.add(
              new Observation(
                  id,
                  sweepId,
                  w.tuis[t],
                  w.models[m],
                  w.tasks[k],
                  outcome,
                  seconds * 1000,
                  startedAt,
                  timedOut));
        }
      }
    }
    // Runners finish cells in no particular order.
    for (int i = cells.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      Observation tmp = cells.get(i);
      cells.set(i, cells.get(j));
      cells.set(j, tmp);
    }
    return cells;
  }

  /** The report as a table, one line per scenario. */
  public static String table(Map<Scenario, ScenarioResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "| %-42s | %5s | %12s | %9s | %13s |%n",
            "scenario",
            "runs",
            "false alarms",
            "detected",
            "median delay"));
    sb.append(
        "|--------------------------------------------|-------|--------------|-----------|---------------|\n");
    for (ScenarioResult r : results.values()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %-42s | %5d | %11.1f%% | %s | %13s |%n",
              r.scenario().description(),
              r.runs(),
              100 * r.falseAlarmShare(),
              r.scenario() == Scenario.CLEAN
                  ? "        -"
                  : String.format(Locale.ROOT, "%8.1f%%", 100 * r.detectionRate()),
              Double.isNaN(r.medianDelay())
                  ? "-"
                  : String.format(Locale.ROOT, "%.0f cells", r.medianDelay())));
    }
    for (ScenarioResult r : results.values()) {
      if (r.scenario().pairDrop() > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%s: the pair's mean pass probability fell by %.3f on average (at least %.3f)%n",
                r.scenario().description().strip(),
                r.meanRealisedDrop(),
                r.minRealisedDrop()));
      }
    }
    for (Scenario s : new Scenario[] {Scenario.TASK_FAILS, Scenario.TASK_FAILS_ANY_TASK}) {
      ScenarioResult task = results.get(s);
      if (task == null) {
        continue;
      }
      int[] often = task.detectedWhereTargetPasses(0.5, true);
      int[] seldom = task.detectedWhereTargetPasses(0.5, false);
      sb.append(
          String.format(
              Locale.ROOT,
              "%s: detected %d of %d tasks the pairs passed at least half of the time"
                  + " before, %d of %d of the others%n",
              s.description().strip(),
              often[0],
              often[1],
              seldom[0],
              seldom[1]));
    }
    return sb.toString();
  }

  /**
   * {@code ./cab alerts-eval}: prints the table for a baseline of one sweep and for the pooled
   * baseline. Arguments: [runs] [seed] [baseline sweeps] [simulator|wide].
   */
  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20261203L;
    int pooled =
        args.length > 2 ? Integer.parseInt(args[2]) : AlertsSettings.DEFAULT_BASELINE_SWEEPS;
    TaskSpread spread =
        args.length > 3
            ? TaskSpread.valueOf(args[3].toUpperCase(Locale.ROOT))
            : TaskSpread.SIMULATOR;
    report(System.out, runs, seed, pooled, spread, EnumSet.allOf(Scenario.class));
  }

  /**
   * Prints the table for a baseline of one earlier sweep, then (when {@code pooled > 1}) for the
   * pooled baseline of {@code pooled} earlier sweeps, in the given world, for the given scenarios
   * (each draws the same worlds whichever others run with it).
   */
  public static void report(
      PrintStream out,
      int runs,
      long seed,
      int pooled,
      TaskSpread spread,
      Set<Scenario> scenarios) {
    for (int b : pooled == 1 ? new int[] {1} : new int[] {1, pooled}) {
      long t0 = System.nanoTime();
      Map<Scenario, ScenarioResult> results = standard(b, spread).run(seed, runs, scenarios);
      out.printf(
          Locale.ROOT,
          "baseline: %s; world: %s task spread%n",
          describeBaseline(b),
          spread.label());
      out.print(table(results));
      out.printf(
          Locale.ROOT,
          "seed %d, %d runs per scenario (clean: %d), 800 cells per sweep, %.1f s%n%n",
          seed,
          runs,
          2 * runs,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** "1 earlier sweep" or "4 earlier sweeps, pooled". */
  public static String describeBaseline(int baselineSweeps) {
    return baselineSweeps == 1
        ? "1 earlier sweep"
        : baselineSweeps + " earlier sweeps of the same grid, pooled";
  }
}
