package dev.cab.embedded.clickhouse.internal.http;

import dev.cab.embedded.clickhouse.internal.engine.QueryBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The query of one request as the engine takes it: the SQL in native memory and, for an {@code
 * INSERT} with inline data, the data in a temporary file that the SQL reads with {@code FROM
 * INFILE}.
 *
 * <p>Why a file: libchdb runs every query text through ClickHouse's multi-statement client, which
 * ends inline insert data at the first empty line ({@code \n\n}) and runs what follows as the next
 * statement. Binary rows hit that by chance (the UInt64 2570 is {@code 0A 0A ...}), and text rows
 * can smuggle SQL through it. A file has no such delimiter. A ClickHouse server reads the data from
 * the request stream, which is what the file stands in for.
 *
 * <p>Not thread-safe; {@link #close()} frees the memory and deletes the file.
 */
final class RequestQuery implements AutoCloseable {

  /** How much of a body is read before deciding what it holds (ClickHouse's max_query_size). */
  static final int HEAD_BYTES = 256 * 1024;

  private static final int CHUNK = 64 * 1024;

  private final QueryBuffer sql;
  private final Path dataFile;
  private final SqlHead head;
  private final long bodyBytes;

  private RequestQuery(QueryBuffer sql, Path dataFile, SqlHead head, long bodyBytes) {
    this.sql = sql;
    this.dataFile = dataFile;
    this.head = head;
    this.bodyBytes = bodyBytes;
  }

  /** The SQL the engine runs (with a FROM INFILE clause if the data went to a file). */
  QueryBuffer sql() {
    return sql;
  }

  SqlHead head() {
    return head;
  }

  /** Bytes of request body read (after decompression). */
  long bodyBytes() {
    return bodyBytes;
  }

  /**
   * Reads the query: the {@code query} URL parameter (if any), then a newline and the body (if
   * any), as a ClickHouse server concatenates them.
   *
   * @param parameter the {@code query} URL parameter, or null
   * @param body the decoded request body, or null (GET)
   * @param maxBodyBytes the most body bytes accepted
   * @param insertDir where inline insert data goes
   * @throws RequestFailure QUERY_IS_TOO_LARGE above the limit, BAD_ARGUMENTS for a query naming a
   *     file, SYNTAX_ERROR for several statements or none
   */
  static RequestQuery read(String parameter, InputStream body, long maxBodyBytes, Path insertDir)
      throws IOException, RequestFailure {
    byte[] prefix =
        parameter == null || parameter.isEmpty()
            ? new byte[0]
            : (parameter + "\n").getBytes(StandardCharsets.UTF_8);
    Counter counter = new Counter(maxBodyBytes);
    byte[] headOfBody = body == null ? new byte[0] : readUpTo(body, HEAD_BYTES, counter);
    byte[] start = concat(prefix, headOfBody);
    SqlHead head = SqlHead.of(new String(start, StandardCharsets.ISO_8859_1));
    if (head.keyword().isEmpty() && (body == null || counter.total == headOfBody.length)) {
      throw new RequestFailure(ErrorCodes.SYNTAX_ERROR, "Empty query");
    }
    if (head.multiStatement()) {
      throw new RequestFailure(ErrorCodes.SYNTAX_ERROR, "Multi-statements are not allowed");
    }
    if (head.namesFile()) {
      throw new RequestFailure(
          ErrorCodes.BAD_ARGUMENTS,
          "FROM INFILE and INTO OUTFILE are client-side clauses: send data in the request body and"
              + " read results from the response");
    }
    if (head.isInsert() && head.hasInlineData()) {
      return toFile(head, start, body, counter, insertDir);
    }
    QueryBuffer sql = new QueryBuffer(start.length + (body == null ? 0 : CHUNK));
    try {
      sql.append(start, 0, start.length);
      if (body != null) {
        byte[] chunk = new byte[CHUNK];
        for (int n = body.read(chunk); n >= 0; n = body.read(chunk)) {
          counter.add(n);
          sql.append(chunk, 0, n);
        }
      }
      return new RequestQuery(sql, null, head, counter.total);
    } catch (IOException | RequestFailure | RuntimeException e) {
      sql.close();
      throw e;
    }
  }

  private static RequestQuery toFile(
      SqlHead head, byte[] start, InputStream body, Counter counter, Path insertDir)
      throws IOException, RequestFailure {
    Path file = Files.createTempFile(insertDir, "insert-", ".bin");
    QueryBuffer sql = null;
    try {
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
        out.write(start, head.dataStart(), start.length - head.dataStart());
        if (body != null) {
          byte[] chunk = new byte[CHUNK];
          for (int n = body.read(chunk); n >= 0; n = body.read(chunk)) {
            counter.add(n);
            out.write(chunk, 0, n);
          }
        }
      }
      // INSERT INTO t [(cols)] FROM INFILE '<file>' COMPRESSION 'none' [SETTINGS ...] FORMAT x
      int splice = head.settingsStart() >= 0 ? head.settingsStart() : head.dataClauseStart();
      String before = utf8(start, 0, splice);
      String settings =
          head.settingsStart() >= 0
              ? utf8(start, head.settingsStart(), head.dataClauseStart())
              : "";
      String rewritten =
          before.stripTrailing()
              + " FROM INFILE "
              + quote(file.toAbsolutePath().toString())
              + " COMPRESSION 'none' "
              + settings.strip()
              + (settings.isBlank() ? "" : " ")
              + "FORMAT "
              + head.inputFormat();
      sql = new QueryBuffer(rewritten.length() * 2L);
      sql.append(rewritten);
      return new RequestQuery(sql, file, head, counter.total);
    } catch (IOException | RequestFailure | RuntimeException e) {
      if (sql != null) {
        sql.close();
      }
      Files.deleteIfExists(file);
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    sql.close();
    if (dataFile != null) {
      Files.deleteIfExists(dataFile);
    }
  }

  private static byte[] readUpTo(InputStream in, int max, Counter counter)
      throws IOException, RequestFailure {
    byte[] buffer = new byte[Math.min(max, CHUNK)];
    int length = 0;
    while (length < max) {
      if (length == buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(max, buffer.length * 2));
      }
      int n = in.read(buffer, length, buffer.length - length);
      if (n < 0) {
        break;
      }
      counter.add(n);
      length += n;
    }
    return Arrays.copyOf(buffer, length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String utf8(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }

  private static String quote(String path) {
    return "'" + path.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Counts body bytes against the limit. */
  private static final class Counter {
    private final long max;
    long total;

    Counter(long max) {
      this.max = max;
    }

    void add(int n) throws RequestFailure {
      total += n;
      if (total > max) {
        throw new RequestFailure(
            ErrorCodes.QUERY_IS_TOO_LARGE,
            "Request body is larger than the server's limit of "
                + max
                + " bytes (--max-body-bytes)");
      }
    }
  }
}
