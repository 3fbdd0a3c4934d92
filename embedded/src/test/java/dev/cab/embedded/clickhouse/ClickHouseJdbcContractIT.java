package dev.cab.embedded.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the pipeline's sink and dashboards need from ClickHouse, through clickhouse-jdbc 0.11 over
 * HTTP. Runs against the embedded server, or any ClickHouse named by {@code CLICKHOUSE_URL}: the
 * embedded server must behave like the real one here.
 */
@ExtendWith(ClickHouseExtension.class)
class ClickHouseJdbcContractIT {

  private final ClickHouseTestServer server;

  ClickHouseJdbcContractIT(ClickHouseTestServer server) {
    this.server = server;
  }

  /** One row of every column type the pipeline writes. */
  private record Row(
      long id,
      String s,
      String lc,
      int u8,
      long u32,
      BigInteger u64,
      long i64,
      double f64,
      boolean b,
      String ns,
      Long ni,
      Instant ts,
      List<String> arr,
      Map<String, String> m,
      String js) {}

  @Test
  void createsReplacingMergeTreeTtlTableAndMaterializedView() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE cells (cell_id String, version UInt64, score Float64)
          ENGINE = ReplacingMergeTree(version) ORDER BY cell_id""");
      s.execute(
          """
          CREATE TABLE spans (ts DateTime64(3, 'UTC'), name LowCardinality(String))
          ENGINE = MergeTree ORDER BY ts TTL toDateTime(ts) + INTERVAL 30 DAY""");
      s.execute(
          """
          CREATE TABLE best (cell_id String, best SimpleAggregateFunction(max, Float64))
          ENGINE = AggregatingMergeTree ORDER BY cell_id""");
      s.execute(
          """
          CREATE MATERIALIZED VIEW best_mv TO best AS
          SELECT cell_id, max(score) AS best FROM cells GROUP BY cell_id""");

      s.executeUpdate("INSERT INTO cells VALUES ('a', 1, 0.5), ('b', 1, 0.7)");
      s.executeUpdate("INSERT INTO cells VALUES ('a', 2, 0.9)");

      assertThat(rows(s, "SELECT cell_id, version, score FROM cells FINAL ORDER BY cell_id"))
          .containsExactly(List.of("a", "2", "0.9"), List.of("b", "1", "0.7"));
      assertThat(rows(s, "SELECT cell_id, max(best) FROM best GROUP BY cell_id ORDER BY cell_id"))
          .containsExactly(List.of("a", "0.9"), List.of("b", "0.7"));
      assertThat(
              rows(
                  s,
                  "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'spans'"))
          .containsExactly(List.of("MergeTree"));
      assertThat(
              scalar(
                  s,
                  "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'spans' AND create_table_query LIKE '%TTL%'"))
          .isEqualTo("1");
    }
  }

  @Test
  void roundTripsEveryPipelineColumnTypeThroughBatchedPreparedStatements() throws SQLException {
    roundTripEveryColumnType("types_values", new Properties());
  }

  @Test
  void roundTripsEveryPipelineColumnTypeThroughTheRowBinaryWriter() throws SQLException {
    // The driver's faster insert path: RowBinary instead of a VALUES statement.
    Properties rowBinary = new Properties();
    rowBinary.setProperty("beta.row_binary_for_simple_insert", "true");
    roundTripEveryColumnType("types_rowbinary", rowBinary);
  }

  private void roundTripEveryColumnType(String table, Properties driverProperties)
      throws SQLException {
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            1,
            "plain",
            "tool_call",
            0,
            0,
            BigInteger.ZERO,
            Long.MIN_VALUE,
            0.0,
            false,
            null,
            null,
            Instant.parse("1970-01-01T00:00:00Z"),
            List.of(),
            Map.of(),
            "{}"));
    rows.add(
        new Row(
            2,
            "tab\tnewline\nquote' \"dq\" back\\slash ünïcødé 🚀",
            "adapter_run",
            255,
            4_294_967_295L,
            new BigInteger("18446744073709551615"),
            Long.MAX_VALUE,
            -1.5e-300,
            true,
            "",
            -42L,
            Instant.parse("2026-11-23T12:34:56.789Z"),
            List.of("a", "", "c'd", "ü"),
            orderedMap("k1", "v1", "k'2", "v\t2"),
            "{\"score\":0.918,\"axes\":[\"pass_rate\",\"tokens\"],\"nested\":{\"x\":null}}"));
    for (int i = 3; i <= 500; i++) {
      rows.add(
          new Row(
              i,
              "s" + i,
              "lc" + (i % 5),
              i % 256,
              i * 1000L,
              BigInteger.valueOf(i).shiftLeft(40),
              -i,
              i / 7.0,
              i % 2 == 0,
              i % 3 == 0 ? null : "n" + i,
              i % 4 == 0 ? null : (long) i,
              Instant.ofEpochMilli(1_700_000_000_000L + i),
              List.of("x" + i, "y"),
              Map.of("i", Integer.toString(i)),
              "{\"i\":" + i + "}"));
    }

    try (Connection c = connect(driverProperties);
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE %s (
            id UInt64, s String, lc LowCardinality(String), u8 UInt8, u32 UInt32, u64 UInt64,
            i64 Int64, f64 Float64, b Bool, ns Nullable(String), ni Nullable(Int64),
            ts DateTime64(3, 'UTC'), arr Array(String), m Map(String, String), js String
          ) ENGINE = MergeTree ORDER BY id"""
              .formatted(table));
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO "
                  + table
                  + " (id, s, lc, u8, u32, u64, i64, f64, b, ns, ni, ts, arr, m, js)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Row r : rows) {
          ps.setLong(1, r.id());
          ps.setString(2, r.s());
          ps.setString(3, r.lc());
          ps.setInt(4, r.u8());
          ps.setLong(5, r.u32());
          ps.setObject(6, r.u64());
          ps.setLong(7, r.i64());
          ps.setDouble(8, r.f64());
          ps.setBoolean(9, r.b());
          if (r.ns() == null) {
            ps.setNull(10, Types.VARCHAR);
          } else {
            ps.setString(10, r.ns());
          }
          if (r.ni() == null) {
            ps.setNull(11, Types.BIGINT);
          } else {
            ps.setLong(11, r.ni());
          }
          ps.setTimestamp(12, Timestamp.from(r.ts()));
          ps.setArray(13, c.createArrayOf("String", r.arr().toArray()));
          ps.setObject(14, r.m());
          ps.setString(15, r.js());
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        assertThat(counts).hasSize(rows.size());
      }

      List<Row> read = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
        while (rs.next()) {
          Array arr = rs.getArray("arr");
          List<String> strings = new ArrayList<>();
          for (Object o : (Object[]) arr.getArray()) {
            strings.add((String) o);
          }
          @SuppressWarnings("unchecked")
          Map<String, String> m = (Map<String, String>) rs.getObject("m");
          long ni = rs.getLong("ni");
          Long nullableInt = rs.wasNull() ? null : ni;
          read.add(
              new Row(
                  rs.getLong("id"),
                  rs.getString("s"),
                  rs.getString("lc"),
                  rs.getInt("u8"),
                  rs.getLong("u32"),
                  rs.getObject("u64", BigInteger.class),
                  rs.getLong("i64"),
                  rs.getDouble("f64"),
                  rs.getBoolean("b"),
                  rs.getString("ns"),
                  nullableInt,
                  rs.getTimestamp("ts").toInstant(),
                  strings,
                  new LinkedHashMap<>(m),
                  rs.getString("js")));
        }
      }
      assertThat(read).hasSize(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        Row expected = rows.get(i);
        Row actual = read.get(i);
        assertThat(actual)
            .as("row %d", expected.id())
            .usingRecursiveComparison()
            .ignoringFields("m")
            .isEqualTo(expected);
        assertThat(actual.m()).as("row %d map", expected.id()).isEqualTo(expected.m());
      }
      assertThat(scalar(s, "SELECT isValidJSON(js) FROM " + table + " WHERE id = 2"))
          .isEqualTo("1");
      assertThat(scalar(s, "SELECT JSONExtractFloat(js, 'score') FROM " + table + " WHERE id = 2"))
          .isEqualTo("0.918");
    }
  }

  @Test
  void honoursInsertDeduplicationTokenOnANonReplicatedTable() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE dedup (id UInt64, v String) ENGINE = MergeTree ORDER BY id
          SETTINGS non_replicated_deduplication_window = 100""");
      String insert =
          "INSERT INTO dedup SETTINGS insert_deduplication_token = '%s' VALUES (1, 'a'), (2, 'b')";

      s.executeUpdate(insert.formatted("batch-1"));
      s.executeUpdate(insert.formatted("batch-1")); // a retry of the same batch
      s.executeUpdate(insert.formatted("batch-2")); // a different batch with the same rows

      assertThat(scalar(s, "SELECT count() FROM dedup")).isEqualTo("4");
    }
  }

  @Test
  void passesSettingsFromConnectionPropertiesAsUrlParameters() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("clickhouse_setting_insert_deduplication_token", "from-property");
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE dedup_prop (id UInt64) ENGINE = MergeTree ORDER BY id
          SETTINGS non_replicated_deduplication_window = 100""");
    }
    try (Connection c = connect(properties);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO dedup_prop VALUES (1)");
      s.executeUpdate("INSERT INTO dedup_prop VALUES (1)");

      assertThat(scalar(s, "SELECT count() FROM dedup_prop")).isEqualTo("1");
      assertThat(scalar(s, "SELECT getSetting('insert_deduplication_token')"))
          .isEqualTo("from-property");
    }
  }

  @Test
  void surfacesSqlErrorsWithTheClickHouseCode() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM no_such_table"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(60))
          .hasMessageContaining("UNKNOWN_TABLE");
      assertThatThrownBy(() -> s.executeQuery("SELEC 1"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(62));
      assertThatThrownBy(() -> s.execute("CREATE TABLE bad (x NoSuchType) ENGINE = Memory"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(50));

      // The connection is still good after errors.
      assertThat(scalar(s, "SELECT 1 + 1")).isEqualTo("2");
    }
  }

  @Test
  void streamsAMillionRowsBackThroughJdbc() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT number, toString(number) AS s FROM system.numbers LIMIT 1000000")) {
      long count = 0;
      long sum = 0;
      while (rs.next()) {
        long n = rs.getLong(1);
        if (n % 1000 == 0) {
          // Decoding every string doubles the client's time; a sample proves the column.
          assertThat(rs.getString(2)).isEqualTo(Long.toString(n));
        }
        sum += n;
        count++;
      }
      assertThat(count).isEqualTo(1_000_000);
      assertThat(sum).isEqualTo(999_999L * 1_000_000L / 2);
    }
  }

  @Test
  void keepsDataAcrossARestartOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
    assumeThat(System.getenv("CLICKHOUSE_URL")).as("restarting needs the embedded server").isNull();
    try (EmbeddedClickHouse first = EmbeddedClickHouse.builder().dataDir(dataDir).start()) {
      try (Connection c = DriverManager.getConnection("jdbc:clickhouse:" + first.url());
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE kept");
        s.execute("CREATE TABLE kept.t (id UInt64, s String) ENGINE = MergeTree ORDER BY id");
        s.executeUpdate("INSERT INTO kept.t SELECT number, toString(number) FROM numbers(1000)");
      }
    }
    try (EmbeddedClickHouse second = EmbeddedClickHouse.builder().dataDir(dataDir).start();
        Connection c = DriverManager.getConnection("jdbc:clickhouse:" + second.url());
        Statement s = c.createStatement()) {
      assertThat(rows(s, "SELECT count(), sum(id), max(s) FROM kept.t"))
          .containsExactly(List.of("1000", "499500", "999"));
    }
  }

  private Connection connect() throws SQLException {
    return connect(new Properties());
  }

  private Connection connect(Properties extra) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", server.user());
    properties.setProperty("password", server.password());
    properties.putAll(extra);
    return DriverManager.getConnection(server.jdbcUrl(), properties);
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String scalar(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as("a row from %s", sql).isTrue();
      return rs.getString(1);
    }
  }

  private static List<List<String>> rows(Statement s, String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
