package dev.cab.alerts.eval;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.detect.Rule;
import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.alerts.stats.StratifiedExact;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Where the 0.3 drop's detections are lost: the regressed pair's test alone, in the worlds of
 * {@link Scenario#PASS_DROP_030} (the pair drawn among those that can fall by 0.3, the drop spread
 * evenly), its baseline of {@code B} earlier runs of its 50 tasks and one candidate run. Per run it
 * computes the pair's exact conditional p-value at the end of the sweep (unweighted as the
 * Mantel-Haenszel score, its mid-p, and standardised), the p-value an oracle would get knowing
 * every task's pass probability before the drop (the Poisson-binomial law of the candidate's
 * passes), and the sequential p-value of the detector's looks (quarters of the pair's tasks in a
 * random landing order, the default {@code t^rho} spending, the union bound). It prints the share
 * of runs whose p-value is within each level that matters: the last look's share of the pair's
 * level, the pair's level (the family's share of {@code q} over its 16 pairs, Benjamini-Hochberg at
 * rank 1), and {@code q / 16} (the whole budget to pass-rate drops); and for the runs the
 * sequential procedure misses, where their final p-values lie. The detector itself is not run: this
 * isolates the test from the multiplicity step. Deterministic for a seed.
 */
public final class DropPower {
  private static final int TUIS = 4;
  private static final int MODELS = 4;
  private static final int TASKS = 50;
  private static final double DROP = 0.30;

  private DropPower() {}

  /** The final-look and sequential p-values of one run. */
  record Run(
      double unweighted,
      double unweightedMidP,
      double standardised,
      double oracle,
      double sequentialUnweighted,
      double sequentialStandardised) {}

