package dev.cab.alerts.detect;

import dev.cab.alerts.lifecycle.Fingerprints;
import dev.cab.alerts.stats.FisherExact;
import dev.cab.alerts.stats.McNemar;
import dev.cab.alerts.stats.ShiftTest;
import dev.cab.alerts.stats.StratifiedExact;
import dev.cab.model.wire.AlertRecord.Evidence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One null hypothesis of a comparison ("this pair's pass rate did not drop"), with the cells it
 * pairs and its sequential state: the last look taken and the smallest spending-weighted p-value so
 * far. Not thread-safe: owned by its {@link Comparison}.
 */
final class Hypothesis {
  static final int MAX_EVIDENCE_CELLS = 50;

  final Rule rule;
  final String tui;
  final String model;
  final String task;

  /**
   * Cell keys of the baseline (any pooled sweep) that count for the rule: the planned information.
   */
  final Set<String> planned = new HashSet<>();

  /** Cell keys that count on both sides: what the test uses. */
  final Set<String> paired = new HashSet<>();

  /**
   * Planned keys whose candidate cell has landed with an outcome (counting or not, e.g. an infra
   * error for a pass rule): the information fraction, which reaches 1 when the candidate has run
   * everything the baseline plans, even if some pairs were lost to infra errors.
   */
  final Set<String> landed = new HashSet<>();

  int lastLook = -1;
  double sequentialP = 1.0;
  boolean restart;
  Evidence evidence;
  String summary;
  double lastP = 1.0;

  /**
   * Rejected once since the last restart: it keeps firing while its data stands, even when a larger
   * family later raises the bar (no flapping); a restart (a counted cell changed) clears it.
   */
  boolean latched;

  /** Whether it ever left inactive: only then does it report while inactive. */
  boolean everActive;

  private String fingerprint;

  String fingerprint(String sweep, String baseline) {
    if (fingerprint == null) {
      fingerprint = Fingerprints.of(rule.wireName(), sweep, baseline, tui, model, task);
    }
    return fingerprint;
  }

  Hypothesis(Rule rule, String tui, String model, String task) {
    this.rule = rule;
    this.tui = tui;
    this.model = model;
    this.task = task;
  }

  static String id(Rule rule, String tui, String model, String task) {
    return rule.wireName() + '\u001f' + tui + '\u001f' + model + '\u001f' + task;
  }

  double informationFraction() {
    return planned.isEmpty() ? 0 : Math.min(1.0, landed.size() / (double) planned.size());
  }

  /** Updates the planned and paired sets for one cell key after either side changed. */
  void track(String key, List<Observation> baseline, Observation candidate) {
    boolean base = baseline.stream().anyMatch(rule::eligible);
    boolean both = base && rule.eligible(candidate);
    if (base) {
      planned.add(key);
    } else {
      planned.remove(key);
    }
    if (both) {
      paired.add(key);
    } else {
      paired.remove(key);
    }
    if (base && candidate != null && candidate.outcome() != Outcome.PENDING) {
      landed.add(key);
    } else {
      landed.remove(key);
    }
  }

  /**
   * The test on the cells paired now. With a baseline of one sweep each key pairs two cells: exact
   * McNemar (Fisher's exact test across pairs for a task), Wilcoxon signed-rank for latency. With a
   * pooled baseline each key is a stratum of {@code k} baseline events in {@code n} runs against
   * the candidate's cell: the exact conditional test over the strata ({@link StratifiedExact},
   * which is McNemar's when every {@code n} is 1; for a pair's pass rate on the standardised
   * strata), Fisher's exact test on the pooled counts for a task, and the signed-rank test against
   * the median of the baseline's wall clocks per key.
   */
  Result test(Function<String, List<Observation>> baselineAt, Map<String, Observation> candidate) {
    List<String> keys = new ArrayList<>(paired);
    keys.sort(null);
    Map<String, List<Observation>> baseline = new HashMap<>();
    boolean pooled = false;
    int baselineCells = 0;
    for (String k : keys) {
      List<Observation> b = baselineAt.apply(k).stream().filter(rule::eligible).toList();
      baseline.put(k, b);
      pooled |= b.size() > 1;
      baselineCells += b.size();
    }
    if (rule.aboutLatency()) {
      return latency(keys, baseline, candidate, pooled, baselineCells);
    }
    if (pooled) {
      return pooledBinary(keys, baseline, candidate, baselineCells);
    }
    int lost = 0;
    int gained = 0;
    int basePositive = 0;
    int candPositive = 0;
    List<String> cells = new ArrayList<>();
    for (String k : keys) {
      Observation b = baseline.get(k).getFirst();
      Observation c = candidate.get(k);
      // "Positive" is the good event for pass rules and the bad one (an infra error) for infra
      // rules; lost always counts the regressing discordance.
      boolean bp = positive(b);
      boolean cp = positive(c);
      basePositive += bp ? 1 : 0;
      candPositive += cp ? 1 : 0;
      if (bp && !cp) {
        lost++;
        if (cells.size() < MAX_EVIDENCE_CELLS) {
          cells.add(c.cellId());
        }
      } else if (!bp && cp) {
        gained++;
      }
    }
    McNemar.Result r = McNemar.test(keys.size(), lost, gained);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("pairs", (long) keys.size());
    counts.put("planned", (long) planned.size());
    counts.put("lost", (long) lost);
    counts.put("gained", (long) gained);
    if (rule.aboutInfra()) {
      counts.put("baseline_infra_errors", (long) (keys.size() - basePositive));
      counts.put("candidate_infra_errors", (long) (keys.size() - candPositive));
      // Reported as the rise of the infra-error rate: the negated difference of the clean rate.
      return new Result(
          r.pValue(),
          "mcnemar_exact",
          counts,
          -r.effect(),
          -r.effectHigh(),
          -r.effectLow(),
          "rate_difference",
          cells);
    }
    counts.put("baseline_passed", (long) basePositive);
    counts.put("candidate_passed", (long) candPositive);
    if (rule == Rule.TASK_FAILING) {
      // Across pairs the unpaired test is the stronger valid one (see FisherExact); the effect is
      // the same paired difference of rates, with McNemar's interval.
      return new Result(
          FisherExact.regressionPValue(keys.size(), basePositive, candPositive),
          "fisher_exact",
          counts,
          r.effect(),
          r.effectLow(),
          r.effectHigh(),
          "rate_difference",
          cells);
    }
    return new Result(
        r.pValue(),
        "mcnemar_exact",
        counts,
        r.effect(),
        r.effectLow(),
        r.effectHigh(),
        "rate_difference",
        cells);
  }

