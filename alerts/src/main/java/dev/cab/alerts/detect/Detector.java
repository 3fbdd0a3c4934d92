package dev.cab.alerts.detect;

import dev.cab.alerts.lifecycle.Lifecycle;
import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.model.wire.AlertRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Regression detection over every sweep it has seen: keeps the observations of each sweep, finds
 * each sweep's baseline, keeps one {@link Comparison} per candidate sweep and turns its findings
 * into alert transitions through the {@link Lifecycle}. Pure: no Kafka, no clock (the caller passes
 * the time), so the offline evaluation and the live stage run the same code. Not thread-safe.
 *
 * <p>Baseline of a sweep: the one declared for it ({@link #declareBaseline}), else the newest
 * earlier sweep (by its first cell's start) sharing the most cells (same tui, model and task),
 * chosen once when the sweep's first shared cell arrives and kept (so fingerprints stay stable). A
 * sweep without one, or whose declared baseline shares no cells, is reported through the notice
 * callback once and kept: it is compared as soon as a baseline appears.
 */
public final class Detector {
  private final AlphaSpending spending;
  private final double fdr;
  private final int minPairs;
  private final Consumer<String> notices;
  private final Lifecycle lifecycle = new Lifecycle();
  private final Map<String, Sweep> sweeps = new HashMap<>();
  private final Map<String, String> declared = new HashMap<>();
  private final Map<String, String> declaredBySettings = new HashMap<>();
  private final Map<String, Comparison> comparisons = new LinkedHashMap<>();
  private final Map<String, Observation> byCell = new HashMap<>();
  private final Set<String> noticed = new HashSet<>();
  private final Set<String> touched = new HashSet<>();
  private long order;

  /**
   * @param spending the looks and their shares of the error budget
   * @param fdr the false-alarm budget {@code q} of each comparison, shared by the rule families
   * @param minPairs a hypothesis is tested only once it pairs this many cells
   * @param notices receives one line per new condition worth an operator's attention (no baseline,
   *     a baseline sharing nothing)
   */
  public Detector(AlphaSpending spending, double fdr, int minPairs, Consumer<String> notices) {
    this.spending = spending;
    this.fdr = fdr;
    this.minPairs = minPairs;
    this.notices = notices;
  }

  private static final class Sweep {
    final String id;
    final Map<String, Observation> cells = new HashMap<>();
    final long firstSeen;
    long firstStart = Long.MAX_VALUE;

    Sweep(String id, long firstSeen) {
      this.id = id;
      this.firstSeen = firstSeen;
    }

    boolean earlierThan(Sweep other) {
      long a = firstStart == Long.MAX_VALUE ? 0 : firstStart;
      long b = other.firstStart == Long.MAX_VALUE ? 0 : other.firstStart;
      return a != b ? a < b : firstSeen < other.firstSeen;
    }
  }

  /** The alert lifecycle (for restoring states read back from the alerts topic). */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /**
   * Declares {@code baseline} as the baseline of {@code sweep} by the operator ({@code
   * alerts.baselines}): it wins over the sweep plan's.
   */
  public void declareBaseline(String sweep, String baseline) {
    declare(sweep, baseline, "alerts.baselines");
  }

  /**
   * The baseline the sweep plan of {@code sweep} declares ({@code cab.sweep.baseline}), or null
   * when it declares none. Ignored, with a notice, when {@code alerts.baselines} names another.
   */
  public void declarePlannedBaseline(String sweep, String baseline) {
    if (baseline == null || baseline.isBlank()) {
      return;
    }
    String bySettings = declaredBySettings.get(sweep);
    if (bySettings != null) {
      if (!bySettings.equals(baseline)) {
        noticeOnce(
            "plan-overridden:" + sweep + "\u001f" + baseline,
            "sweep "
                + sweep
                + ": its plan declares baseline "
                + baseline
                + ", alerts.baselines says "
                + bySettings
                + "; using "
                + bySettings);
      }
      return;
    }
    declare(sweep, baseline, "sweep plan");
  }

  private void declare(String sweep, String baseline, String source) {
    if (baseline == null || baseline.isBlank()) {
      return;
    }
    if (baseline.equals(sweep)) {
      noticeOnce(
          "self:" + sweep,
          "sweep " + sweep + ": " + source + " declares it as its own baseline; ignored");
      return;
    }
    if (source.equals("alerts.baselines")) {
      declaredBySettings.put(sweep, baseline);
    }
    String before = declared.put(sweep, baseline);
    if (!baseline.equals(before)) {
      Comparison c = comparisons.get(sweep);
      if (c != null && !c.baselineId().equals(baseline)) {
        notices.accept(
            "sweep "
                + sweep
                + ": baseline declared as "
                + baseline
                + " ("
                + source
                + ") after "
                + c.baselineId()
                + " was chosen; keeping "
                + c.baselineId()
                + " for this run");
      } else if (c == null) {
        touched.add(sweep);
      }
    }
  }

  /** A new or updated cell. */
  public void accept(Observation o) {
    Observation previous = byCell.put(o.cellId(), o);
    if (previous != null && !previous.sweepId().equals(o.sweepId())) {
      remove(previous);
      previous = null;
    }
    Sweep s = sweeps.computeIfAbsent(o.sweepId(), id -> new Sweep(id, order++));
    if (o.startedAtMillis() > 0) {
      s.firstStart = Math.min(s.firstStart, o.startedAtMillis());
    }
    Observation replaced = s.cells.put(o.key(), o);
    boolean counted = replaced != null && replaced.differsFrom(o);
    if (replaced != null && !replaced.differsFrom(o)) {
      return; // a newer version that changes nothing detection looks at
    }
    changed(o.sweepId(), o.key(), counted);
  }

  /** A cell deleted (a tombstone on the cells topic). */
  public void delete(String cellId) {
    Observation o = byCell.remove(cellId);
    if (o != null) {
      remove(o);
    }
  }

  private void remove(Observation o) {
    Sweep s = sweeps.get(o.sweepId());
    if (s != null && s.cells.remove(o.key(), o)) {
      changed(o.sweepId(), o.key(), true);
    }
  }

  private void changed(String sweepId, String key, boolean replaced) {
    touched.add(sweepId);
    for (Comparison c : comparisons.values()) {
      if (c.candidateId().equals(sweepId) || c.baselineId().equals(sweepId)) {
        c.observe(key, replaced);
      }
    }
  }

  /** Number of sweeps seen. */
  public int sweepCount() {
    return sweeps.size();
  }

  /** Hypothesis tests run so far over every comparison (one per look taken). */
  public long hypothesesTested() {
    long n = 0;
    for (Comparison c : comparisons.values()) {
      n += c.testsRun();
    }
    return n;
  }

  /** The baseline chosen for a sweep, or null. */
  public String baselineOf(String sweep) {
    Comparison c = comparisons.get(sweep);
    return c == null ? null : c.baselineId();
  }

  /** Resolves baselines of sweeps that changed, evaluates, and returns the transitions. */
  public List<AlertRecord> evaluate(Instant now) {
    for (String id : touched) {
      if (!comparisons.containsKey(id)) {
        resolveBaseline(sweeps.get(id));
      }
    }
    // A declared baseline whose cells arrive after the candidate's: retry its candidates too.
    for (var e : declared.entrySet()) {
      if (touched.contains(e.getValue()) && !comparisons.containsKey(e.getKey())) {
        resolveBaseline(sweeps.get(e.getKey()));
      }
    }
    touched.clear();
    List<AlertRecord> transitions = new ArrayList<>();
    for (Comparison c : comparisons.values()) {
      if (c.changed()) {
        transitions.addAll(lifecycle.apply(c.evaluate(), now));
      }
    }
    return transitions;
  }

  private void resolveBaseline(Sweep s) {
    if (s == null) {
      return;
    }
    String want = declared.get(s.id);
    if (want != null) {
      Sweep b = sweeps.get(want);
      if (b == null) {
        noticeOnce(
            "waiting:" + s.id,
            "sweep " + s.id + ": declared baseline " + want + " has no cells yet; waiting for it");
        return;
      }
      if (shared(s, b) == 0) {
        noticeOnce(
            "disjoint:" + s.id,
            "sweep "
                + s.id
                + ": baseline "
                + want
                + " shares no cells (tui x model x task) with it yet; nothing to compare");
        return;
      }
      start(s, b);
      return;
    }
    Sweep best = null;
    int bestShared = 0;
    for (Sweep other : sweeps.values()) {
      if (other == s || !other.earlierThan(s)) {
        continue;
      }
      int n = shared(s, other);
      if (n > bestShared || (n == bestShared && n > 0 && best.earlierThan(other))) {
        best = other;
        bestShared = n;
      }
    }
    if (best == null) {
      noticeOnce(
          "none:" + s.id,
          "sweep "
              + s.id
              + " has no baseline: none declared (sweep plan or alerts.baselines) and no earlier"
              + " sweep shares a cell with it; no regression detection until one does");
      return;
    }
    start(s, best);
  }

  private void start(Sweep candidate, Sweep baseline) {
    comparisons.put(
        candidate.id,
        new Comparison(
            candidate.id, baseline.id, baseline.cells, candidate.cells, spending, fdr, minPairs));
    notices.accept(
        "sweep "
            + candidate.id
            + ": comparing against baseline "
            + baseline.id
            + (declared.containsKey(candidate.id)
                ? " (declared)"
                : " (newest earlier sweep sharing the most cells)")
            + ", "
            + shared(candidate, baseline)
            + " shared cells so far");
  }

  private static int shared(Sweep a, Sweep b) {
    int n = 0;
    Map<String, Observation> small = a.cells.size() <= b.cells.size() ? a.cells : b.cells;
    Map<String, Observation> large = small == a.cells ? b.cells : a.cells;
    for (String k : small.keySet()) {
      if (large.containsKey(k)) {
        n++;
      }
    }
    return n;
  }

  private void noticeOnce(String key, String line) {
    if (noticed.add(key)) {
      notices.accept(line);
    }
  }
}