  /** One world, one regressed pair, its baseline runs and one candidate run. */
  static Run runOnce(long seed, int baselineSweeps, TaskSpread spread) {
    SplittableRandom r = new SplittableRandom(seed);
    WorldModel world = new WorldModel(TUIS, MODELS, TASKS, r.nextLong(), spread);
    List<int[]> capable = new ArrayList<>();
    for (int t = 0; t < TUIS; t++) {
      for (int m = 0; m < MODELS; m++) {
        if (world.pairPassProbability(t, m) >= DROP) {
          capable.add(new int[] {t, m});
        }
      }
    }
    int[] pick = capable.get(r.nextInt(capable.size()));
    double[] p = new double[TASKS];
    for (int k = 0; k < TASKS; k++) {
      p[k] = world.passProbability(pick[0], pick[1], k);
    }
    double cap = AlertsEval.evenDropCap(p, DROP);
    int[] basePassed = new int[TASKS];
    int[] baseDecided = new int[TASKS];
    for (int b = 0; b < baselineSweeps; b++) {
      for (int k = 0; k < TASKS; k++) {
        int o = outcome(world, pick, k, p[k], r);
        if (o >= 0) {
          baseDecided[k]++;
          basePassed[k] += o;
        }
      }
    }
    int[] cand = new int[TASKS];
    for (int k = 0; k < TASKS; k++) {
      cand[k] = outcome(world, pick, k, p[k] - Math.min(p[k], cap), r);
    }
    int[] order = new int[TASKS];
    for (int i = 0; i < TASKS; i++) {
      order[i] = i;
    }
    for (int i = TASKS - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    List<StratifiedExact.Stratum> all = strata(order, TASKS, cand, basePassed, baseDecided);
    StratifiedExact.Result plain = StratifiedExact.test(all);
    double atObserved = plain.less() + plain.greater() - 1;
    return new Run(
        plain.less(),
        plain.less() - atObserved / 2,
        StratifiedExact.testStandardised(all).less(),
        oracle(cand, p),
        sequential(order, cand, basePassed, baseDecided, false),
        sequential(order, cand, basePassed, baseDecided, true));
  }

  /** 1 passed, 0 failed, -1 an infra error (as {@link AlertsEval}'s cells: 3%, or a time-out). */
  private static int outcome(WorldModel w, int[] pair, int task, double p, SplittableRandom r) {
    double seconds = w.wallSeconds(pair[0], pair[1], task, r);
    boolean infra = r.nextDouble() < AlertsEval.BASE_INFRA;
    boolean pass = r.nextDouble() < p;
    if (infra || seconds > WorldModel.TIMEOUT_S) {
      return -1;
    }
    return pass ? 1 : 0;
  }

  private static List<StratifiedExact.Stratum> strata(
      int[] order, int landed, int[] cand, int[] basePassed, int[] baseDecided) {
    List<StratifiedExact.Stratum> s = new ArrayList<>();
    for (int i = 0; i < landed; i++) {
      int k = order[i];
      if (cand[k] >= 0 && baseDecided[k] > 0) {
        s.add(new StratifiedExact.Stratum(cand[k], 1, basePassed[k], baseDecided[k]));
      }
    }
    return s;
  }

  /** The detector's sequential p-value: looks at quarters of the landed tasks, union bound. */
  private static double sequential(
      int[] order, int[] cand, int[] basePassed, int[] baseDecided, boolean standardised) {
    AlphaSpending spending = AlphaSpending.quarters();
    double[] looks = spending.looks();
    double pSeq = 1;
    int last = -1;
    for (int k = 0; k < looks.length; k++) {
      List<StratifiedExact.Stratum> s =
          strata(order, (int) Math.ceil(TASKS * looks[k] - 1e-9), cand, basePassed, baseDecided);
      if (s.size() < AlertsSettings.DEFAULT_MIN_PAIRS) {
        continue;
      }
      double pk =
          standardised
              ? StratifiedExact.testStandardised(s).less()
              : StratifiedExact.test(s).less();
      pSeq = Math.min(pSeq, pk / spending.share(last, k));
      last = k;
    }
    return Math.min(1, pSeq);
  }

  /** P(S' <= S) for the candidate's passes if every task kept its probability from before. */
  private static double oracle(int[] cand, double[] p) {
    double[] dist = {1};
    int passes = 0;
    for (int k = 0; k < cand.length; k++) {
      if (cand[k] < 0) {
        continue;
      }
      passes += cand[k];
      double[] next = new double[dist.length + 1];
      for (int i = 0; i < dist.length; i++) {
        next[i] += dist[i] * (1 - p[k]);
        next[i + 1] += dist[i] * p[k];
      }
      dist = next;
    }
    double tail = 0;
    for (int i = 0; i <= passes; i++) {
      tail += dist[i];
    }
    return Math.min(1, tail);
  }

  /** Runs {@code runs} worlds and prints the table. */
  public static void report(
      PrintStream out, int runs, long seed, int baselineSweeps, TaskSpread spread) {
    long t0 = System.nanoTime();
    SplittableRandom root = new SplittableRandom(seed);
    List<Run> results = new ArrayList<>(runs);
    for (int i = 0; i < runs; i++) {
      results.add(runOnce(root.nextLong(), baselineSweeps, spread));
    }
    double q = AlertsSettings.DEFAULT_FDR;
    int pairs = TUIS * MODELS;
    double pairLevel = q * Rule.Family.PASS_RATE.share() / pairs;
    double[] shares = AlphaSpending.quarters().looks();
    double lastLook = pairLevel * (1 - AlphaSpending.quarters().spent(shares[shares.length - 2]));
    double allOfQ = q / pairs;
    double[] levels = {lastLook, pairLevel, allOfQ};
    out.printf(
        Locale.ROOT,
        "0.3 drop of one pair, its test alone: %d runs, %s, world: %s task spread, seed %d%n",
        runs,
        AlertsEval.describeBaseline(baselineSweeps),
        spread.label(),
        seed);
    out.printf(
        Locale.ROOT,
        "| p-value at the end of the sweep | <= %.2g (last look) | <= %.2g (the pair's level)"
            + " | <= %.2g (q / 16) |%n|---|---|---|---|%n",
        levels[0],
        levels[1],
        levels[2]);
    row(out, "exact conditional, unweighted", results, Run::unweighted, levels);
    row(out, "  its mid-p (not valid)", results, Run::unweightedMidP, levels);
    row(out, "exact conditional, standardised", results, Run::standardised, levels);
    row(out, "oracle: pass probabilities known", results, Run::oracle, levels);
    out.printf(
        Locale.ROOT,
        "sequential (quarters, t^%.0f, union bound) at the pair's level %.2g: unweighted %.1f%%,"
            + " standardised %.1f%%%n",
        AlphaSpending.DEFAULT_RHO,
        pairLevel,
        share(results, Run::sequentialUnweighted, pairLevel),
        share(results, Run::sequentialStandardised, pairLevel));
    misses(out, "unweighted", results, Run::sequentialUnweighted, Run::unweighted, pairLevel);
    misses(out, "standardised", results, Run::sequentialStandardised, Run::standardised, pairLevel);
    out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static void row(
      PrintStream out, String name, List<Run> results, ToDoubleFunction<Run> p, double[] levels) {
    StringBuilder sb = new StringBuilder("| " + name + " |");
    for (double level : levels) {
      sb.append(String.format(Locale.ROOT, " %.1f%% |", share(results, p, level)));
    }
    out.println(sb);
  }

  private static double share(List<Run> results, ToDoubleFunction<Run> p, double level) {
    return 100.0
        * results.stream().filter(r -> p.applyAsDouble(r) <= level).count()
        / results.size();
  }

  /** The final p-values of the runs the sequential procedure missed, by the level they needed. */
  private static void misses(
      PrintStream out,
      String name,
      List<Run> results,
      ToDoubleFunction<Run> sequential,
      ToDoubleFunction<Run> last,
      double pairLevel) {
    double[] bounds = {pairLevel, AlertsSettings.DEFAULT_FDR / (TUIS * MODELS), 0.01};
    int[] bins = new int[bounds.length + 1];
    List<Double> missed = new ArrayList<>();
    for (Run r : results) {
      if (sequential.applyAsDouble(r) <= pairLevel) {
        continue;
      }
      double p = last.applyAsDouble(r);
      missed.add(p);
      int b = 0;
      while (b < bounds.length && p > bounds[b]) {
        b++;
      }
      bins[b]++;
    }
    double[] sorted = missed.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    out.printf(
        Locale.ROOT,
        "missed (%s): %d; their final p <= %.2g: %d, <= %.2g: %d, <= 0.01: %d, above: %d;"
            + " median %.2g%n",
        name,
        missed.size(),
        bounds[0],
        bins[0],
        bounds[1],
        bins[1],
        bins[2],
        bins[3],
        sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2]);
  }
}
