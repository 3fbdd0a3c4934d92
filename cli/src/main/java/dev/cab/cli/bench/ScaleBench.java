package dev.cab.cli.bench;

import static dev.cab.cli.bench.BenchReport.line;
import static dev.cab.cli.bench.BenchReport.startTable;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cab.cli.clickhouse.ClickHouseHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code cab bench --scale N}: does the pipeline stay as fast, and do the per-sweep queries stay
 * fast, when ClickHouse already holds N cells with their spans and scorer events?
 *
 * <p>The N cells are made inside ClickHouse ({@code INSERT ... SELECT} from {@code numbers()}, the
 * fastest way in): the cells, spans and scorer events the pipeline wrote for one replayed sweep are
 * the templates, copied into sweeps named {@code scale-NNNNNNNN} of {@code cellsPerSweep} cells
 * (each copy gets its own cell id, beginning with its sweep id as the runner SDK's do, and its own
 * task name), so every row has the pipeline's own shape and size.
 */
final class ScaleBench {
  private static final long EMPTY_WARMUP_ROUND = 0;
  private static final long EMPTY_ROUND = 1_000_000;
  private static final long LOADED_WARMUP_ROUND = 3_000_000;
  private static final long LOADED_ROUND = 4_000_000;

  /** How often each query is timed. */
  private static final int QUERY_RUNS = 5;

