package dev.cab.embedded.clickhouse.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestQueryTest {

  private static final Pattern INFILE = Pattern.compile("FROM INFILE '([^']+)'");

  @TempDir Path inserts;

  @Test
  void keepsAQueryWithoutInlineDataInMemory() throws Exception {
    try (RequestQuery q = read(null, "SELECT 1\n\nFORMAT JSON")) {
      assertThat(q.sql().head(100)).isEqualTo("SELECT 1\n\nFORMAT JSON");
      assertThat(q.head().outputFormat()).isEqualTo("JSON");
      assertThat(inserts).isEmptyDirectory();
    }
  }

  @Test
  void movesInlineInsertDataToAFileReadWithFromInfile() throws Exception {
    byte[] data = {1, 0, '\n', '\n', 'D', 'R', 'O', 'P', 0x0a, 0x0a, (byte) 0xff};
    byte[] body =
        concat("INSERT INTO t (a, b) FORMAT RowBinary\n".getBytes(StandardCharsets.UTF_8), data);

    try (RequestQuery q =
        RequestQuery.read(null, new ByteArrayInputStream(body), 1 << 20, inserts)) {
      String sql = q.sql().head(1000);
      assertThat(sql)
          .startsWith("INSERT INTO t (a, b) FROM INFILE '")
          .endsWith("' COMPRESSION 'none' FORMAT RowBinary");
      assertThat(Files.readAllBytes(fileOf(sql))).isEqualTo(data);
      assertThat(q.bodyBytes()).isEqualTo(body.length);
    }
    assertThat(inserts).as("close() deletes the file").isEmptyDirectory();
  }

  @Test
  void joinsTheQueryParameterAndTheBodyWithANewline() throws Exception {
    try (RequestQuery q = read("INSERT INTO t FORMAT TSV", "1\n\n2\n")) {
      assertThat(Files.readString(fileOf(q.sql().head(1000)))).isEqualTo("1\n\n2\n");
    }
    try (RequestQuery q = read("SELECT 1", "")) {
      assertThat(q.sql().head(100)).isEqualTo("SELECT 1\n");
    }
  }

  @Test
  void turnsValuesIntoFormatValuesAndKeepsSettingsBeforeIt() throws Exception {
    try (RequestQuery q =
        read(
            null, "INSERT INTO t SETTINGS insert_deduplication_token = 'x' VALUES (1, 'a\n\nb')")) {
      String sql = q.sql().head(1000);
      assertThat(sql)
          .startsWith("INSERT INTO t FROM INFILE '")
          .endsWith("' COMPRESSION 'none' SETTINGS insert_deduplication_token = 'x' FORMAT Values");
      assertThat(Files.readString(fileOf(sql))).isEqualTo(" (1, 'a\n\nb')");
    }
  }

  @Test
  void streamsDataBeyondTheFirstChunkToTheFile() throws Exception {
    byte[] data = new byte[3 * RequestQuery.HEAD_BYTES + 17];
    Arrays.fill(data, (byte) '\n');
    byte[] body = concat("INSERT INTO t FORMAT TSV\n".getBytes(StandardCharsets.UTF_8), data);

    try (RequestQuery q =
        RequestQuery.read(null, new ByteArrayInputStream(body), 1 << 22, inserts)) {
      assertThat(Files.size(fileOf(q.sql().head(1000)))).isEqualTo(data.length);
    }
  }

  @Test
  void refusesBodiesAboveTheLimit() {
    byte[] body = new byte[1001];
    Arrays.fill(body, (byte) ' ');

    assertThatThrownBy(() -> RequestQuery.read(null, new ByteArrayInputStream(body), 1000, inserts))
        .isInstanceOf(RequestFailure.class)
        .extracting(e -> ((RequestFailure) e).code())
        .isEqualTo(ErrorCodes.QUERY_IS_TOO_LARGE);
    assertThat(inserts).isEmptyDirectory();
  }

  @Test
  void refusesEmptyQueriesSeveralStatementsAndFileClauses() {
    assertCode(() -> read(null, "  \n "), ErrorCodes.SYNTAX_ERROR);
    assertCode(() -> read(null, "SELECT 1; SELECT 2"), ErrorCodes.SYNTAX_ERROR);
    assertCode(
        () -> read(null, "INSERT INTO t FROM INFILE '/etc/passwd' FORMAT LineAsString"),
        ErrorCodes.BAD_ARGUMENTS);
    assertCode(() -> read(null, "SELECT 1 INTO OUTFILE 'x'"), ErrorCodes.BAD_ARGUMENTS);
  }

  private RequestQuery read(String parameter, String body) throws Exception {
    return RequestQuery.read(
        parameter,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
        1 << 20,
        inserts);
  }

  private static Path fileOf(String sql) {
    Matcher m = INFILE.matcher(sql);
    assertThat(m.find()).as(sql).isTrue();
    return Path.of(m.group(1));
  }

  private static void assertCode(ThrowingCall call, int code) {
    assertThatThrownBy(call::call)
        .isInstanceOf(RequestFailure.class)
        .extracting(e -> ((RequestFailure) e).code())
        .isEqualTo(code);
  }

  @FunctionalInterface
  private interface ThrowingCall {
    Object call() throws Exception;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
