package dev.cab.dashboards.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cab.dashboards.pages.Urls;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.SweepPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The sweeps list and the sweep board. The board reads, per sweep and on the sweep's slice of the
 * sort key only: the newest version of each cell ({@code cells_latest}; progress, heatmap and
 * timeline are counted from these rows by {@link BoardAssembler}), the {@code leaderboard} view
 * (docs/ANALYTICS.md), the sweep plan and the firing alerts, the four at once. Outcomes are the
 * pipeline's own triage, never re-derived here. With a plan the board shows every planned cell, the
 * ones not landed as pending; without one it shows what has landed.
 *
 * <p>Boards are cached per sweep behind a change {@link SweepMarker marker} (row count and newest
 * insert of the sweep's cells, plan and alerts, read on the sort key without {@code FINAL}): while
 * it has not moved, a board is served from memory to whoever asks (pages, the JSON API, server
 * push). {@link #quickBoard} adds only the cells inserted since the cached board (one small read)
 * for the push.
 *
 * <p>With the Kafka push on, {@link #arrived} keeps, per sweep with a board open, the cell records
 * read from Kafka that are newer than the cached board's rows ({@link #planned}: the plan declared
 * later than the cached board's), and {@link #liveBoard} shows the cached board with them (no
 * read): the push does not wait for the sink's insert. A cell or plan is dropped from there once
 * ClickHouse has its version. Thread-safe.
 */
public final class Sweeps {
  /**
   * Every sweep with cells: counts over the newest version of each cell (what {@code
   * sweep_progress} counts) and the newest insert, in one pass over {@code cells FINAL}.
   */
  static final String LIST =
      """
      SELECT sweep_id, count() AS landed, countIf(status = 'complete') AS complete,
             countIf(outcome = 'passed') AS passed, countIf(outcome = 'failed') AS failed,
             toUnixTimestamp64Milli(min(started_at)) AS started_ms,
             toUnixTimestamp64Milli(max(inserted_at)) AS last_ms
      FROM cells_latest GROUP BY sweep_id
      """;

  static final String PLANS =
      "SELECT sweep_id, planned_cells,"
          + " toUnixTimestamp64Milli(toDateTime64(declared_at, 3)) AS declared_ms"
          + " FROM sweep_plans FINAL";

  /**
   * Whether anything the list shows may have changed: row counts (from the parts' metadata) and the
   * newest inserts of the cells and plans (one column read, no {@code FINAL}).
   */
  static final String LIST_MARKER =
      """
      SELECT (SELECT count() FROM cells) AS cells,
             (SELECT toUnixTimestamp64Milli(max(inserted_at)) FROM cells) AS cells_ms,
             (SELECT count() FROM sweep_plans) AS plans,
             (SELECT toUnixTimestamp64Milli(max(inserted_at)) FROM sweep_plans) AS plans_ms
      """;

  /** How many sweeps the list shows, newest first. */
  static final int LIST_LIMIT = 1000;

  /**
   * The change marker of each sweep asked for: aggregates on the sort-key prefix of {@code cells}
   * and on the small plan and alert tables, no {@code FINAL}. A merge lowers the row count: a
   * needless refresh, never a missed one.
   */
  static final String MARKERS =
      """
      SELECT toString(sweep_id) AS sweep, 'cells' AS what, count() AS n,
             toUnixTimestamp64Milli(min(inserted_at)) AS first_ms,
             toUnixTimestamp64Milli(max(inserted_at)) AS last_ms
      FROM cells WHERE sweep_id IN {sweeps:Array(String)} GROUP BY sweep_id
      UNION ALL
      SELECT sweep_id, 'plan', count(), 0, toUnixTimestamp64Milli(max(inserted_at))
      FROM sweep_plans WHERE sweep_id IN {sweeps:Array(String)} GROUP BY sweep_id
      UNION ALL
      SELECT toString(sweep_id), 'alerts', count(), 0, toUnixTimestamp64Milli(max(inserted_at))
      FROM alerts WHERE sweep_id IN {sweeps:Array(String)} GROUP BY sweep_id
      """;

  /** The newest version of the sweep's cells whose row was inserted at or after {@code since}. */
  static final String CELLS =
      """
      SELECT cell_id, task, tui, model, status, outcome, composite,
             toUnixTimestamp64Milli(inserted_at) AS inserted_ms, version
      FROM cells_latest
      WHERE sweep_id = {sweep:String} AND inserted_at >= fromUnixTimestamp64Milli({since:Int64})
      """;

  static final String PLAN =
      "SELECT planned_cells, tuis, models, tasks,"
          + " toUnixTimestamp64Milli(toDateTime64(declared_at, 3)) AS declared_ms"
          + " FROM sweep_plans FINAL WHERE sweep_id = {sweep:String}";

  static final String LEADERBOARD =
      """
      SELECT tui, model, cells, decided, passed, infra_errors, pass_rate, pass_rate_low,
             pass_rate_high, mean_composite, wall_clock_p50_ms, wall_clock_p90_ms,
             tokens_per_correct_task, cost_per_cell_usd, cost_per_correct_task_usd
      FROM leaderboard WHERE sweep_id = {sweep:String}
      """;

  static final String ALERTS =
      "SELECT rule, tui, model, task, summary, toUnixTimestamp64Milli(starts_at) AS starts_ms"
          + " FROM alerts_active WHERE sweep_id = {sweep:String} ORDER BY starts_at DESC LIMIT 50";

  /** ClickHouse's UNKNOWN_TABLE: a database from before the alerts stage has no alerts view. */
  private static final String UNKNOWN_TABLE = "60";

  /**
   * A quick board re-reads the cells inserted this long before the newest insert it already has:
   * rows of two concurrent inserts may become visible out of {@code inserted_at} order.
   */
  static final long QUICK_OVERLAP_MILLIS = 5_000;

  /** Boards kept in memory; the least recently used beyond it are dropped. */
  static final int CACHED_BOARDS = 64;

  private final ClickHouseReader reader;
  private final Duration liveWindow;
  private final Clock clock;
  private final ExecutorService queries = Executors.newVirtualThreadPerTaskExecutor();

  /** A sweep's facts and the board assembled from them (as of when it was assembled). */
  private record Cached(SweepFacts facts, Board board) {}

  private final Map<String, Cached> cache =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
              return size() > CACHED_BOARDS;
            }
          });

  /** Per sweep with a board open: cells read from Kafka, newest version, by cell id. */
  private final Map<String, Map<String, SweepFacts.Landed>> live = new ConcurrentHashMap<>();

  /** Per sweep with a board open: the newest plan read from Kafka, until ClickHouse has it. */
  private final Map<String, SweepFacts.Plan> livePlans = new ConcurrentHashMap<>();

  public Sweeps(ClickHouseReader reader, Duration liveWindow, Clock clock) {
    this.reader = reader;
    this.liveWindow = liveWindow;
    this.clock = clock;
  }

  /** The sweeps list as read at a marker ({@link #LIST_MARKER}'s row). */
  private record CachedList(String marker, List<SweepSummary> sweeps) {}

  private volatile CachedList cachedList;

  /**
   * Every sweep (at most {@link #LIST_LIMIT}), newest first; from memory while nothing landed and
   * no plan was declared since it was read (then only "live" is brought up to date).
   */
  public List<SweepSummary> list() {
    String marker = String.valueOf(reader.firstRow(LIST_MARKER, SqlParams.none()));
    CachedList cached = cachedList;
    if (cached == null || !cached.marker().equals(marker)) {
      cached = new CachedList(marker, readList());
      cachedList = cached;
    }
    long now = clock.millis();
    return cached.sweeps().stream()
        .map(
            s ->
                new SweepSummary(
                    s.sweepId(),
                    s.landed(),
                    s.expected(),
                    s.complete(),
                    s.passRate(),
                    s.startedAtMillis(),
                    s.lastLandedMillis(),
                    s.lastLandedMillis() > 0
                        && now - s.lastLandedMillis() <= liveWindow.toMillis()))
        .toList();
  }

  private List<SweepSummary> readList() {
    long now = clock.millis();
    Future<List<JsonNode>> cells = submit(() -> reader.rows(LIST, SqlParams.none()));
    List<JsonNode> plans = reader.rows(PLANS, SqlParams.none());
    Map<String, JsonNode> plannedById = new HashMap<>();
    plans.forEach(r -> plannedById.put(r.path("sweep_id").asText(), r));
    Map<String, SweepSummary> out = new HashMap<>();
    for (JsonNode r : join(cells)) {
      String id = r.path("sweep_id").asText();
      JsonNode plan = plannedById.get(id);
      long decided = r.path("passed").asLong() + r.path("failed").asLong();
      long last = r.path("last_ms").asLong();
      long started =
          r.path("started_ms").isNull() && plan != null
              ? plan.path("declared_ms").asLong()
              : r.path("started_ms").asLong();
      out.put(
          id,
          new SweepSummary(
              id,
              r.path("landed").asLong(),
              plan == null ? -1 : plan.path("planned_cells").asLong(),
              r.path("complete").asLong(),
              decided == 0 ? -1 : r.path("passed").asDouble() / decided,
              started,
              last,
              last > 0 && now - last <= liveWindow.toMillis()));
    }
    for (JsonNode plan : plans) {
      String id = plan.path("sweep_id").asText();
      out.putIfAbsent(
          id,
          new SweepSummary(
              id,
              0,
              plan.path("planned_cells").asLong(),
              0,
              -1,
              plan.path("declared_ms").asLong(),
              0,
              false));
    }
    return out.values().stream()
        .sorted(
            Comparator.comparingLong(SweepSummary::startedAtMillis)
                .reversed()
                .thenComparing(SweepSummary::sweepId))
        .limit(LIST_LIMIT)
        .toList();
  }

  /** The change marker of each sweep asked for ({@link SweepMarker#NONE} when empty). */
  public Map<String, SweepMarker> changeMarkers(List<String> sweepIds) {
    Map<String, long[]> parts = new HashMap<>();
    if (!sweepIds.isEmpty()) {
      for (JsonNode r : reader.rows(MARKERS, SqlParams.none().andArray("sweeps", sweepIds))) {
        long[] m = parts.computeIfAbsent(r.path("sweep").asText(), k -> new long[6]);
        switch (r.path("what").asText()) {
          case "cells" -> {
            m[0] = r.path("n").asLong();
            m[1] = r.path("first_ms").asLong();
            m[2] = r.path("last_ms").asLong();
          }
          case "plan" -> m[3] = r.path("last_ms").asLong();
          default -> {
            m[4] = r.path("n").asLong();
            m[5] = r.path("last_ms").asLong();
          }
        }
      }
    }
    Map<String, SweepMarker> out = new LinkedHashMap<>();
    for (String id : sweepIds) {
      long[] m = parts.get(id);
      out.put(
          id, m == null ? SweepMarker.NONE : new SweepMarker(m[0], m[1], m[2], m[3], m[4], m[5]));
    }
    return out;
  }

  /**
   * The board of one sweep, current as of now; empty when the sweep neither declared a plan nor
   * landed a cell. Served from memory while the sweep's marker has not moved.
   */
  public Optional<Board> board(String sweepId) {
    return board(sweepId, changeMarkers(List.of(sweepId)).get(sweepId));
  }

  /** The board as of {@code marker}: from memory when the cached one was read at it. */
  public Optional<Board> board(String sweepId, SweepMarker marker) {
    Cached cached = cache.get(sweepId);
    if (cached == null || !cached.facts().marker().equals(marker)) {
      cached = assemble(read(sweepId, marker));
      cache.put(sweepId, cached);
    }
    return now(cached);
  }

  /**
   * A board for the push, fast: the cached board plus the cells inserted since it was read (one
   * small read), its leaderboard, plan and alerts kept as they were; {@link #board(String,
   * SweepMarker)} brings those up to date. Without a cached board it reads everything.
   */
  public Optional<Board> quickBoard(String sweepId, SweepMarker marker) {
    Cached cached = cache.get(sweepId);
    if (cached == null || cached.facts().cells().isEmpty()) {
      return board(sweepId, marker);
    }
    SweepFacts old = cached.facts();
    if (old.marker().equals(marker)) {
      return now(cached);
    }
    long since = Math.max(0, old.marker().lastInsertMillis() - QUICK_OVERLAP_MILLIS);
    Map<String, SweepFacts.Landed> cells = new HashMap<>(old.cells());
    cells.putAll(cells(SqlParams.of("sweep", sweepId).and("since", since)));
    // not cached: the next full read must still bring the leaderboard, plan and alerts
    return now(
        assemble(
            new SweepFacts(
                sweepId, marker, Map.copyOf(cells), old.plan(), old.leaders(), old.alerts())));
  }

  /**
   * Takes a cell record read from Kafka (its record timestamp stands in for the insert time until
   * ClickHouse has the row).
   *
   * @return whether it is newer than what the sweep's board has, i.e. the board changes
   */
  public boolean arrived(CellRecord r, long timestampMillis) {
    SweepFacts.Landed cell =
        new SweepFacts.Landed(
            r.cellId(),
            Objects.toString(r.task(), ""),
            Objects.toString(r.tui(), ""),
            Objects.toString(r.model(), ""),
            r.status() == null ? "" : r.status().wireName(),
            r.outcome() == null ? "" : r.outcome().wireName(),
            r.composite() == null ? null : r.composite().composite(),
            timestampMillis,
            r.version());
    Cached cached = cache.get(r.sweepId());
    SweepFacts.Landed stored = cached == null ? null : cached.facts().cells().get(r.cellId());
    if (stored != null && stored.version() >= cell.version()) {
      return false;
    }
    Map<String, SweepFacts.Landed> cells =
        live.computeIfAbsent(r.sweepId(), k -> new ConcurrentHashMap<>());
    SweepFacts.Landed kept =
        cells.merge(cell.cellId(), cell, (old, now) -> now.version() > old.version() ? now : old);
    return kept == cell;
  }

  /**
   * Takes a sweep plan read from Kafka: the board shows it until ClickHouse has a plan declared as
   * late.
   *
   * @return whether it is newer than the plan the sweep's board has, i.e. the board changes
   */
  public boolean planned(SweepPlan p) {
    SweepFacts.Plan plan =
        new SweepFacts.Plan(
            p.plannedCells(),
            p.tuis(),
            p.models(),
            p.tasks(),
            p.declaredAt() == null ? 0 : p.declaredAt().toEpochMilli());
    Cached cached = cache.get(p.sweepId());
    if (cached != null && cached.facts().plan().declaredMillis() >= plan.declaredMillis()) {
      return false;
    }
    SweepFacts.Plan kept =
        livePlans.merge(
            p.sweepId(),
            plan,
            (old, now) -> now.declaredMillis() > old.declaredMillis() ? now : old);
    return kept == plan;
  }

  /** Forgets the Kafka cells and plan of a sweep nobody watches any more. */
  public void forgetLive(String sweepId) {
    live.remove(sweepId);
    livePlans.remove(sweepId);
  }

  /**
   * The cached board of a sweep with the newer cells and plan read from Kafka, without a read;
   * empty when no board of the sweep is cached (the next full read brings one).
   */
  public Optional<Board> liveBoard(String sweepId) {
    Cached cached = cache.get(sweepId);
    if (cached == null) {
      return Optional.empty();
    }
    Map<String, SweepFacts.Landed> fromKafka = live.getOrDefault(sweepId, Map.of());
    SweepFacts f = cached.facts();
    Map<String, SweepFacts.Landed> cells = new HashMap<>(f.cells());
    boolean newer = false;
    SweepFacts.Plan plan = f.plan();
    SweepFacts.Plan kafkaPlan = livePlans.get(sweepId);
    if (kafkaPlan != null) {
      if (kafkaPlan.declaredMillis() > plan.declaredMillis()) {
        plan = kafkaPlan;
        newer = true;
      } else {
        livePlans.remove(sweepId, kafkaPlan); // ClickHouse has it now
      }
    }
    for (SweepFacts.Landed k : fromKafka.values()) {
      SweepFacts.Landed stored = cells.get(k.cellId());
      if (stored != null && stored.version() >= k.version()) {
        fromKafka.remove(k.cellId(), k); // ClickHouse has it now
      } else {
        cells.put(k.cellId(), k);
        newer = true;
      }
    }
    if (!newer) {
      return now(cached);
    }
    return now(
        assemble(
            new SweepFacts(sweepId, f.marker(), Map.copyOf(cells), plan, f.leaders(), f.alerts())));
  }

  private Cached assemble(SweepFacts facts) {
    return new Cached(
        facts, facts.found() ? BoardAssembler.assemble(facts, clock.millis(), liveWindow) : null);
  }

  private Optional<Board> now(Cached cached) {
    return Optional.ofNullable(cached.board())
        .map(b -> BoardAssembler.at(b, cached.facts().marker(), clock.millis(), liveWindow));
  }

  /** Everything a board shows, four reads at once. */
  private SweepFacts read(String sweepId, SweepMarker marker) {
    SqlParams p = SqlParams.of("sweep", sweepId);
    Future<Map<String, SweepFacts.Landed>> cells =
        submit(() -> cells(SqlParams.of("sweep", sweepId).and("since", 0L)));
    Future<List<Board.LeaderRow>> leaders = submit(() -> leaderboard(sweepId, p));
    Future<List<Board.Alert>> alerts = submit(() -> alerts(p));
    SweepFacts.Plan plan = plan(p);
    return new SweepFacts(
        sweepId, marker, Map.copyOf(join(cells)), plan, join(leaders), join(alerts));
  }

  private <T> Future<T> submit(Callable<T> task) {
    return queries.submit(task);
  }

  /** The task's result; its exception (ClickHouse unavailable, ...) as thrown. */
  private static <T> T join(Future<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new ClickHouseUnavailableException("interrupted while querying ClickHouse", e);
    }
  }

  private Map<String, SweepFacts.Landed> cells(SqlParams p) {
    Map<String, SweepFacts.Landed> out = new HashMap<>();
    for (JsonNode r : reader.rows(CELLS, p)) {
      String id = r.path("cell_id").asText();
      out.put(
          id,
          new SweepFacts.Landed(
              id,
              r.path("task").asText(),
              r.path("tui").asText(),
              r.path("model").asText(),
              r.path("status").asText(),
              r.path("outcome").asText(),
              Dashboards.doubleOrNull(r.get("composite")),
              r.path("inserted_ms").asLong(),
              r.path("version").asLong()));
    }
    return out;
  }

  private SweepFacts.Plan plan(SqlParams p) {
    JsonNode r = reader.firstRow(PLAN, p);
    if (r == null) {
      return SweepFacts.Plan.NONE;
    }
    return new SweepFacts.Plan(
        r.path("planned_cells").asLong(),
        strings(r.path("tuis")),
        strings(r.path("models")),
        strings(r.path("tasks")),
        r.path("declared_ms").asLong());
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
}
