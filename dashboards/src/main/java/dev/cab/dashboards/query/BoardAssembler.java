package dev.cab.dashboards.query;

import dev.cab.dashboards.pages.Formats;
import dev.cab.dashboards.pages.Urls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a {@link Board} from a sweep's {@link SweepFacts}: progress, heatmap and timeline are
 * counted here from the newest version of each landed cell (the same rows and rules as the {@code
 * sweep_progress} view: one row per cell of {@code cells_latest}, outcomes are the pipeline's own
 * triage), so one per-sweep read of the cells serves all three. Pure and thread-safe.
 */
final class BoardAssembler {
  private BoardAssembler() {}

  static final Set<String> DECIDED = Set.of("passed", "failed", "infra_error");

  /** Buckets of the timeline: about this many over the sweep's insert span. */
  private static final long TIMELINE_BUCKETS = 120;

  /**
   * The shortest time axis of the timeline, in seconds: buckets closer together are drawn in a
   * window this long around them, so a sweep that landed within a second gets minutes of axis
   * rather than the charting library's guess.
   */
  static final long MIN_TIME_AXIS_SECONDS = 120;

  static Board assemble(SweepFacts f, long nowMillis, Duration liveWindow) {
    List<SweepFacts.Landed> cells = new ArrayList<>(f.cells().values());
    cells.sort(
        Comparator.comparing(SweepFacts.Landed::task)
            .thenComparing(SweepFacts.Landed::tui)
            .thenComparing(SweepFacts.Landed::model)
            .thenComparingLong(SweepFacts.Landed::insertedMillis)
            .thenComparing(SweepFacts.Landed::cellId));
    Board.Heatmap heatmap = heatmap(f.plan(), f.leaders(), cells);
    long pending = 0;
    for (Board.HeatRow row : heatmap.rows()) {
      pending += row.squares().stream().filter(s -> s.outcome().equals("pending")).count();
    }
    long landed = cells.size();
    long complete = 0;
    long incomplete = 0;
    long undecided = 0;
    long passed = 0;
    long failed = 0;
    long infra = 0;
    for (SweepFacts.Landed c : cells) {
      switch (c.status()) {
        case "complete" -> complete++;
        case "incomplete" -> incomplete++;
        default -> {}
      }
      switch (c.outcome()) {
        case "passed" -> passed++;
        case "failed" -> failed++;
        case "infra_error" -> infra++;
        default -> undecided++;
      }
    }
    long first = f.marker().firstInsertMillis();
    long last = f.marker().lastInsertMillis();
    long expected = landed + pending;
    long done = landed - undecided;
    Board.Progress progress =
        new Board.Progress(
            f.plan().plannedCells(),
            expected,
            landed,
            complete,
            incomplete,
            undecided,
            infra,
            passed,
            failed,
            pending,
            expected == 0 ? 0 : 100.0 * done / expected,
            -1,
            false);
    Board board =
        new Board(
            f.sweepId(),
            progress,
            f.leaders(),
            heatmap,
            timeline(cells, first, last),
            f.alerts(),
            last,
            nowMillis);
    return at(board, f.marker(), nowMillis, liveWindow);
  }

  /**
   * The board as of {@code nowMillis}: whether the sweep is live (a row landed within the live
   * window) and the time left at the rate so far (cells decided over the insert span). Only these
   * change while the data does not, so a cached board is brought up to date here without assembling
   * it again.
   */
  static Board at(Board board, SweepMarker marker, long nowMillis, Duration liveWindow) {
    Board.Progress p = board.progress();
    long first = marker.firstInsertMillis();
    long last = marker.lastInsertMillis();
    long left = p.running() + p.pending();
    long done = p.landed() - p.running();
    boolean live = last > 0 && nowMillis - last <= liveWindow.toMillis();
    long eta = -1;
    if (live && left > 0 && done > 0 && last > first) {
      double perCell = (double) (last - first) / done;
      eta = Math.round(perCell * left / 1000.0);
    }
    if (live == p.live() && eta == p.etaSeconds()) {
      return board; // the same board: callers may keep what they rendered from it
    }
    Board.Progress now =
        new Board.Progress(
            p.planned(),
            p.expected(),
            p.landed(),
            p.complete(),
            p.incomplete(),
            p.running(),
            p.infraFailures(),
            p.passed(),
            p.failed(),
            p.pending(),
            p.percent(),
            eta,
            live);
    return new Board(
        board.sweepId(),
        now,
        board.leaderboard(),
        board.heatmap(),
        board.timeline(),
        board.alerts(),
        board.lastLandedMillis(),
        board.generatedAtMillis());
  }

