package dev.cab.alerts.detect;

import dev.cab.alerts.lifecycle.Lifecycle;
import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.model.wire.AlertRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * <p>Baseline of a sweep: one or several earlier sweeps whose cells are pooled (see {@link
 * Comparison}). The ones declared for it ({@link #declareBaseline}, {@link
 * #declarePlannedBaseline}), else the {@code baselineSweeps} newest earlier sweeps (by their first
 * cell's start) among those sharing the most cells (same tui, model and task), chosen once when the
 * sweep's first shared cell arrives and kept (so fingerprints stay stable). A sweep without one, or
 * whose declared baselines share no cells, is reported through the notice callback once and kept:
 * it is compared as soon as a baseline appears.
 *
 * <p>Memory: it keeps the newest {@code keptSweeps} sweeps (by the arrival of their first cell) and
 * forgets older ones, with their cells and their comparison, so that a long-running stage does not
 * grow with every sweep it ever saw. A comparison still running keeps the cells of the baseline it
 * chose (it holds them), but a forgotten sweep is not chosen or declared as a baseline again, and
 * its late cells are ignored (reported once). Alerts already raised for it keep their last state.
 */
public final class Detector {
  /** Separates the sweeps of a pooled baseline in the {@code baseline} label and in sweep plans. */
  public static final String BASELINE_SEPARATOR = ",";

  private final AlphaSpending spending;
  private final double fdr;
  private final int minPairs;
  private final int baselineSweeps;
  private final Consumer<String> notices;
  private final Lifecycle lifecycle = new Lifecycle();
  private final Map<String, Sweep> sweeps = new HashMap<>();
  private final Map<String, List<String>> declared = new HashMap<>();
  private final Map<String, List<String>> declaredBySettings = new HashMap<>();
  private final Map<String, Comparison> comparisons = new LinkedHashMap<>();
  private final Map<String, Observation> byCell = new HashMap<>();
  private final Set<String> noticed = new HashSet<>();
  private final Set<String> touched = new HashSet<>();
  private final Set<String> forgotten = new HashSet<>();
  private final int keptSweeps;
  private long order;

  /**
   * @param spending the looks and their shares of the error budget
   * @param fdr the false-alarm budget {@code q} of each comparison, shared by the rule families
   * @param minPairs a hypothesis is tested only once it pairs this many cells
   * @param baselineSweeps how many earlier sweeps the automatic baseline pools (at least 1)
   * @param notices receives one line per new condition worth an operator's attention (no baseline,
   *     a baseline sharing nothing)
   */
  public Detector(
      AlphaSpending spending,
      double fdr,
      int minPairs,
      int baselineSweeps,
      Consumer<String> notices) {
    this(spending, fdr, minPairs, baselineSweeps, Integer.MAX_VALUE, notices);
  }

  /**
   * As {@link #Detector(AlphaSpending, double, int, int, Consumer)}, keeping only the newest {@code
   * keptSweeps} sweeps (more than {@code baselineSweeps}).
   */
  public Detector(
      AlphaSpending spending,
      double fdr,
      int minPairs,
      int baselineSweeps,
      int keptSweeps,
      Consumer<String> notices) {
    if (baselineSweeps < 1) {
      throw new IllegalArgumentException("baselineSweeps must be at least 1: " + baselineSweeps);
    }
    if (keptSweeps <= baselineSweeps) {
      throw new IllegalArgumentException(
          "keptSweeps must be more than baselineSweeps (" + baselineSweeps + "): " + keptSweeps);
    }
    this.keptSweeps = keptSweeps;
    this.spending = spending;
    this.fdr = fdr;
    this.minPairs = minPairs;
    this.baselineSweeps = baselineSweeps;
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
   * The sweeps of a baseline list: {@code "a,b"} (a sweep plan's {@code cab.sweep.baseline}) names
   * two sweeps; blanks and repeats are dropped.
   */
  public static List<String> parseBaselines(String text) {
    if (text == null) {
      return List.of();
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String part : text.split(BASELINE_SEPARATOR)) {
      if (!part.isBlank()) {
        ids.add(part.trim());
      }
    }
    return List.copyOf(ids);
  }

  /**
   * Declares {@code baselines} as the baseline of {@code sweep} by the operator ({@code
   * alerts.baselines}): it wins over the sweep plan's.
   */
  public void declareBaseline(String sweep, List<String> baselines) {
    declare(sweep, baselines, "alerts.baselines");
  }

  /**
   * The baseline the sweep plan of {@code sweep} declares ({@code cab.sweep.baseline}: one sweep or
   * several separated by commas), or null when it declares none. Ignored, with a notice, when
   * {@code alerts.baselines} names another.
   */
  public void declarePlannedBaseline(String sweep, String baseline) {
    List<String> ids = parseBaselines(baseline);
    if (ids.isEmpty()) {
      return;
    }
    List<String> bySettings = declaredBySettings.get(sweep);
    if (bySettings != null) {
      if (!bySettings.equals(ids)) {
        noticeOnce(
            "plan-overridden:" + sweep + "\u001f" + ids,
            "sweep "
                + sweep
                + ": its plan declares baseline "
                + label(ids)
                + ", alerts.baselines says "
                + label(bySettings)
                + "; using "
                + label(bySettings));
      }
      return;
    }
    declare(sweep, ids, "sweep plan");
  }

  private void declare(String sweep, List<String> baselines, String source) {
    List<String> ids = new ArrayList<>(baselines);
    if (ids.remove(sweep)) {
      noticeOnce(
          "self:" + sweep,
          "sweep "
              + sweep
              + ": "
              + source
              + " declares it as its own baseline; "
              + (ids.isEmpty() ? "ignored" : "left out of its baseline " + label(ids)));
    }
    if (ids.isEmpty()) {
      return;
    }
    if (source.equals("alerts.baselines")) {
      declaredBySettings.put(sweep, List.copyOf(ids));
    }
    List<String> before = declared.put(sweep, List.copyOf(ids));
    if (!ids.equals(before)) {
      Comparison c = comparisons.get(sweep);
      if (c != null && !c.baselineIds().equals(ids)) {
        notices.accept(
            "sweep "
                + sweep
                + ": baseline declared as "
                + label(ids)
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

  private static String label(List<String> ids) {
    return String.join(BASELINE_SEPARATOR, ids);
  }

  /** A new or updated cell. */
  public void accept(Observation o) {
    if (forgotten.contains(o.sweepId())) {
      noticeOnce(
          "forgotten:" + o.sweepId(),
          "sweep "
              + o.sweepId()
              + ": a cell arrived after the sweep was forgotten (older than the "
              + keptSweeps
              + " newest sweeps); its cells are ignored");
      return;
    }
    Observation previous = byCell.put(o.cellId(), o);
    if (previous != null && !previous.sweepId().equals(o.sweepId())) {
      remove(previous);
      previous = null;
    }
    Sweep s = sweeps.get(o.sweepId());
    if (s == null) {
      s = new Sweep(o.sweepId(), order++);
      sweeps.put(s.id, s);
      if (sweeps.size() > keptSweeps) {
        forgetOldest();
      }
    }
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

  /** Forgets the sweep whose first cell arrived first, its cells and its comparison. */
  private void forgetOldest() {
    Sweep oldest = null;
    for (Sweep s : sweeps.values()) {
      if (oldest == null || s.firstSeen < oldest.firstSeen) {
        oldest = s;
      }
    }
    sweeps.remove(oldest.id);
    comparisons.remove(oldest.id);
    declared.remove(oldest.id);
    touched.remove(oldest.id);
    for (Observation o : oldest.cells.values()) {
      byCell.remove(o.cellId(), o);
    }
    forgotten.add(oldest.id);
    notices.accept(
        "sweep "
            + oldest.id
            + " forgotten with its "
            + oldest.cells.size()
            + " cells: detection keeps the "
            + keptSweeps
            + " newest sweeps (alerts.sweeps.kept)");
  }

  /** Number of sweeps forgotten to keep the newest {@code keptSweeps}. */
  public int forgottenCount() {
    return forgotten.size();
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
      if (c.candidateId().equals(sweepId) || c.baselineIds().contains(sweepId)) {
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

  /** The baseline chosen for a sweep (its sweeps separated by commas when pooled), or null. */
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
      if (!comparisons.containsKey(e.getKey())
          && e.getValue().stream().anyMatch(touched::contains)) {
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
    List<String> want = declared.get(s.id);
    if (want != null) {
      resolveDeclared(s, want);
      return;
    }
    // The sweeps sharing the most cells, the newest first among equals; the first baselineSweeps.
    List<Sweep> earlier = new ArrayList<>();
    Map<Sweep, Integer> sharedCells = new HashMap<>();
    for (Sweep other : sweeps.values()) {
      if (other == s || !other.earlierThan(s)) {
        continue;
      }
      int n = shared(s, other);
      if (n > 0) {
        earlier.add(other);
        sharedCells.put(other, n);
      }
    }
    if (earlier.isEmpty()) {
      noticeOnce(
          "none:" + s.id,
          "sweep "
              + s.id
              + " has no baseline: none declared (sweep plan or alerts.baselines) and no earlier"
              + " sweep shares a cell with it; no regression detection until one does");
      return;
    }
    earlier.sort(
        (a, b) -> {
          int byShared = Integer.compare(sharedCells.get(b), sharedCells.get(a));
          return byShared != 0 ? byShared : a.earlierThan(b) ? 1 : -1;
        });
    start(s, earlier.subList(0, Math.min(baselineSweeps, earlier.size())), false);
  }

  private void resolveDeclared(Sweep s, List<String> want) {
    List<Sweep> usable = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> disjoint = new ArrayList<>();
    for (String id : want) {
      Sweep b = sweeps.get(id);
      if (b == null && forgotten.contains(id)) {
        noticeOnce(
            "forgotten-baseline:" + s.id + "\u001f" + id,
            "sweep "
                + s.id
                + ": declared baseline "
                + id
                + " was forgotten (older than the "
                + keptSweeps
                + " newest sweeps): raise alerts.sweeps.kept to compare against it");
      } else if (b == null) {
        missing.add(id);
      } else if (shared(s, b) == 0) {
        disjoint.add(id);
      } else {
        usable.add(b);
      }
    }
    if (usable.isEmpty()) {
      if (!missing.isEmpty()) {
        noticeOnce(
            "waiting:" + s.id + "\u001f" + missing,
            "sweep "
                + s.id
                + ": declared baseline "
                + label(missing)
                + (missing.size() == 1 ? " has" : " have")
                + " no cells yet; waiting for "
                + (missing.size() == 1 ? "it" : "them"));
      }
      if (!disjoint.isEmpty()) {
        noticeOnce(
            "disjoint:" + s.id + "\u001f" + disjoint,
            "sweep "
                + s.id
                + ": baseline "
                + label(disjoint)
                + (disjoint.size() == 1 ? " shares" : " share")
                + " no cells (tui x model x task) with it yet; nothing to compare");
      }
      return;
    }
    if (!missing.isEmpty() || !disjoint.isEmpty()) {
      // Compared now with what is there: the baseline is fixed once chosen (stable fingerprints).
      List<String> left = new ArrayList<>(missing);
      left.addAll(disjoint);
      notices.accept(
          "sweep "
              + s.id
              + ": declared baseline "
              + label(left)
              + (missing.isEmpty() ? "" : " (no cells: unknown sweep, or not run yet)")
              + (disjoint.isEmpty() ? "" : " (sharing no cells with it)")
              + " left out; pooling the others");
    }
    start(s, usable, true);
  }

  private void start(Sweep candidate, List<Sweep> baselines, boolean declaredBaseline) {
    List<String> ids = new ArrayList<>();
    List<Map<String, Observation>> cells = new ArrayList<>();
    int sharedCells = 0;
    for (Sweep b : baselines) {
      ids.add(b.id);
      cells.add(b.cells);
      sharedCells = Math.max(sharedCells, shared(candidate, b));
    }
    comparisons.put(
        candidate.id,
        new Comparison(candidate.id, ids, cells, candidate.cells, spending, fdr, minPairs));
    notices.accept(
        "sweep "
            + candidate.id
            + ": comparing against baseline "
            + label(ids)
            + (declaredBaseline
                ? " (declared)"
                : ids.size() == 1
                    ? " (newest earlier sweep sharing the most cells)"
                    : " (the "
                        + ids.size()
                        + " newest earlier sweeps sharing the most cells, pooled)")
            + ", "
            + sharedCells
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
