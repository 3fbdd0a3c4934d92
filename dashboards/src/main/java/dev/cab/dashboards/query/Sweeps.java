package dev.cab.dashboards.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cab.dashboards.pages.Urls;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sweeps list and the sweep board, from the analytics views of the sink's migrations ({@code
 * sweep_progress}, {@code leaderboard}, {@code cells_latest}; docs/ANALYTICS.md) and the sweep plan
 * ({@code sweep_plans}): outcomes are the pipeline's own triage, never re-derived here. With a plan
 * the board shows every planned cell, the ones not landed as pending; without one it shows what has
 * landed. Thread-safe.
 */
public final class Sweeps {
  static final String LIST =
      """
      SELECT sweep_id, ifNull(planned, -1) AS planned, landed, complete, passed, failed,
             toUnixTimestamp64Milli(ifNull(first_started_at, toDateTime64(declared_at, 6)))
               AS started_ms
      FROM sweep_progress ORDER BY started_ms DESC, sweep_id LIMIT 1000
      """;

  /** The newest insert per sweep: "still receiving cells" is about rows landing, not event time. */
  static final String LAST_INSERTS =
      "SELECT sweep_id, toUnixTimestamp64Milli(min(inserted_at)) AS first_ms,"
          + " toUnixTimestamp64Milli(max(inserted_at)) AS last_ms FROM cells"
          + " WHERE sweep_id IN {sweeps:Array(String)} GROUP BY sweep_id";

  static final String PROGRESS =
      """
      SELECT ifNull(planned, -1) AS planned, landed, complete, running, incomplete, passed, failed,
             infra_errors, pending
      FROM sweep_progress WHERE sweep_id = {sweep:String}
      """;

  static final String PLAN =
      "SELECT tuis, models, tasks FROM sweep_plans FINAL WHERE sweep_id = {sweep:String}";

  static final String LEADERBOARD =
      """
      SELECT tui, model, cells, decided, passed, infra_errors, pass_rate, pass_rate_low,
             pass_rate_high, mean_composite, wall_clock_p50_ms, wall_clock_p90_ms,
             tokens_per_correct_task, cost_per_cell_usd, cost_per_correct_task_usd
      FROM leaderboard WHERE sweep_id = {sweep:String}
      """;

  static final String SQUARES =
      "SELECT task, tui, model, cell_id, outcome, composite FROM cells_latest"
          + " WHERE sweep_id = {sweep:String} ORDER BY task, tui, model LIMIT 1000000";

  static final String TIMELINE =
      """
      SELECT toUnixTimestamp(toStartOfInterval(inserted_at, toIntervalSecond({step:UInt32}))) AS t,
             count() AS n, countIf(outcome = 'passed') AS p,
             countIf(outcome IN ('passed', 'failed')) AS s
      FROM cells_latest WHERE sweep_id = {sweep:String} GROUP BY t ORDER BY t
      """;

  static final String ALERTS =
      "SELECT rule, tui, model, task, summary, toUnixTimestamp64Milli(starts_at) AS starts_ms"
          + " FROM alerts_active WHERE sweep_id = {sweep:String} ORDER BY starts_at DESC LIMIT 50";

  /** ClickHouse's UNKNOWN_TABLE: a database from before the alerts stage has no alerts view. */
  private static final String UNKNOWN_TABLE = "60";

  private static final java.util.Set<String> DECIDED =
      java.util.Set.of("passed", "failed", "infra_error");

  static final String CHANGES =
      "SELECT sweep_id, count() AS n, toUnixTimestamp64Milli(max(inserted_at)) AS last_ms"
          + " FROM cells WHERE sweep_id IN {sweeps:Array(String)} GROUP BY sweep_id";

  private final ClickHouseReader reader;
  private final Duration liveWindow;
  private final Clock clock;

  public Sweeps(ClickHouseReader reader, Duration liveWindow, Clock clock) {
    this.reader = reader;
    this.liveWindow = liveWindow;
    this.clock = clock;
  }

  public List<SweepSummary> list() {
    long now = clock.millis();
    List<JsonNode> rows = reader.rows(LIST, SqlParams.none());
    Map<String, long[]> inserts =
        insertTimes(rows.stream().map(r -> r.path("sweep_id").asText()).toList());
    List<SweepSummary> out = new ArrayList<>();
    for (JsonNode r : rows) {
      String id = r.path("sweep_id").asText();
      long decided = r.path("passed").asLong() + r.path("failed").asLong();
      long last = inserts.getOrDefault(id, new long[] {0, 0})[1];
      out.add(
          new SweepSummary(
              id,
              r.path("landed").asLong(),
              r.path("planned").asLong(),
              r.path("complete").asLong(),
              decided == 0 ? -1 : r.path("passed").asDouble() / decided,
              r.path("started_ms").asLong(),
              last,
              last > 0 && now - last <= liveWindow.toMillis()));
    }
    return out;
  }