  /**
   * Cells landed and pass rate so far, cumulative, per bucket of {@code inserted_at} (about 120
   * buckets over the sweep's insert span, whole seconds from the epoch as {@code toStartOfInterval}
   * makes them).
   */
  static Board.Timeline timeline(List<SweepFacts.Landed> cells, long firstMillis, long lastMillis) {
    long step = Math.max(1, (lastMillis - firstMillis) / 1000 / TIMELINE_BUCKETS + 1);
    TreeMap<Long, long[]> buckets = new TreeMap<>();
    for (SweepFacts.Landed c : cells) {
      long t = Math.floorDiv(Math.floorDiv(c.insertedMillis(), 1000), step) * step;
      long[] b = buckets.computeIfAbsent(t, k -> new long[3]);
      b[0]++;
      if (c.outcome().equals("passed")) {
        b[1]++;
      }
      if (c.outcome().equals("passed") || c.outcome().equals("failed")) {
        b[2]++;
      }
    }
    List<Long> seconds = new ArrayList<>();
    List<Long> landed = new ArrayList<>();
    List<Double> passRate = new ArrayList<>();
    long n = 0;
    long passes = 0;
    long scored = 0;
    for (Map.Entry<Long, long[]> e : buckets.entrySet()) {
      n += e.getValue()[0];
      passes += e.getValue()[1];
      scored += e.getValue()[2];
      seconds.add(e.getKey());
      landed.add(n);
      passRate.add(scored == 0 ? null : (double) passes / scored);
    }
    if (seconds.isEmpty()) {
      return new Board.Timeline(seconds, landed, passRate, 0, 0);
    }
    TimeAxis axis = TimeAxis.of(seconds.getFirst(), seconds.getLast());
    return new Board.Timeline(seconds, landed, passRate, axis.fromSeconds(), axis.toSeconds());
  }

  /** A time axis, epoch seconds. */
  record TimeAxis(long fromSeconds, long toSeconds) {
    /**
     * The axis for points from {@code firstSecond} to {@code lastSecond}: their span, or when that
     * is shorter than {@link #MIN_TIME_AXIS_SECONDS} a window of that length centred on them.
     */
    static TimeAxis of(long firstSecond, long lastSecond) {
      if (lastSecond - firstSecond >= MIN_TIME_AXIS_SECONDS) {
        return new TimeAxis(firstSecond, lastSecond);
      }
      long from = Math.floorDiv(firstSecond + lastSecond, 2) - MIN_TIME_AXIS_SECONDS / 2;
      return new TimeAxis(from, from + MIN_TIME_AXIS_SECONDS);
    }
  }

  private static String key(String task, String tui, String model) {
    return task + "\u0000" + tui + "\u0000" + model;
  }

  /**
   * Tasks (the plan's order, then landed tasks outside it, sorted) x pairs (leaderboard order, then
   * planned pairs, then pairs of landed cells the leaderboard does not have yet). A planned cell
   * with no row is pending; of two cells of one (task, tui, model) the newer is shown.
   *
   * @param cells sorted by task, tui, model, insert time
   */
  static Board.Heatmap heatmap(
      SweepFacts.Plan plan, List<Board.LeaderRow> leaders, List<SweepFacts.Landed> cells) {
    LinkedHashSet<Board.Column> columns = new LinkedHashSet<>();
    leaders.forEach(l -> columns.add(new Board.Column(l.tui(), l.model())));
    Set<Board.Column> plannedPairs = new HashSet<>();
    for (String tui : plan.tuis()) {
      for (String model : plan.models()) {
        Board.Column c = new Board.Column(tui, model);
        columns.add(c);
        plannedPairs.add(c);
      }
    }
    LinkedHashSet<String> tasks = new LinkedHashSet<>(plan.tasks());
    Set<String> plannedTasks = Set.copyOf(plan.tasks());
    Map<String, SweepFacts.Landed> byKey = new HashMap<>();
    for (SweepFacts.Landed c : cells) {
      tasks.add(c.task());
      columns.add(new Board.Column(c.tui(), c.model()));
      byKey.put(key(c.task(), c.tui(), c.model()), c);
    }
    List<Board.HeatRow> rows = new ArrayList<>();
    for (String task : tasks) {
      List<Board.Square> squares = new ArrayList<>();
      for (Board.Column c : columns) {
        String where = task + " · " + c.tui() + " × " + c.model() + ": ";
        SweepFacts.Landed cell = byKey.get(key(task, c.tui(), c.model()));
        if (cell != null) {
          String outcome = DECIDED.contains(cell.outcome()) ? cell.outcome() : "running";
          String composite =
              cell.composite() == null ? "" : ", composite " + Formats.score(cell.composite());
          squares.add(
              new Board.Square(
                  outcome,
                  cell.cellId(),
                  Urls.cellById(cell.cellId()),
                  where + outcome.replace('_', ' ') + composite));
        } else if (plannedTasks.contains(task) && plannedPairs.contains(c)) {
          squares.add(new Board.Square("pending", "", "", where + "pending (planned, not landed)"));
        } else {
          squares.add(new Board.Square("", "", "", where + "not planned, no cell"));
        }
      }
      rows.add(new Board.HeatRow(task, squares));
    }
    return new Board.Heatmap(List.copyOf(columns), rows);
  }
}
