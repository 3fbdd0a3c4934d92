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

  WorldModel(int tuiCount, int modelCount, int taskCount, long seed) {
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
            - 0.7 * difficulty[task];
    return 1 / (1 + Math.exp(-logit));
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