  private Map<String, long[]> insertTimes(List<String> sweepIds) {
    Map<String, long[]> out = new LinkedHashMap<>();
    if (sweepIds.isEmpty()) {
      return out;
    }
    for (JsonNode r : reader.rows(LAST_INSERTS, SqlParams.none().andArray("sweeps", sweepIds))) {
      out.put(
          r.path("sweep_id").asText(),
          new long[] {r.path("first_ms").asLong(), r.path("last_ms").asLong()});
    }
    return out;
  }

  /**
   * A change marker per sweep (row count, newest insert): a board is pushed again when it moves.
   */
  public Map<String, String> changeMarkers(List<String> sweepIds) {
    Map<String, String> out = new LinkedHashMap<>();
    if (sweepIds.isEmpty()) {
      return out;
    }
    for (JsonNode r : reader.rows(CHANGES, SqlParams.none().andArray("sweeps", sweepIds))) {
      out.put(r.path("sweep_id").asText(), r.path("n").asLong() + "@" + r.path("last_ms").asLong());
    }
    return out;
  }

  /** The board of one sweep; empty when the sweep neither declared a plan nor landed a cell. */
  public Optional<Board> board(String sweepId) {
    SqlParams p = SqlParams.of("sweep", sweepId);
    JsonNode g = reader.firstRow(PROGRESS, p);
    if (g == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    long[] inserts = insertTimes(List.of(sweepId)).getOrDefault(sweepId, new long[] {0, 0});
    long first = inserts[0];
    long last = inserts[1];
    Plan plan = plan(p);
    List<Board.LeaderRow> leaders = leaderboard(sweepId, p);
    Map<String, Landed> landed = landed(p);
    Board.Heatmap heatmap = heatmap(plan, leaders, landed);
    long pending = 0;
    for (Board.HeatRow row : heatmap.rows()) {
      pending += row.squares().stream().filter(s -> s.outcome().equals("pending")).count();
    }
    long landedCount = g.path("landed").asLong();
    long expected = landedCount + pending;
    long undecided = landed.values().stream().filter(l -> !DECIDED.contains(l.outcome())).count();
    long done = landedCount - undecided;
    boolean live = last > 0 && now - last <= liveWindow.toMillis();
    long eta = -1;
    if (live && (undecided + pending) > 0 && done > 0 && last > first) {
      double perCell = (double) (last - first) / done;
      eta = Math.round(perCell * (undecided + pending) / 1000.0);
    }
    Board.Progress progress =
        new Board.Progress(
            g.path("planned").asLong(),
            expected,
            landedCount,
            g.path("complete").asLong(),
            g.path("incomplete").asLong(),
            undecided,
            g.path("infra_errors").asLong(),
            g.path("passed").asLong(),
            g.path("failed").asLong(),
            pending,
            expected == 0 ? 0 : 100.0 * done / expected,
            eta,
            live);
    long step = Math.max(1, (last - first) / 1000 / 120 + 1);
    Board.Timeline timeline = timeline(p.and("step", step));
    return Optional.of(
        new Board(sweepId, progress, leaders, heatmap, timeline, alerts(p), last, now));
  }

  /** The declared matrix, or an empty one without a plan. */
  record Plan(List<String> tuis, List<String> models, List<String> tasks) {
    static final Plan NONE = new Plan(List.of(), List.of(), List.of());
  }

  private Plan plan(SqlParams p) {
    JsonNode r = reader.firstRow(PLAN, p);
    if (r == null) {
      return Plan.NONE;
    }
    return new Plan(strings(r.path("tuis")), strings(r.path("models")), strings(r.path("tasks")));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  private List<Board.LeaderRow> leaderboard(String sweepId, SqlParams p) {
    List<Board.LeaderRow> rows = new ArrayList<>();
    for (JsonNode r : reader.rows(LEADERBOARD, p)) {
      rows.add(
          new Board.LeaderRow(
              0,
              r.path("tui").asText(),
              r.path("model").asText(),
              r.path("cells").asLong(),
              r.path("decided").asLong(),
              r.path("passed").asLong(),
              r.path("infra_errors").asLong(),
              Dashboards.doubleOrNull(r.get("pass_rate")),
              Dashboards.doubleOrNull(r.get("pass_rate_low")),
              Dashboards.doubleOrNull(r.get("pass_rate_high")),
              Dashboards.doubleOrNull(r.get("mean_composite")),
              Dashboards.doubleOrNull(r.get("wall_clock_p50_ms")),
              Dashboards.doubleOrNull(r.get("wall_clock_p90_ms")),
              Dashboards.doubleOrNull(r.get("tokens_per_correct_task")),
              Dashboards.doubleOrNull(r.get("cost_per_cell_usd")),
              Dashboards.doubleOrNull(r.get("cost_per_correct_task_usd")),
              ""));
    }
    // Best first: pass rate, then mean composite; the rank follows.
    rows.sort(
        java.util.Comparator.comparingDouble((Board.LeaderRow r) -> orMinus(r.passRate()))
            .thenComparingDouble(r -> orMinus(r.meanComposite()))
            .reversed()
            .thenComparing(Board.LeaderRow::tui)
            .thenComparing(Board.LeaderRow::model));
    List<Board.LeaderRow> ranked = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Board.LeaderRow r = rows.get(i);
      ranked.add(r.withRank(i + 1, Urls.sweepBadge(sweepId, r.tui(), r.model())));
    }
    return ranked;
  }

  private static double orMinus(Double d) {
    return d == null ? -1 : d;
  }

  /** A landed cell as the heatmap shows it. */
  record Landed(String cellId, String outcome, Double composite) {}

  private static String key(String task, String tui, String model) {
    return task + "\u0000" + tui + "\u0000" + model;
  }

  private Map<String, Landed> landed(SqlParams p) {
    Map<String, Landed> out = new LinkedHashMap<>();
    for (JsonNode r : reader.rows(SQUARES, p)) {
      String outcome = r.path("outcome").asText();
      out.put(
          key(r.path("task").asText(), r.path("tui").asText(), r.path("model").asText()),
          new Landed(
              r.path("cell_id").asText(),
              DECIDED.contains(outcome) ? outcome : "running",
              Dashboards.doubleOrNull(r.get("composite"))));
    }
    return out;
  }

  /**
   * Tasks (the plan's order, then landed tasks outside it) x pairs (leaderboard order, then planned
   * pairs with nothing landed yet). A planned cell with no row is pending.
   */
  static Board.Heatmap heatmap(
      Plan plan, List<Board.LeaderRow> leaders, Map<String, Landed> landed) {
    java.util.LinkedHashSet<Board.Column> columns = new java.util.LinkedHashSet<>();
    leaders.forEach(l -> columns.add(new Board.Column(l.tui(), l.model())));
    java.util.Set<Board.Column> plannedPairs = new java.util.HashSet<>();
    for (String tui : plan.tuis()) {
      for (String model : plan.models()) {
        Board.Column c = new Board.Column(tui, model);
        columns.add(c);
        plannedPairs.add(c);
      }
    }
    java.util.LinkedHashSet<String> tasks = new java.util.LinkedHashSet<>(plan.tasks());
    java.util.Set<String> plannedTasks = java.util.Set.copyOf(plan.tasks());
    landed.keySet().forEach(k -> tasks.add(k.substring(0, k.indexOf('\u0000'))));
    List<Board.HeatRow> rows = new ArrayList<>();
    for (String task : tasks) {
      List<Board.Square> squares = new ArrayList<>();
      for (Board.Column c : columns) {
        String where = task + " · " + c.tui() + " × " + c.model() + ": ";
        Landed cell = landed.get(key(task, c.tui(), c.model()));
        if (cell != null) {
          String composite =
              cell.composite() == null
                  ? ""
                  : ", composite " + dev.cab.dashboards.pages.Formats.score(cell.composite());
          squares.add(
              new Board.Square(
                  cell.outcome(),
                  cell.cellId(),
                  Urls.cellById(cell.cellId()),
                  where + cell.outcome().replace('_', ' ') + composite));
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

  private List<Board.Alert> alerts(SqlParams p) {
    List<JsonNode> rows;
    try {
      rows = reader.rows(ALERTS, p);
    } catch (ClickHouseUnavailableException e) {
      if (UNKNOWN_TABLE.equals(e.code())) {
        return List.of();
      }
      throw e;
    }
    List<Board.Alert> out = new ArrayList<>();
    for (JsonNode r : rows) {
      List<String> scope = new ArrayList<>();
      for (String k : List.of("tui", "model", "task")) {
        if (!r.path(k).asText().isEmpty()) {
          scope.add(r.path(k).asText());
        }
      }
      out.add(
          new Board.Alert(
              r.path("rule").asText(),
              String.join(" × ", scope),
              r.path("summary").asText(),
              r.path("starts_ms").asLong()));
    }
    return out;
  }

  private Board.Timeline timeline(SqlParams p) {
    List<Long> seconds = new ArrayList<>();
    List<Long> landed = new ArrayList<>();
    List<Double> passRate = new ArrayList<>();
    long n = 0;
    long passes = 0;
    long scored = 0;
    for (JsonNode r : reader.rows(TIMELINE, p)) {
      n += r.path("n").asLong();
      passes += r.path("p").asLong();
      scored += r.path("s").asLong();
      seconds.add(r.path("t").asLong());
      landed.add(n);
      passRate.add(scored == 0 ? null : (double) passes / scored);
    }
    return new Board.Timeline(seconds, landed, passRate);
  }
}
