package dev.cab.alerts.eval;

import java.util.SplittableRandom;

/**
 * The latent world of the offline evaluation, the same shape as the runner's simulator ({@code
 * dev.cab.runner.sim.internal.CellGenerator}): each tui, model, (tui, model) pair and task gets a
 * skill or difficulty drawn from the seed, a cell passes with probability {@code sigmoid(0.4 + 0.6
 * tui + 0.8 model + 0.4 pair - 0.7 difficulty)}, and its wall clock is log-normal around a per-tui
 * median scaled per model and task ({@code sigma} 0.55), with a Pareto tail for 8% of cells and a
 * 600 s timeout that counts as an infra error. Baseline and candidate share the world; their cells
 * are independent draws from it.
 *
 * <p>{@link TaskSpread#WIDE} widens the tasks' difficulties (a logit coefficient of 2.5 instead of
 * 0.7): about 12% of tasks are then solved by the 16 pairs less than 10% of the time on average and
 * 20% more than 90% of the time, the U-shaped spread of per-task solve rates that agent benchmarks
 * show (docs/ALERTS.md, "Which world"). Wall clocks keep the simulator's dependence on difficulty.
 */
final class WorldModel {
  static final double TIMEOUT_S = 600;

  final String[] tuis;
  final String[] models;
  final String[] tasks;
  private final double[] tuiSkill;
  private final double[] modelSkill;
  private final double[][] pairSkill;
  private final double[] difficulty;
  private final double[] tuiMedianS;
  private final double[] modelSpeed;
  private final double taskSpread;

  WorldModel(int tuiCount, int modelCount, int taskCount, long seed) {
    this(tuiCount, modelCount, taskCount, seed, TaskSpread.SIMULATOR);
  }

  WorldModel(int tuiCount, int modelCount, int taskCount, long seed, TaskSpread spread) {
    this.taskSpread = spread.coefficient();
    SplittableRandom r = new SplittableRandom(seed);
    tuis = names("tui", tuiCount);
    models = names("model", modelCount);
    tasks = names("task", taskCount);
    tuiSkill = gaussians(r, tuiCount);
    modelSkill = gaussians(r, modelCount);
    pairSkill = new double[tuiCount][];
    for (int i = 0; i < tuiCount; i++) {
      pairSkill[i] = gaussians(r, modelCount);
    }
    difficulty = gaussians(r, taskCount);
    tuiMedianS = new double[tuiCount];
    for (int i = 0; i < tuiCount; i++) {
      tuiMedianS[i] = 30 + 90 * r.nextDouble();
    }
    modelSpeed = new double[modelCount];
    for (int i = 0; i < modelCount; i++) {
      modelSpeed[i] = 0.6 + r.nextDouble();
    }
  }

  private static String[] names(String prefix, int n) {
    String[] s = new String[n];
    for (int i = 0; i < n; i++) {
      s[i] = prefix + "-" + i;
    }
    return s;
  }

  private static double[] gaussians(SplittableRandom r, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = gaussian(r);
    }
    return g;
  }

  static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  double passProbability(int tui, int model, int task) {
    double logit =
        0.4
            + 0.6 * tuiSkill[tui]
            + 0.8 * modelSkill[model]
            + 0.4 * pairSkill[tui][model]
            - taskSpread * difficulty[task];
    return 1 / (1 + Math.exp(-logit));
  }

  /** The mean pass probability of a task over every (tui, model) pair. */
  double taskPassProbability(int task) {
    double sum = 0;
    for (int t = 0; t < tuis.length; t++) {
      for (int m = 0; m < models.length; m++) {
        sum += passProbability(t, m, task);
      }
    }
    return sum / (tuis.length * models.length);
  }

  /** The mean pass probability of a (tui, model) pair over every task. */
  double pairPassProbability(int tui, int model) {
    double sum = 0;
    for (int k = 0; k < tasks.length; k++) {
      sum += passProbability(tui, model, k);
    }
    return sum / tasks.length;
  }

  /** Wall clock in seconds before any timeout. */
  double wallSeconds(int tui, int model, int task, SplittableRandom r) {
    double s =
        tuiMedianS[tui]
            * modelSpeed[model]
            * Math.exp(0.5 * 0.7 * difficulty[task])
            * Math.exp(0.55 * gaussian(r));
    if (r.nextDouble() < 0.08) {
      s *= 1.5 * Math.pow(1 - r.nextDouble(), -1 / 1.4);
    }
    return s;
  }
}
