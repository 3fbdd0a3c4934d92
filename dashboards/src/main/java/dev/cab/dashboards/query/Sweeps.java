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
 * The sweeps list and the sweep board, from {@code cells}. Without a sweep plan the board shows
 * what has landed (expected = landed, nothing pending). Thread-safe.
 */
public final class Sweeps {
  static final String LIST =
      """
      SELECT sweep_id, count() AS landed, countIf(status = 'complete') AS complete,
             countIf(pass_rate > 0) AS passes, countIf(pass_rate IS NOT NULL) AS scored,
             toUnixTimestamp64Milli(ifNull(min(started_at), toDateTime64(min(inserted_at), 6)))
               AS started_ms,
             toUnixTimestamp64Milli(max(inserted_at)) AS last_ms
      FROM cells FINAL GROUP BY sweep_id ORDER BY started_ms DESC, sweep_id LIMIT 1000
      """;

  static final String PROGRESS =
      "SELECT count() AS landed, countIf(status = 'complete') AS complete,"
          + " countIf(status = 'incomplete') AS incomplete, countIf(outcome = 'running') AS running,"
          + " countIf(outcome = 'infra_error') AS infra, countIf(outcome = 'passed') AS passed,"
          + " toUnixTimestamp64Milli(min(inserted_at)) AS first_ms,"
          + " toUnixTimestamp64Milli(max(inserted_at)) AS last_ms"
          + " FROM (SELECT status, "
          + Outcomes.SQL
          + " AS outcome, inserted_at FROM cells FINAL WHERE sweep_id = {sweep:String})";

  static final String LEADERBOARD =
      """
      SELECT tui, model, count() AS cells, countIf(pass_rate IS NOT NULL) AS scored,
             countIf(pass_rate > 0) AS passes, avg(composite) AS mean_composite,
             quantileExact(0.5)(wall_clock_ms) AS p50, quantileExact(0.9)(wall_clock_ms) AS p90,
             sum(total_tokens) AS tokens, countIf(total_tokens IS NOT NULL) AS with_tokens
      FROM cells FINAL WHERE sweep_id = {sweep:String}
      GROUP BY tui, model
      """;

  static final String SQUARES =
      "SELECT task, tui, model, cell_id, "
          + Outcomes.SQL
          + " AS outcome, composite FROM cells FINAL WHERE sweep_id = {sweep:String}"
          + " ORDER BY task, tui, model LIMIT 1000000";

  static final String TIMELINE =
      """
      SELECT toUnixTimestamp(toStartOfInterval(inserted_at, toIntervalSecond({step:UInt32}))) AS t,
             count() AS n, countIf(pass_rate > 0) AS p, countIf(pass_rate IS NOT NULL) AS s
      FROM cells FINAL WHERE sweep_id = {sweep:String} GROUP BY t ORDER BY t
      """;

  static final String ALERTS =
      "SELECT rule, tui, model, task, summary, toUnixTimestamp64Milli(starts_at) AS starts_ms"
          + " FROM alerts_active WHERE sweep_id = {sweep:String} ORDER BY starts_at DESC LIMIT 50";

