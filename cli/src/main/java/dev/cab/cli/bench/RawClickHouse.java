package dev.cab.cli.bench;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The raw ClickHouse limits for the rows the pipeline wrote: the same rows of {@code cells}, {@code
 * spans} and {@code score_events}, read back as RowBinary and written again (a) as bulk {@code
 * INSERT ... FORMAT RowBinary} requests of {@code chunkRows} rows over the same HTTP interface the
 * sink uses, and (b) by {@code INSERT ... SELECT} inside the engine. Each goes to a fresh copy of
 * the table (same engine, same sort key). Reading the rows back is not timed.
 */
final class RawClickHouse {

  /** Rows per second of one table, both ways. */
  record TableFigures(
      String table, long rows, double httpRowsPerSecond, double selectRowsPerSecond) {}

  private final ClickHouseHttp clickhouse;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  RawClickHouse(ClickHouseHttp clickhouse) {
    this.clickhouse = clickhouse;
  }

  /** Measures each table with up to {@code maxRows} of its rows. */
  Map<String, TableFigures> measure(Iterable<String> tables, long maxRows, int chunkRows) {
    Map<String, TableFigures> out = new LinkedHashMap<>();
    for (String table : tables) {
      out.put(table, measure(table, maxRows, chunkRows));
    }
    return out;
  }

  private TableFigures measure(String table, long maxRows, int chunkRows) {
    long rows =
        Math.min(maxRows, Long.parseLong(clickhouse.scalar("SELECT count() FROM " + table)));
    String viaHttp = "bench_http_" + table;
    String viaSelect = "bench_select_" + table;
    for (String copy : new String[] {viaHttp, viaSelect}) {
      clickhouse.scalar("DROP TABLE IF EXISTS " + copy);
      clickhouse.scalar("CREATE TABLE " + copy + " AS " + table);
    }
    String columns =
        clickhouse.scalar(
            "SELECT arrayStringConcat(groupArray(name), ', ') FROM (SELECT name FROM system.columns"
                + " WHERE database = currentDatabase() AND table = '"
                + table
                + "' AND name != 'inserted_at' ORDER BY position)");
    long httpNanos = 0;
    for (long offset = 0; offset < rows; offset += chunkRows) {
      long n = Math.min(chunkRows, rows - offset);
      byte[] chunk = read(table, n, offset);
      long t0 = System.nanoTime();
      insert(viaHttp, columns, chunk);
      httpNanos += System.nanoTime() - t0;
    }
    long t0 = System.nanoTime();
    clickhouse.scalar(
        "INSERT INTO "
            + viaSelect
            + " ("
            + columns
            + ") SELECT "
            + columns
            + " FROM "
            + table
            + " LIMIT "
            + rows
            + " SETTINGS max_insert_block_size = "
            + chunkRows);
    long selectNanos = System.nanoTime() - t0;
    for (String copy : new String[] {viaHttp, viaSelect}) {
      clickhouse.scalar("DROP TABLE IF EXISTS " + copy);
    }
    return new TableFigures(table, rows, rows / (httpNanos / 1e9), rows / (selectNanos / 1e9));
  }

  private byte[] read(String table, long limit, long offset) {
    byte[][] out = new byte[1][];
    clickhouse.stream(
        "SELECT * EXCEPT (inserted_at) FROM " + table + " LIMIT " + limit + " OFFSET " + offset,
        "RowBinary",
        in -> {
          try {
            out[0] = in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return out[0];
  }

  private void insert(String table, String columns, byte[] rowBinary) {
    String query = "INSERT INTO " + table + " (" + columns + ") FORMAT RowBinary";
    URI uri =
        URI.create(
            clickhouse.url().replaceAll("/+$", "")
                + "/?database="
                + URLEncoder.encode(clickhouse.database(), StandardCharsets.UTF_8)
                + "&query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(5))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (clickhouse.user() + ":" + clickhouse.password())
                                .getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(rowBinary))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "bulk insert into " + table + " failed: " + response.body().strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("bulk insert into " + table + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
