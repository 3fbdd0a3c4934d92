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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw ClickHouse limits for the rows the pipeline wrote: the same rows of {@code cells}, {@code
 * spans} and {@code score_events}, read back as RowBinary and written again over the same HTTP
 * interface the sink uses, as bulk {@code INSERT ... FORMAT RowBinary} requests of {@code
 * chunkRows} rows, three ways, each into a fresh copy of the table (same engine, same sort key):
 *
 * <ul>
 *   <li><b>chunked</b>: each request after reading its rows back (the reads are not timed, but
 *       ClickHouse merges the parts of the inserts before while they run);
 *   <li><b>sustained</b>: as many rows as the sink's drain wrote to the table, read back first (to
 *       files, not timed), then sent back to back and timed from the first request to the last
 *       answer: what a bulk writer of that many rows gets while the table's merges run beside its
 *       inserts, as they run beside the sink's;
 *   <li>and by {@code INSERT ... SELECT} inside the engine.
 * </ul>
 */
final class RawClickHouse {

  /**
   * Rows per second of one table, each way.
   *
   * @param rows rows of the chunked and {@code INSERT ... SELECT} figures
   * @param httpRowsPerSecond chunked: requests with the reads between them
   * @param selectRowsPerSecond {@code INSERT ... SELECT}
   * @param sustainedRows rows of the sustained figure (the drain's rows of the table, or fewer if
   *     the table holds fewer)
   * @param sustainedRowsPerSecond sustained: requests back to back (NaN without rows)
   */
  record TableFigures(
      String table,
      long rows,
      double httpRowsPerSecond,
      double selectRowsPerSecond,
      long sustainedRows,
      double sustainedRowsPerSecond) {}

  private final ClickHouseHttp clickhouse;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  RawClickHouse(ClickHouseHttp clickhouse) {
    this.clickhouse = clickhouse;
  }

  /**
   * Measures each table with up to {@code maxRows} of its rows (chunked, {@code INSERT ...
   * SELECT}), and with {@code sustainedRows} of them (sustained; a table missing there: none),
   * reading the latter into files under {@code scratch} (deleted after).
   */
  Map<String, TableFigures> measure(
      Iterable<String> tables,
      long maxRows,
      int chunkRows,
      Map<String, Long> sustainedRows,
      Path scratch) {
    Map<String, TableFigures> out = new LinkedHashMap<>();
    for (String table : tables) {
      TableFigures chunked = measure(table, maxRows, chunkRows);
      long n = sustainedRows.getOrDefault(table, 0L);
      out.put(table, sustained(chunked, n, chunkRows, scratch));
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
    String columns = columns(table);
    long httpNanos = 0;
    for (long offset = 0; offset < rows; offset += chunkRows) {
      long n = Math.min(chunkRows, rows - offset);
      byte[] chunk = read(table, n, offset);
      long t0 = System.nanoTime();
      insert(viaHttp, columns, HttpRequest.BodyPublishers.ofByteArray(chunk));
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
    return new TableFigures(
        table, rows, rows / (httpNanos / 1e9), rows / (selectNanos / 1e9), 0, Double.NaN);
  }

  /** {@code chunked} with the sustained figure of {@code wanted} rows of its table. */
  private TableFigures sustained(TableFigures chunked, long wanted, int chunkRows, Path scratch) {
    String table = chunked.table();
    long rows = Math.min(wanted, Long.parseLong(clickhouse.scalar("SELECT count() FROM " + table)));
    if (rows == 0) {
      return chunked;
    }
    List<Path> files = new ArrayList<>();
    String copy = "bench_sustained_" + table;
    try {
      for (long offset = 0; offset < rows; offset += chunkRows) {
        Path file = scratch.resolve("bench-" + table + "-" + files.size() + ".rowbinary");
        Files.write(file, read(table, Math.min(chunkRows, rows - offset), offset));
        files.add(file);
      }
      clickhouse.scalar("DROP TABLE IF EXISTS " + copy);
      clickhouse.scalar("CREATE TABLE " + copy + " AS " + table);
      String columns = columns(table);
      long t0 = System.nanoTime();
      for (Path file : files) {
        insert(copy, columns, HttpRequest.BodyPublishers.ofFile(file));
      }
      long nanos = System.nanoTime() - t0;
      return new TableFigures(
          table,
          chunked.rows(),
          chunked.httpRowsPerSecond(),
          chunked.selectRowsPerSecond(),
          rows,
          rows / (nanos / 1e9));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the rows of " + table + " under " + scratch, e);
    } finally {
      clickhouse.scalar("DROP TABLE IF EXISTS " + copy);
      for (Path file : files) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // the scratch directory goes at the end of the run anyway
        }
      }
    }
  }

  private String columns(String table) {
    return clickhouse.scalar(
        "SELECT arrayStringConcat(groupArray(name), ', ') FROM (SELECT name FROM system.columns"
            + " WHERE database = currentDatabase() AND table = '"
            + table
            + "' AND name != 'inserted_at' ORDER BY position)");
  }

  /**
   * Rows {@code offset} to {@code offset + limit} of the table. One reading thread, so that the
   * chunks of successive reads follow one order and neither repeat nor miss rows.
   */
  private byte[] read(String table, long limit, long offset) {
    byte[][] out = new byte[1][];
    clickhouse.stream(
        "SELECT * EXCEPT (inserted_at) FROM "
            + table
            + " LIMIT "
            + limit
            + " OFFSET "
            + offset
            + " SETTINGS max_threads = 1",
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

  private void insert(String table, String columns, HttpRequest.BodyPublisher rowBinary) {
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
            .POST(rowBinary)
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