  /** ClickHouse's UNKNOWN_TABLE: a database from before the alerts stage has no alerts view. */
  private static final String UNKNOWN_TABLE = "60";

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
    List<SweepSummary> out = new ArrayList<>();
    for (JsonNode r : reader.rows(LIST, SqlParams.none())) {
      long scored = r.path("scored").asLong();
      long last = r.path("last_ms").asLong();
      out.add(
          new SweepSummary(
              r.path("sweep_id").asText(),
              r.path("landed").asLong(),
              -1,
              r.path("complete").asLong(),
              scored == 0 ? -1 : r.path("passes").asDouble() / scored,
              r.path("started_ms").asLong(),
              last,
              now - last <= liveWindow.toMillis()));
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

  /** The board of one sweep; empty when no cell of it has landed. */
  public Optional<Board> board(String sweepId) {
    SqlParams p = SqlParams.of("sweep", sweepId);
    JsonNode g = reader.firstRow(PROGRESS, p);
    long landed = g == null ? 0 : g.path("landed").asLong();
    if (landed == 0) {
      return Optional.empty();
    }
    long now = clock.millis();
    long first = g.path("first_ms").asLong();
    long last = g.path("last_ms").asLong();
    long expected = landed; // no sweep plan: what landed is what there is
    long pending = 0;
    long running = g.path("running").asLong();
    long done = landed - running;
    boolean live = now - last <= liveWindow.toMillis();
    long eta = -1;
    if (live && running > 0 && done > 0 && last > first) {
      double perCell = (double) (last - first) / done;
      eta = Math.round(perCell * (running + pending) / 1000.0);
    }
    Board.Progress progress =
        new Board.Progress(
            expected,
            landed,
            g.path("complete").asLong(),
            g.path("incomplete").asLong(),
            running,
            g.path("infra").asLong(),
            g.path("passed").asLong(),
            pending,
            expected == 0 ? 0 : 100.0 * done / expected,
            eta,
            live);
    List<Board.LeaderRow> leaders = leaderboard(sweepId, p);
    Board.Heatmap heatmap = heatmap(p, leaders);
    long step = Math.max(1, (last - first) / 1000 / 120 + 1);
    Board.Timeline timeline = timeline(p.and("step", step));
    return Optional.of(
        new Board(sweepId, progress, leaders, heatmap, timeline, alerts(p), last, now));
  }

  private List<Board.LeaderRow> leaderboard(String sweepId, SqlParams p) {
    List<Board.LeaderRow> rows = new ArrayList<>();
    for (JsonNode r : reader.rows(LEADERBOARD, p)) {
      long scored = r.path("scored").asLong();
      long passes = r.path("passes").asLong();
      WilsonInterval ci = WilsonInterval.of95(passes, scored);
      long withTokens = r.path("with_tokens").asLong();
      double tokensPerCorrect =
          withTokens == 0
              ? -1
              : passes == 0 ? Double.POSITIVE_INFINITY : r.path("tokens").asDouble() / passes;
      rows.add(
          new Board.LeaderRow(
              0,
              r.path("tui").asText(),
              r.path("model").asText(),
              r.path("cells").asLong(),
              scored,
              passes,
              scored == 0 ? 0 : (double) passes / scored,
              ci.low(),
              ci.high(),
              Dashboards.doubleOrNull(r.get("mean_composite")),
              Dashboards.doubleOrNull(r.get("p50")),
              Dashboards.doubleOrNull(r.get("p90")),
              tokensPerCorrect,
              ""));
    }
    // Best first: pass rate, then mean composite; the rank follows.
    rows.sort(
        java.util.Comparator.comparingDouble(Board.LeaderRow::passRate)
            .thenComparingDouble(r -> r.meanComposite() == null ? -1 : r.meanComposite())
            .reversed()
            .thenComparing(Board.LeaderRow::tui)
            .thenComparing(Board.LeaderRow::model));
    List<Board.LeaderRow> ranked = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Board.LeaderRow r = rows.get(i);
      ranked.add(
          new Board.LeaderRow(
              i + 1,
              r.tui(),
              r.model(),
              r.cells(),
              r.scored(),
              r.passes(),
              r.passRate(),
              r.passLow(),
              r.passHigh(),
              r.meanComposite(),
              r.p50WallMs(),
              r.p90WallMs(),
              r.tokensPerCorrect(),
              Urls.sweepBadge(sweepId, r.tui(), r.model())));
    }
    return ranked;
  }

  private Board.Heatmap heatmap(SqlParams p, List<Board.LeaderRow> leaders) {
    List<Board.Column> columns =
        leaders.stream().map(l -> new Board.Column(l.tui(), l.model())).toList();
    Map<String, Integer> columnIndex = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      columnIndex.put(columns.get(i).tui() + "\u0000" + columns.get(i).model(), i);
    }
    Map<String, Board.Square[]> byTask = new LinkedHashMap<>();
    for (JsonNode r : reader.rows(SQUARES, p)) {
      String task = r.path("task").asText();
      String tui = r.path("tui").asText();
      String model = r.path("model").asText();
      Integer col = columnIndex.get(tui + "\u0000" + model);
      if (col == null) {
        continue;
      }
      Board.Square[] squares = byTask.computeIfAbsent(task, t -> new Board.Square[columns.size()]);
      String outcome = r.path("outcome").asText();
      String composite =
          r.hasNonNull("composite")
              ? ", composite "
                  + dev.cab.dashboards.pages.Formats.score(r.get("composite").asDouble())
              : "";
      squares[col] =
          new Board.Square(
              outcome,
              r.path("cell_id").asText(),
              Urls.cellById(r.path("cell_id").asText()),
              task + " · " + tui + " × " + model + ": " + outcome.replace('_', ' ') + composite);
    }
    List<Board.HeatRow> rows = new ArrayList<>();
    byTask.forEach(
        (task, squares) -> {
          List<Board.Square> list = new ArrayList<>();
          for (int i = 0; i < squares.length; i++) {
            Board.Column c = columns.get(i);
            list.add(
                squares[i] != null
                    ? squares[i]
                    : new Board.Square(
                        "", "", "", task + " · " + c.tui() + " × " + c.model() + ": no cell"));
          }
          rows.add(new Board.HeatRow(task, list));
        });
    return new Board.Heatmap(columns, rows);
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