  private ScaleBench() {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * @param cells cells loaded
   * @param sweeps sweeps they form
   * @param bigSweepCells cells of the one big sweep among them ({@link #BIG_SWEEP}), 0 without
   * @param rows rows loaded per table
   * @param loadSeconds time of the loading {@code INSERT ... SELECT}s, per table
   */
  record Load(
      long cells,
      long sweeps,
      long bigSweepCells,
      Map<String, Long> rows,
      Map<String, Double> loadSeconds) {}

  /**
   * One query's times over several runs.
   *
   * @param what what users see it as
   * @param query the SQL or the dashboards' URL path
   * @param medianMs median time
   * @param maxMs slowest run
   */
  record QueryTime(String what, String query, double medianMs, double maxMs) {}

  /**
   * What {@code cab bench --scale N} measured.
   *
   * @param loadAverageBefore {@code /proc/loadavg} before the run
   * @param loadAverageAfter {@code /proc/loadavg} at the end
   * @param sweep the replayed sweep
   * @param empty (c) on the empty database
   * @param load the N cells loaded
   * @param loaded (c) again with the N cells in ClickHouse
   * @param queries per-sweep and per-cell query times with the N cells in ClickHouse
   */
  record Report(
      String loadAverageBefore,
      String loadAverageAfter,
      BenchReport.Sweep sweep,
      BenchReport.Pipeline empty,
      Load load,
      BenchReport.Pipeline loaded,
      List<QueryTime> queries) {

    /** Target of issue 9: insert throughput within 20% of the empty database's. */
    static final double TARGET_LOADED_VS_EMPTY = 0.8;

    @JsonProperty
    double eventsLoadedVsEmpty() {
      return loaded.eventsPerSecond() / empty.eventsPerSecond();
    }

    @JsonProperty
    double sinkRowsLoadedVsEmpty() {
      return loaded.sinkRowsPerSecond() / empty.sinkRowsPerSecond();
    }

    String table() {
      StringBuilder t = startTable("", "measure", "figure");
      line(
          t,
          "| load | load average before / after | %s / %s |",
          loadAverageBefore,
          loadAverageAfter);
      line(
          t,
          "| (c) empty | pipeline at saturation, %.0f s, empty database | **%,.0f events/s**;"
              + " sink %,.0f rows/s; %d/%d cells complete |",
          empty.seconds(),
          empty.eventsPerSecond(),
          empty.sinkRowsPerSecond(),
          empty.cellsComplete(),
          empty.cellsExpected());
      StringBuilder rows = new StringBuilder();
      load.rows()
          .forEach(
              (table, n) ->
                  rows.append(rows.isEmpty() ? "" : ", ")
                      .append(
                          String.format(
                              Locale.ROOT,
                              "%s %,d in %.1f s (%,.0f rows/s)",
                              table,
                              n,
                              load.loadSeconds().get(table),
                              n / load.loadSeconds().get(table))));
      line(
          t,
          "| load | %,d cells in %,d sweeps (%s), INSERT ... SELECT inside ClickHouse | %s |",
          load.cells(),
          load.sweeps(),
          load.bigSweepCells() > 0
              ? String.format(
                  Locale.ROOT, "one of them %s, %,d cells", BIG_SWEEP, load.bigSweepCells())
              : "no big sweep",
          rows);
      line(
          t,
          "| (c) loaded | pipeline at saturation, %.0f s, with the %,d cells | **%,.0f events/s**;"
              + " sink %,.0f rows/s; %d/%d cells complete |",
          loaded.seconds(),
          load.cells(),
          loaded.eventsPerSecond(),
          loaded.sinkRowsPerSecond(),
          loaded.cellsComplete(),
          loaded.cellsExpected());
      line(
          t,
          "| ratio | loaded/empty: events/s (target >= %.0f%%) / sink rows/s | **%.1f%%** / %.1f%% |",
          100 * TARGET_LOADED_VS_EMPTY,
          100 * eventsLoadedVsEmpty(),
          100 * sinkRowsLoadedVsEmpty());
      for (QueryTime q : queries) {
        line(
            t,
            "| query | %s (`%s`) | **%,.0f ms** median (max %,.0f ms) |",
            q.what(),
            q.query(),
            q.medianMs(),
            q.maxMs());
      }
      return t.toString();
    }
  }

  /**
   * (c) on the empty database, {@code --scale} cells loaded inside ClickHouse, (c) again, then the
   * per-sweep and per-cell queries timed.
   */
  static PipelineBench.Result run(
      PipelineBench.Options o, BenchStack bench, String loadBefore, Consumer<String> progress)
      throws Exception {
    ClickHouseHttp clickhouse = bench.clickhouse();
    CpuMeter cpu = new CpuMeter(bench.stack().childPids());
    try (Replay replay = bench.replay()) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) pipeline at saturation for %d s on the empty database...",
              o.duration().toSeconds()));
      Replay.Saturation empty = replay.saturate(cpu, EMPTY_WARMUP_ROUND, EMPTY_ROUND);
      progress.accept(
          String.format(
              Locale.ROOT,
              "loading %,d cells (with their spans and scorer events) inside ClickHouse...",
              o.scaleCells()));
      Load load =
          load(
              clickhouse,
              RecordedSweep.sweepId(EMPTY_ROUND),
              o.scaleCells(),
              o.scaleCellsPerSweep(),
              o.scaleBigSweepCells(),
              progress);
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) pipeline at saturation for %d s with %,d cells in ClickHouse...",
              o.duration().toSeconds(),
              load.cells()));
      Replay.Saturation loaded = replay.saturate(cpu, LOADED_WARMUP_ROUND, LOADED_ROUND);
      boolean big = load.bigSweepCells() > 0;
      String middle = sweepId((load.sweeps() - (big ? 1 : 0)) / 2);
      String cell =
          clickhouse.scalar(
              "SELECT cell_id FROM cells WHERE sweep_id = '"
                  + middle
                  + "' ORDER BY cell_id LIMIT 1");
      progress.accept("timing the per-sweep and per-cell queries on sweep " + middle + "...");
      List<QueryTime> queries =
          queries(
              clickhouse,
              bench.stack().dashboardsUrl(),
              middle,
              cell,
              big ? BIG_SWEEP : null,
              QUERY_RUNS);
      Report report =
          new Report(
              loadBefore,
              PipelineBench.loadAverage(),
              bench.sweepFigures(),
              empty.pipeline(),
              load,
              loaded.pipeline(),
              queries);
      return new PipelineBench.Result(
          report.table(), report, empty.complete() && loaded.complete());
    }
  }

  /**
   * Loads {@code cells} cells made from the cells of the template sweep: {@code bigSweepCells} of
   * them (rounded up to whole copies) in one sweep {@link #BIG_SWEEP}, the rest in sweeps of about
   * {@code cellsPerSweep}.
   */
  static Load load(
      ClickHouseHttp clickhouse,
      String templateSweep,
      long cells,
      int cellsPerSweep,
      long bigSweepCells,
      Consumer<String> progress) {
    String template = ClickHouseHttp.literal(templateSweep);
    long templateCells =
        Long.parseLong(
            clickhouse.scalar("SELECT count() FROM cells FINAL WHERE sweep_id = " + template));
    if (templateCells == 0) {
      throw new IllegalStateException("the template sweep " + templateSweep + " has no cells");
    }
    long copies = (cells - bigSweepCells + templateCells - 1) / templateCells;
    long perSweep = Math.max(1, cellsPerSweep / templateCells);
    // copy c of template row t: sweep intDiv(c, perSweep), replica c % perSweep
    String sweep =
        "concat('scale-', leftPad(toString(intDiv(n.number, " + perSweep + ")), 8, '0'))";
    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    copy(
        clickhouse,
        template,
        sweep,
        "toString(n.number % " + perSweep + ")",
        copies,
        rows,
        seconds,
        progress);
    long bigCopies = (bigSweepCells + templateCells - 1) / templateCells;
    if (bigCopies > 0) {
      // one big sweep (a 10,000-cell board), copy c of template row t is its replica c
      progress.accept(
          String.format(
              Locale.ROOT,
              "  and one sweep %s of %,d cells:",
              BIG_SWEEP,
              bigCopies * templateCells));
      copy(
          clickhouse,
          template,
          ClickHouseHttp.literal(BIG_SWEEP),
          "toString(n.number)",
          bigCopies,
          rows,
          seconds,
          progress);
    }
    return new Load(
        (copies + bigCopies) * templateCells,
        (copies + perSweep - 1) / perSweep + (bigCopies > 0 ? 1 : 0),
        bigCopies * templateCells,
        rows,
        Map.copyOf(seconds));
  }

  /** The id of the big sweep loaded beside the others (its board is timed). */
  static final String BIG_SWEEP = "scale-big";

  /**
   * Inserts {@code copies} copies of the template sweep's rows into each table, in the sweep {@code
   * sweep} (an SQL expression of the copy number {@code n.number}); adds rows and seconds per table
   * to the maps.
   */
  private static void copy(
      ClickHouseHttp clickhouse,
      String template,
      String sweep,
      String replica,
      long copies,
      Map<String, Long> rows,
      Map<String, Double> seconds,
      Consumer<String> progress) {
    Map<String, String> identity = new LinkedHashMap<>();
    identity.put("sweep_id", sweep);
    identity.put("cell_id", "concat(" + sweep + ", '/', " + replica + ", '/', t.cell_id)");
    identity.put("task", "concat(t.task, '#', " + replica + ")");
    identity.put("inserted_at", "now64(3)");
    for (String table : BenchStack.TABLES) {
      List<String> columns =
          clickhouse
              .rows(
                  "SELECT name FROM system.columns WHERE database = currentDatabase()"
                      + " AND table = '"
                      + table
                      + "' AND default_kind NOT IN ('MATERIALIZED', 'ALIAS') ORDER BY position")
              .stream()
              .map(List::getFirst)
              .toList();
      List<String> select = new ArrayList<>();
      for (String column : columns) {
        select.add(identity.getOrDefault(column, "t." + column));
      }
      long before = count(clickhouse, table);
      progress.accept(
          String.format(
              Locale.ROOT, "  loading %s: %,d copies of the template's rows...", table, copies));
      long t0 = System.nanoTime();
      clickhouse.rows(
          "INSERT INTO "
              + table
              + " ("
              + String.join(", ", columns)
              + ") SELECT "
              + String.join(", ", select)
              + " FROM (SELECT * FROM "
              + table
              + " FINAL WHERE sweep_id = "
              + template
              + ") AS t CROSS JOIN numbers("
              + copies
              + ") AS n SETTINGS max_block_size = 65536, max_insert_block_size = 262144,"
              + " min_insert_block_size_rows = 262144, max_insert_threads = 2");
      seconds.merge(table, (System.nanoTime() - t0) / 1e9, Double::sum);
      rows.merge(table, count(clickhouse, table) - before, Long::sum);
    }
  }

  /** The id of loaded sweep {@code index}. */
  static String sweepId(long index) {
    return String.format(Locale.ROOT, "scale-%08d", index);
  }

  /**
   * The queries users run on a sweep and a cell, timed {@code runs} times each; with a big sweep
   * ({@code bigSweepId} not null) its board too.
   */
  static List<QueryTime> queries(
      ClickHouseHttp clickhouse,
      String dashboardsUrl,
      String sweepId,
      String cellId,
      String bigSweepId,
      int runs) {
    String sweep = ClickHouseHttp.literal(sweepId);
    List<QueryTime> times = new ArrayList<>();
    times.add(
        sql(
            clickhouse,
            "leaderboard view (V007), one sweep",
            "SELECT * FROM leaderboard WHERE sweep_id = " + sweep + " FORMAT Null",
            runs));
    times.add(
        sql(
            clickhouse,
            "sweep_progress view (V007), one sweep",
            "SELECT * FROM sweep_progress WHERE sweep_id = " + sweep + " FORMAT Null",
            runs));
    times.add(
        sql(
            clickhouse,
            "cells_latest, one cell",
            "SELECT * FROM cells_latest WHERE cell_id = "
                + ClickHouseHttp.literal(cellId)
                + " FORMAT Null",
            runs));
    String encodedSweep = URLEncoder.encode(sweepId, StandardCharsets.UTF_8);
    times.add(
        page(
            dashboardsUrl,
            "dashboards board JSON (cells, leaderboard, plan, alerts)",
            "/api/sweeps/" + encodedSweep,
            runs));
    times.add(page(dashboardsUrl, "dashboards board page", "/sweeps/" + encodedSweep, runs));
    times.add(
        page(
            dashboardsUrl,
            "dashboards cell page (cell and its spans)",
            "/cells/" + cellPath(cellId),
            runs));
    times.add(page(dashboardsUrl, "dashboards sweep list (every sweep)", "/api/sweeps", runs));
    if (bigSweepId != null) {
      String big = URLEncoder.encode(bigSweepId, StandardCharsets.UTF_8);
      long cells =
          Long.parseLong(
              clickhouse.scalar(
                  "SELECT count() FROM cells FINAL WHERE sweep_id = "
                      + ClickHouseHttp.literal(bigSweepId)));
      times.add(
          page(
              dashboardsUrl,
              String.format(Locale.ROOT, "dashboards board JSON, big sweep (%,d cells)", cells),
              "/api/sweeps/" + big,
              runs));
      times.add(
          page(
              dashboardsUrl,
              String.format(Locale.ROOT, "dashboards board page, big sweep (%,d cells)", cells),
              "/sweeps/" + big,
              runs));
    }
    return times;
  }

  private static QueryTime sql(ClickHouseHttp clickhouse, String what, String query, int runs) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      clickhouse.rows(query);
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return summary(what, query, ms);
  }

  private static QueryTime page(String base, String what, String path, int runs) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      try {
        HttpResponse<byte[]> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
                    .timeout(Duration.ofMinutes(2))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("GET " + path + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return summary(what, path, ms);
  }

  private static QueryTime summary(String what, String query, List<Double> ms) {
    List<Double> sorted = ms.stream().sorted().toList();
    return new QueryTime(what, query, sorted.get(sorted.size() / 2), sorted.getLast());
  }

  /** A cell id as the dashboards' {@code /cells/<cellId>} path: each segment encoded. */
  private static String cellPath(String cellId) {
    List<String> parts = new ArrayList<>();
    for (String p : cellId.split("/", -1)) {
      parts.add(URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", parts);
  }

  private static long count(ClickHouseHttp clickhouse, String table) {
    return Long.parseLong(clickhouse.scalar("SELECT count() FROM " + table));
  }
}
