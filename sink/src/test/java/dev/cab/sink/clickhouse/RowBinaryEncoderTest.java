package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RowBinaryEncoder} writes the bytes client-v2's {@code RowBinaryFormatWriter} writes, for
 * every column type of the sink's tables (the types listed in its migrations), on the seeds' rows
 * and on random values at the edges of each type. {@code RowBinaryEncoderIT} does the same with the
 * schemas the server reports.
 */
class RowBinaryEncoderTest {

  /** One column of each type the sink's migrations use, with and without a default. */
  static final TableSchema EVERY_TYPE =
      schema(
          "s String",
          "lc LowCardinality(String)",
          "ns Nullable(String)",
          "i32 Int32",
          "ni32 Nullable(Int32)",
          "i64 Int64",
          "u16 UInt16",
          "u32 UInt32",
          "nu32 Nullable(UInt32)",
          "u64 UInt64",
          "nu64 Nullable(UInt64)",
          "f64 Float64",
          "nf64 Nullable(Float64)",
          "t3 DateTime64(3, 'UTC')",
          "t6 DateTime64(6, 'UTC')",
          "nt6 Nullable(DateTime64(6, 'UTC'))",
          "t9 DateTime64(9, 'UTC')",
          "a Array(String)",
          "ms Map(String, String)",
          "mf Map(String, Float64)",
          "mu Map(String, UInt32)",
          "mi Map(String, Int64)",
          "d LowCardinality(String) DEFAULT",
          "dt DateTime64(3, 'UTC') DEFAULT",
          "m String MATERIALIZED");

  private static TableSchema schema(String... columns) {
    List<ClickHouseColumn> list = new ArrayList<>();
    for (String c : columns) {
      String[] nameType = c.split(" ", 2);
      String[] typeDefault = nameType[1].split(" (?=DEFAULT|MATERIALIZED)");
      ClickHouseColumn column = ClickHouseColumn.of(nameType[0], typeDefault[0]);
      if (typeDefault.length > 1) {
        column.setHasDefault(true);
        column.setDefaultValue(ClickHouseColumn.DefaultValue.valueOf(typeDefault[1]));
      }
      list.add(column);
    }
    return new TableSchema("t", "", "db", list);
  }

