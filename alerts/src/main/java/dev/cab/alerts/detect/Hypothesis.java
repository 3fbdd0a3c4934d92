package dev.cab.alerts.detect;

import dev.cab.alerts.lifecycle.Fingerprints;
import dev.cab.alerts.stats.FisherExact;
import dev.cab.alerts.stats.McNemar;
import dev.cab.alerts.stats.ShiftTest;
import dev.cab.model.wire.AlertRecord.Evidence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** Cell keys of the baseline that count for the rule: the planned information. */
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
  void track(String key, Observation baseline, Observation candidate) {
    boolean base = rule.eligible(baseline);
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

  /** The test on the cells paired now. */
  Result test(Map<String, Observation> baseline, Map<String, Observation> candidate) {
    List<String> keys = new ArrayList<>(paired);
    keys.sort(null);
    if (rule.aboutLatency()) {
      double[] b = new double[keys.size()];
      double[] c = new double[keys.size()];
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        b[i] = baseline.get(keys.get(i)).latencyMs();
        c[i] = candidate.get(keys.get(i)).latencyMs();
        if (c[i] > b[i] && cells.size() < MAX_EVIDENCE_CELLS) {
          cells.add(candidate.get(keys.get(i)).cellId());
        }
      }
      ShiftTest.Result r = ShiftTest.paired(b, c);
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("pairs", (long) keys.size());
      counts.put("planned", (long) planned.size());
      return new Result(
          r.pValue(),
          r.test(),
          counts,
          r.ratio(),
          nanToNull(r.ratioLow()),
          nanToNull(r.ratioHigh()),
          "ratio",
          cells);
    }
    int lost = 0;
    int gained = 0;
    int basePositive = 0;
    int candPositive = 0;
    List<String> cells = new ArrayList<>();
    for (String k : keys) {
      Observation b = baseline.get(k);
      Observation c = candidate.get(k);
      // "Positive" is the good event for pass rules and the bad one (an infra error) for infra
      // rules; lost always counts the regressing discordance.
      boolean bp =
          rule.aboutInfra() ? b.outcome() != Outcome.INFRA_ERROR : b.outcome() == Outcome.PASSED;
      boolean cp =
          rule.aboutInfra() ? c.outcome() != Outcome.INFRA_ERROR : c.outcome() == Outcome.PASSED;
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
