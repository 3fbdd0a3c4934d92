package dev.cab.embedded.clickhouse.bench;

import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Start time, memory and insert throughput of the embedded ClickHouse server (a benchmark, not a
 * test). Prints:
 *
 * <ol>
 *   <li>start time, child JVM spawn to {@code /ping} OK, over several rounds with libchdb in the
 *       cache (warm); with {@code cold} as an argument, first a start with an empty cache directory
 *       (npm download, hash check and start);
 *   <li>the server's RSS ({@code VmRSS}) after start and after the inserts;
 *   <li>rows/s for 1,000,000 pipeline-like rows inserted through clickhouse-jdbc batched
 *       PreparedStatements (our HTTP path), beside the same rows made by {@code INSERT ... SELECT
 *       FROM numbers()} inside the engine, and their ratio: what the HTTP path costs.
 * </ol>
 *
 * Run: {@code ./mvnw -B -pl embedded -am verify -Pclickhouse-bench -DskipTests
 * [-Dclickhouse.bench.args="cold"]}.
 */
public final class InsertBench {

  private static final int ROWS = 1_000_000;
  private static final int BATCH = 100_000;
  private static final int WARM_ROUNDS = 3;

  private static final String TABLE =
      """
      CREATE TABLE %s (
        cell_id String, sweep_id LowCardinality(String), ts DateTime64(3, 'UTC'), seq UInt64,
        score Float64, passed Bool, attrs Map(String, String)
      ) ENGINE = MergeTree ORDER BY (sweep_id, cell_id, seq)""";

  private InsertBench() {}

  public static void main(String[] args) throws Exception {
    boolean cold = List.of(args).contains("cold");
    System.out.printf(
        "embedded ClickHouse bench on %d cores%n", Runtime.getRuntime().availableProcessors());
    System.out.printf("load average before: %s%n", loadAverage());

    if (cold) {
      Path cache = Files.createTempDirectory("cab-cold-cache-");
      String previous = System.getProperty("cab.cache.dir");
      System.setProperty("cab.cache.dir", cache.toString());
      long started = System.nanoTime();
      try (EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().build().start()) {
        System.out.printf(
            "cold start (empty cache: npm pack, SHA-256 checks, spawn, /ping): %d ms, of which"
                + " spawn -> /ping %d ms%n",
            (System.nanoTime() - started) / 1_000_000, clickhouse.startMillis());
      } finally {
        if (previous == null) {
          System.clearProperty("cab.cache.dir");
        } else {
          System.setProperty("cab.cache.dir", previous);
        }
        deleteTree(cache);
      }
    }

    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < WARM_ROUNDS; i++) {
      try (EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().build().start()) {
        starts.add(clickhouse.startMillis());
        if (i == 0) {
          System.out.printf("RSS after start: %s%n", rss(clickhouse.pid()));
        }
      }
    }
    System.out.printf("warm start (spawn -> /ping OK), %d rounds: %s ms%n", WARM_ROUNDS, starts);

    try (EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().build().start()) {
      String url = clickhouse.url();
      try (Connection c = DriverManager.getConnection("jdbc:clickhouse:" + url);
          Statement s = c.createStatement()) {
        s.execute(TABLE.formatted("via_jdbc"));
        s.execute(TABLE.formatted("via_rowbinary"));
        s.execute(TABLE.formatted("via_select"));
      }

      double jdbcSeconds = insertThroughJdbc(url, "via_jdbc", "");
      double rowBinarySeconds =
          insertThroughJdbc(url, "via_rowbinary", "?beta.row_binary_for_simple_insert=true");
      double selectSeconds = insertSelect(url);
      System.out.printf(
          "1M rows, clickhouse-jdbc batched PreparedStatement, default (VALUES text), batches of"
              + " %d: %.2f s = %,.0f rows/s%n",
          BATCH, jdbcSeconds, ROWS / jdbcSeconds);
      System.out.printf(
          "1M rows, clickhouse-jdbc batched PreparedStatement, beta.row_binary_for_simple_insert:"
              + " %.2f s = %,.0f rows/s%n",
          rowBinarySeconds, ROWS / rowBinarySeconds);
      System.out.printf(
          "1M rows, INSERT ... SELECT FROM numbers() inside the engine: %.2f s = %,.0f rows/s%n",
          selectSeconds, ROWS / selectSeconds);
      System.out.printf(
          "cost of the HTTP+JDBC path (its time / engine-internal time): VALUES %.1fx, RowBinary"
              + " %.1fx%n",
          jdbcSeconds / selectSeconds, rowBinarySeconds / selectSeconds);
      System.out.printf("RSS after the inserts: %s%n", rss(clickhouse.pid()));
      System.out.printf(
          "row counts: %s %s %s%n",
          query(url, "SELECT count() FROM via_jdbc").strip(),
          query(url, "SELECT count() FROM via_rowbinary").strip(),
          query(url, "SELECT count() FROM via_select").strip());
    }
    System.out.printf("load average after: %s%n", loadAverage());
  }

  private static double insertThroughJdbc(String url, String table, String options)
      throws Exception {
    long started = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:clickhouse:" + url + "/" + options);
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + table
                    + " (cell_id, sweep_id, ts, seq, score, passed, attrs)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < ROWS; i++) {
        ps.setString(1, "cell-" + i);
        ps.setString(2, "sweep-" + (i % 10));
        ps.setTimestamp(3, new Timestamp(1_700_000_000_000L + i));
        ps.setLong(4, i);
        ps.setDouble(5, i / 1e6);
        ps.setBoolean(6, i % 2 == 0);
        ps.setObject(7, Map.of("model", "m" + (i % 3)));
        ps.addBatch();
        if ((i + 1) % BATCH == 0) {
          ps.executeBatch();
        }
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static double insertSelect(String url) throws Exception {
    long started = System.nanoTime();
    query(
        url,
        """
        INSERT INTO via_select
        SELECT concat('cell-', toString(number)), concat('sweep-', toString(number % 10)),
               toDateTime64(1700000000, 3, 'UTC') + toIntervalMillisecond(number), number,
               number / 1e6, number % 2 = 0, map('model', concat('m', toString(number % 3)))
        FROM numbers(1000000)""");
    return (System.nanoTime() - started) / 1e9;
  }

  private static String query(String url, String sql) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/"))
                    .POST(HttpRequest.BodyPublishers.ofString(sql))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.body());
    }
    return response.body();
  }

  private static String rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        long kb = Long.parseLong(line.replaceAll("\\D", ""));
        return kb / 1024 + " MiB";
      }
    }
    return "?";
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).strip();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