  /** "Positive": passed for the pass rules, free of an infra error for the infra rules. */
  private boolean positive(Observation o) {
    return rule.aboutInfra() ? o.outcome() != Outcome.INFRA_ERROR : o.outcome() == Outcome.PASSED;
  }

  private Result latency(
      List<String> keys,
      Map<String, List<Observation>> baseline,
      Map<String, Observation> candidate,
      boolean pooled,
      int baselineCells) {
    double[] b = new double[keys.size()];
    double[] c = new double[keys.size()];
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      b[i] = median(baseline.get(keys.get(i)));
      c[i] = candidate.get(keys.get(i)).latencyMs();
      if (c[i] > b[i] && cells.size() < MAX_EVIDENCE_CELLS) {
        cells.add(candidate.get(keys.get(i)).cellId());
      }
    }
    ShiftTest.Result r = ShiftTest.paired(b, c);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("pairs", (long) keys.size());
    counts.put("planned", (long) planned.size());
    if (pooled) {
      counts.put("baseline_cells", (long) baselineCells);
    }
    return new Result(
        r.pValue(),
        pooled ? r.test() + "_vs_baseline_median" : r.test(),
        counts,
        r.ratio(),
        nanToNull(r.ratioLow()),
        nanToNull(r.ratioHigh()),
        "ratio",
        cells);
  }

  private static double median(List<Observation> cells) {
    double[] v = new double[cells.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = cells.get(i).latencyMs();
    }
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /**
   * A pooled baseline on a binary outcome. Each key is a stratum: {@code k} of the baseline's
   * {@code n} runs had the event (passed; an infra error for the infra rules), the candidate's cell
   * {@code x} of 1. The effect is the mean over strata of {@code x - k / n} (candidate minus
   * baseline rate) with a normal 95% interval from the spread of those differences.
   */
  private Result pooledBinary(
      List<String> keys,
      Map<String, List<Observation>> baseline,
      Map<String, Observation> candidate,
      int baselineCells) {
    boolean infra = rule.aboutInfra();
    List<StratifiedExact.Stratum> strata = new ArrayList<>(keys.size());
    int baseEvents = 0;
    int candEvents = 0;
    double sum = 0;
    double sumSq = 0;
    List<String> cells = new ArrayList<>();
    for (String key : keys) {
      List<Observation> b = baseline.get(key);
      int k = 0;
      for (Observation o : b) {
        k += positive(o) != infra ? 1 : 0;
      }
      Observation c = candidate.get(key);
      int x = positive(c) != infra ? 1 : 0;
      strata.add(new StratifiedExact.Stratum(x, 1, k, b.size()));
      baseEvents += k;
      candEvents += x;
      double d = x - k / (double) b.size();
      sum += d;
      sumSq += d * d;
      // A regressing cell: it failed (or hit an infra error) where the baseline mostly did not.
      boolean regressing = infra ? x == 1 && 2 * k < b.size() : x == 0 && 2 * k > b.size();
      if (regressing && cells.size() < MAX_EVIDENCE_CELLS) {
        cells.add(c.cellId());
      }
    }
    int n = keys.size();
    double effect = n == 0 ? 0 : sum / n;
    double half =
        n < 2 ? Double.NaN : 1.96 * Math.sqrt(Math.max(0, sumSq / n - effect * effect) / (n - 1));
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("pairs", (long) n);
    counts.put("planned", (long) planned.size());
    counts.put("baseline_cells", (long) baselineCells);
    String event = infra ? "infra_errors" : "passed";
    counts.put("baseline_" + event, (long) baseEvents);
    counts.put("candidate_" + event, (long) candEvents);
    double p;
    String test;
    if (rule == Rule.TASK_FAILING) {
      p = FisherExact.regressionPValue(baselineCells, baseEvents, n, candEvents);
      test = "fisher_exact_pooled";
    } else if (infra) {
      p = StratifiedExact.test(strata).greater();
      test = "exact_conditional_stratified";
    } else {
      // A pair's drop: the strata standardised (each stratum's count over its null standard
      // deviation), still exact and conditional; see StratifiedExact and docs/ALERTS.md.
      p = StratifiedExact.testStandardised(strata).less();
      test = "exact_conditional_standardised";
    }
    return new Result(
        p,
        test,
        counts,
        effect,
        nanToNull(effect - half),
        nanToNull(effect + half),
        "rate_difference",
        cells);
  }

  private static Double nanToNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** A test's outcome before the multiplicity step. */
  record Result(
      double pValue,
      String test,
      Map<String, Long> counts,
      double effect,
      Double effectLow,
      Double effectHigh,
      String effectUnit,
      List<String> cells) {}
}