  static byte[] library(TableSchema schema, List<Map<String, Object>> rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RowBinaryFormatWriter writer =
        new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinaryWithDefaults);
    for (Map<String, Object> row : rows) {
      // The client's writer keeps a value a row leaves out from the row before: set every column.
      for (ClickHouseColumn c : schema.getColumns()) {
        writer.setValue(c.getColumnName(), row.get(c.getColumnName()));
      }
      writer.commitRow();
    }
    return out.toByteArray();
  }

  static byte[] ours(TableSchema schema, List<Map<String, Object>> rows) {
    InsertBody body = new InsertBody(16);
    RowBinaryEncoder.of(schema).orElseThrow().encode(rows, body);
    return body.stream().readAllBytes();
  }

  @Test
  void writesTheClientsBytesForRandomValuesOfEveryType() throws IOException {
    // given 2,000 rows of random values, nulls where a column takes them, edges of every type
    Random random = new Random(20261204);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      rows.add(randomRow(random));
    }

    // then each row's bytes, and the whole body's
    for (Map<String, Object> row : rows) {
      assertSameBytes(ours(EVERY_TYPE, List.of(row)), library(EVERY_TYPE, List.of(row)), row);
    }
    assertThat(ours(EVERY_TYPE, rows)).isEqualTo(library(EVERY_TYPE, rows));
  }

  /** Equal bytes, or a failure naming the first byte that differs and the bytes around it. */
  static void assertSameBytes(byte[] ours, byte[] library, Object what) {
    int i = java.util.Arrays.mismatch(ours, library);
    if (i >= 0) {
      int from = Math.max(0, i - 16);
      throw new AssertionError(
          "byte "
              + i
              + " differs for "
              + what
              + "\n ours:    "
              + java.util.Arrays.toString(
                  java.util.Arrays.copyOfRange(ours, from, Math.min(ours.length, i + 16)))
              + "\n library: "
              + java.util.Arrays.toString(
                  java.util.Arrays.copyOfRange(library, from, Math.min(library.length, i + 16))));
    }
  }

  @Test
  void anAbsentKeyIsNullInItsRowNotThePreviousRowsValue() {
    // given a row with a value, then a row without that key
    TableSchema schema = schema("k String", "n Nullable(String)");
    List<Map<String, Object>> rows = List.of(Map.of("k", "a", "n", "set"), Map.of("k", "b"));

    // then the second row's n is NULL
    assertThat(ours(schema, rows))
        .containsExactly(
            0, 1, 'a', 0, 0, 3, 's', 'e', 't', // row 1: k = "a", n = "set"
            0, 1, 'b', 0, 1); // row 2: k = "b", n = NULL
  }

  @Test
  void refusesAKeyTheTableHasNotAndANullItCannotTake() {
    TableSchema schema = schema("k String");
    assertThatThrownBy(() -> ours(schema, List.of(Map.of("k", "a", "other", "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("other");
    Map<String, Object> nullKey = new LinkedHashMap<>();
    nullKey.put("k", null);
    assertThatThrownBy(() -> ours(schema, List.of(nullKey)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k");
    Map<String, Object> nullArray = new LinkedHashMap<>();
    nullArray.put("a", null);
    assertThatThrownBy(() -> ours(schema("a Array(String)"), List.of(nullArray)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ours(schema("t DateTime64(3, 'UTC')"), List.of(Map.of("t", "now"))))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void leavesATypeItDoesNotWriteToTheClient() {
    assertThat(RowBinaryEncoder.of(schema("u UUID"))).isEmpty();
    assertThat(RowBinaryEncoder.of(schema("a Array(Nullable(String))"))).isEmpty();
    assertThat(RowBinaryEncoder.of(EVERY_TYPE)).isPresent();
  }

  static Map<String, Object> randomRow(Random r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("s", randomString(r));
    row.put("lc", randomString(r));
    row.put("ns", r.nextInt(4) == 0 ? null : randomString(r));
    row.put("i32", pick(r, Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, r.nextInt()));
    row.put("ni32", r.nextInt(4) == 0 ? null : r.nextInt());
    row.put("i64", pick(r, Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, r.nextLong()));
    row.put("u16", r.nextInt(65536));
    row.put("u32", r.nextBoolean() ? (Object) r.nextInt(Integer.MAX_VALUE) : (Object) 4294967295L);
    row.put("nu32", r.nextInt(4) == 0 ? null : r.nextInt(1 << 20));
    row.put("u64", r.nextBoolean() ? (Object) (r.nextLong() >>> 1) : (Object) r.nextInt(1000));
    row.put("nu64", r.nextInt(4) == 0 ? null : r.nextLong() >>> 1);
    row.put(
        "f64",
        pick(
            r,
            Double.NaN,
            Double.MIN_VALUE,
            -0.0,
            Double.MAX_VALUE,
            Double.longBitsToDouble(r.nextLong())));
    row.put("nf64", r.nextInt(4) == 0 ? null : r.nextDouble() * 1e6);
    row.put("t3", randomInstant(r));
    row.put("t6", randomInstant(r));
    row.put("nt6", r.nextInt(4) == 0 ? null : randomInstant(r));
    row.put("t9", randomInstant(r));
    row.put("a", r.nextInt(5) == 0 ? List.of() : List.of(randomString(r), randomString(r)));
    row.put("ms", Map.of(randomString(r), randomString(r)));
    row.put("mf", r.nextBoolean() ? Map.of() : Map.of("x", r.nextDouble(), "y", -1.5));
    row.put("mu", Map.of("a", r.nextInt(1000), "b", 7));
    row.put("mi", Map.of("n", r.nextLong()));
    row.put("d", r.nextBoolean() ? null : randomString(r));
    row.put("dt", r.nextBoolean() ? null : randomInstant(r));
    row.put("m", r.nextBoolean() ? null : "not sent");
    return row;
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }

  /** 1900-2299 (the range the mappers let through), any nanosecond. */
  private static Instant randomInstant(Random r) {
    long from = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2299-12-31T23:59:59Z").getEpochSecond();
    return Instant.ofEpochSecond(
        from + (long) (r.nextDouble() * (to - from)), r.nextInt(1_000_000_000));
  }

  private static String randomString(Random r) {
    String[] pieces = {
      "",
      "a",
      "cell-0001",
      "é",
      "漢字",
      "🙂",
      "\u0000",
      "\n\t\"\\",
      "\ud800",
      "x".repeat(300),
      "[REDACTED]"
    };
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(4); i > 0; i--) {
      sb.append(pieces[r.nextInt(pieces.length)]);
    }
    return sb.toString();
  }
}
