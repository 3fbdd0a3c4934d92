package dev.cab.alerts.detect;

import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.alerts.stats.BenjaminiHochberg;
import dev.cab.model.wire.AlertRecord.Evidence;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A candidate sweep compared with its baseline, one earlier sweep or several pooled (each cell key
 * then has up to one baseline cell per pooled sweep; see {@link Hypothesis#test}): every hypothesis
 * the baseline makes testable, each looked at when its information fraction reaches the next look
 * of the {@link AlphaSpending} schedule, and Benjamini-Hochberg over the sequential p-values within
 * each {@link Rule.Family} at its share of {@code q}, Bonferroni across families (a family's size
 * is every hypothesis of it the baseline plans, tested or not, so a rejection at any moment is a
 * rejection of Simes' test at the end: the chance of any alert in a sweep without regression is at
 * most {@code q}). Not thread-safe.
 */
final class Comparison {
  private final String candidateId;
  private final List<String> baselineIds;
  private final String baselineId;
  private final List<Map<String, Observation>> baselines;
  private final Map<String, Observation> candidate;
  private final AlphaSpending spending;
  private final double fdr;
  private final int minPairs;
  private final Map<String, Hypothesis> hypotheses = new LinkedHashMap<>();
  private final Set<Hypothesis> dirty = new HashSet<>();
  private boolean changed = true;
  private long testsRun;

  Comparison(
      String candidateId,
      List<String> baselineIds,
      List<Map<String, Observation>> baselines,
      Map<String, Observation> candidate,
      AlphaSpending spending,
      double fdr,
      int minPairs) {
    this.candidateId = candidateId;
    this.baselineIds = List.copyOf(baselineIds);
    this.baselineId = String.join(Detector.BASELINE_SEPARATOR, baselineIds);
    this.baselines = List.copyOf(baselines);
    this.candidate = candidate;
    this.spending = spending;
    this.fdr = fdr;
    this.minPairs = minPairs;
    Set<String> keys = new HashSet<>(candidate.keySet());
    for (Map<String, Observation> b : baselines) {
      keys.addAll(b.keySet());
    }
    for (String k : keys) {
      observe(k, false);
    }
  }

  String candidateId() {
    return candidateId;
  }

  /** The baseline's label: its sweeps separated by commas. */
  String baselineId() {
    return baselineId;
  }

  /** The sweeps pooled as the baseline. */
  List<String> baselineIds() {
    return baselineIds;
  }

  /** The baseline cells of {@code key}, one per pooled sweep that has it. */
  List<Observation> baselineAt(String key) {
    List<Observation> out = new ArrayList<>(baselines.size());
    for (Map<String, Observation> b : baselines) {
      Observation o = b.get(key);
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * One side's observation of {@code key} changed.
   *
   * @param replaced whether an observation already counted changed (a re-run): the hypotheses it
   *     belongs to restart their sequence of looks
   */
  void observe(String key, boolean replaced) {
    List<Observation> b = baselineAt(key);
    Observation c = candidate.get(key);
    Observation any = !b.isEmpty() ? b.getFirst() : c;
    if (any == null) {
      // Both gone (tombstones): drop the key from every hypothesis that had it.
      for (Hypothesis h : hypotheses.values()) {
        if (h.planned.remove(key) | h.paired.remove(key) | h.landed.remove(key)) {
          h.restart = true;
          dirty.add(h);
        }
      }
      changed = true;
      return;
    }
    for (Rule r : Rule.values()) {
      String tui = Rule.tuiLabel(r, any);
      String model = Rule.modelLabel(r, any);
      String task = Rule.taskLabel(r, any);
      Hypothesis h =
          hypotheses.computeIfAbsent(
              Hypothesis.id(r, tui, model, task), id -> new Hypothesis(r, tui, model, task));
      boolean wasPaired = h.paired.contains(key);
      h.track(key, b, c);
      if (replaced && wasPaired) {
        h.restart = true;
      }
      dirty.add(h);
    }
    changed = true;
  }

  /** Tests run so far (one per look taken at a hypothesis). */
  long testsRun() {
    return testsRun;
  }

  /** Whether anything changed since the last {@link #evaluate()}. */
  boolean changed() {
    return changed;
  }

  /** Takes the looks that are due and decides every hypothesis. */
  List<Finding> evaluate() {
    for (Hypothesis h : dirty) {
      look(h);
    }
    dirty.clear();
    changed = false;
    // Benjamini-Hochberg within each family at its share of q, over every hypothesis the baseline
    // plans (tested or not: an untested one counts with p = 1, so the family size does not depend
    // on how far the candidate has come); Bonferroni across the families.
    Map<Rule.Family, List<Hypothesis>> families = new EnumMap<>(Rule.Family.class);
    for (Hypothesis h : hypotheses.values()) {
      if (!h.planned.isEmpty()) {
        families.computeIfAbsent(h.rule.family(), f -> new ArrayList<>()).add(h);
      }
    }
    List<Hypothesis> family = new ArrayList<>();
    List<Double> adjustedList = new ArrayList<>();
    for (Map.Entry<Rule.Family, List<Hypothesis>> e : families.entrySet()) {
      List<Hypothesis> members = e.getValue();
      double[] p = new double[members.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = members.get(i).sequentialP;
      }
      // Scaled by the share, the adjusted p-value compares with q itself.
      double[] adjusted = BenjaminiHochberg.adjust(p, p.length);
      for (int i = 0; i < p.length; i++) {
        family.add(members.get(i));
        adjustedList.add(Math.min(1.0, adjusted[i] / e.getKey().share()));
      }
    }
    int m = family.size();
    double[] adjusted = new double[m];
    boolean[] rejected = new boolean[m];
    for (int i = 0; i < m; i++) {
      adjusted[i] = adjustedList.get(i);
      rejected[i] = adjusted[i] <= fdr;
    }
    List<Finding> findings = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      Hypothesis h = family.get(i);
      h.latched |= rejected[i];
      Finding.Level level =
          h.latched
              ? Finding.Level.FIRING
              : h.sequentialP <= fdr ? Finding.Level.PENDING : Finding.Level.INACTIVE;
      if (level == Finding.Level.INACTIVE && !h.everActive) {
        continue; // nothing to say, nothing to transition
      }
      h.everActive = true;
      Evidence e = h.evidence;
      if (e != null) {
        e =
            new Evidence(
                e.test(),
                e.counts(),
                e.effect(),
                e.effectLow(),
                e.effectHigh(),
                e.effectUnit(),
                e.pValue(),
                e.sequentialPValue(),
                adjusted[i],
                fdr,
                e.informationFraction(),
                e.cells());
      }
      findings.add(
          new Finding(
              h.fingerprint(candidateId, baselineId),
              h.rule,
              candidateId,
              baselineId,
              h.tui,
              h.model,
              h.task,
              level,
              e,
              h.summary));
    }
    return findings;
  }

  private void look(Hypothesis h) {
    if (h.restart) {
      // A counted cell changed (a re-run replaced it): the earlier looks no longer describe the
      // data. Start the sequence again, spending at once the share due by now.
      h.restart = false;
      h.latched = false;
      h.lastLook = -1;
      h.sequentialP = 1.0;
    }
    if (h.paired.size() < minPairs) {
      return;
    }
    int k = spending.lookReached(h.informationFraction());
    if (k <= h.lastLook) {
      return;
    }
    double share = spending.share(h.lastLook, k);
    h.lastLook = k;
    Hypothesis.Result r = h.test(this::baselineAt, candidate);
    testsRun++;
    h.lastP = r.pValue();
    h.sequentialP = Math.min(h.sequentialP, Math.min(1.0, r.pValue() / share));
    h.evidence =
        new Evidence(
            r.test(),
            r.counts(),
            r.effect(),
            r.effectLow(),
            r.effectHigh(),
            r.effectUnit(),
            r.pValue(),
            h.sequentialP,
            Double.NaN,
            fdr,
            h.informationFraction(),
            r.cells());
    h.summary = summary(h, r);
  }

  private String summary(Hypothesis h, Hypothesis.Result r) {
    String what =
        switch (h.rule) {
          case PASS_RATE_DROP -> "pass rate of " + h.tui + " x " + h.model;
          case TASK_FAILING -> "pass rate of task " + h.task + " across pairs";
          case LATENCY_RISE_MODEL -> "wall clock of model " + h.model;
          case LATENCY_RISE_PAIR -> "wall clock of " + h.tui + " x " + h.model;
          case INFRA_RATE_RISE_SWEEP -> "infra-error rate of the sweep";
          case INFRA_RATE_RISE_PAIR -> "infra-error rate of " + h.tui + " x " + h.model;
        };
    String effect =
        r.effectUnit().equals("ratio")
            ? String.format(
                Locale.ROOT,
                "x%.2f (95%% CI %s)",
                r.effect(),
                r.effectLow() == null
                    ? "n/a"
                    : String.format(Locale.ROOT, "%.2f..%.2f", r.effectLow(), r.effectHigh()))
            : String.format(
                Locale.ROOT,
                "%+.2f (95%% CI %+.2f..%+.2f)",
                r.effect(),
                r.effectLow(),
                r.effectHigh());
    return String.format(
        Locale.ROOT,
        "%s in %s vs %s: %s on %d paired cells, p=%.2g (%s), sequential p=%.2g",
        what,
        candidateId,
        baselineId,
        effect,
        r.counts().get("pairs"),
        r.pValue(),
        r.test(),
        h.sequentialP);
  }
}
