package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.sink.SeedFixture;
import dev.cab.sink.config.SinkSettings;
import dev.cab.sink.config.SinkSettings.InsertFormat;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Both insert paths against the real embedded ClickHouse. */
@ExtendWith(ClickHouseExtension.class)
class ClickHouseConnectorIT {
  private final ClickHouseTestServer clickhouse;

  ClickHouseConnectorIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @BeforeAll
  static void schema(ClickHouseTestServer clickhouse) throws Exception {
    try (ClickHouseConnector c =
        ClickHouseConnector.open(settings(clickhouse, InsertFormat.ROW_BINARY))) {
      Migrations.apply(c.connection(), clickhouse.database());
    }
  }

  private static SinkSettings settings(ClickHouseTestServer ch, InsertFormat format) {
    return SinkSettings.from(
        Map.of(
            SinkSettings.KAFKA_BOOTSTRAP, "unused:9092",
            SinkSettings.CLICKHOUSE_URL, ch.url(),
            SinkSettings.CLICKHOUSE_USER, ch.user(),
            SinkSettings.CLICKHOUSE_PASSWORD, ch.password(),
            SinkSettings.CLICKHOUSE_DATABASE, ch.database(),
            SinkSettings.INSERT_FORMAT, format.name().toLowerCase(Locale.ROOT)),
        Map.of());
  }

  private Map<String, Object> seedRow(String cellId) throws Exception {
    Map<String, Object> row =
        new CellRowMapper().map(SeedFixture.cellRecord(SeedFixture.cells().getFirst(), 4), 0, 1);
    row.put("cell_id", cellId);
    return row;
  }

  @Test
  void bothInsertFormatsStoreTheSeedCellIdentically() throws Exception {
    // given the same row sent through each path
    for (InsertFormat f : InsertFormat.values()) {
      try (ClickHouseConnector c = ClickHouseConnector.open(settings(clickhouse, f))) {
        c.insert(CellRowMapper.TABLE, List.of(seedRow("same-" + f)), "same-" + f);
      }
    }

    // then every column reads back the same
    String columns =
        String.join(
            ", ",
            CellRowMapper.TABLE.columns().stream().filter(col -> !col.equals("cell_id")).toList());
    String binary =
        clickhouse.query("SELECT " + columns + " FROM cells WHERE cell_id = 'same-ROW_BINARY'");
    String json =
        clickhouse.query("SELECT " + columns + " FROM cells WHERE cell_id = 'same-JSON_EACH_ROW'");
    assertThat(binary).isNotBlank().isEqualTo(json);
    assertThat(
            clickhouse
                .query(
                    "SELECT reinterpretAsUInt64(composite) FROM cells WHERE cell_id LIKE 'same-%'")
                .strip()
                .lines()
                .distinct())
        .containsExactly(Long.toUnsignedString(Double.doubleToRawLongBits(0.9184724428873083)));
  }

  @Test
  void aRetriedInsertWithTheSameTokenIsDroppedByTheServer() throws Exception {
    for (InsertFormat f : InsertFormat.values()) {
      try (ClickHouseConnector c = ClickHouseConnector.open(settings(clickhouse, f))) {
        // when the same batch is sent twice (a retry after a lost answer)
        Map<String, Object> row = seedRow("retried-" + f);
        c.insert(CellRowMapper.TABLE, List.of(row), "retried-" + f);
        c.insert(CellRowMapper.TABLE, List.of(row), "retried-" + f);
      }
      // then one row is stored, even without FINAL
      assertThat(
              clickhouse
                  .query("SELECT count() FROM cells WHERE cell_id = 'retried-" + f + "'")
                  .strip())
          .isEqualTo("1");
    }
  }

  @Test
  void aBodyAppendedRowByRowLandsAsItsRowsAndItsSlicesAndRetainedRowsAsTheirs() throws Exception {
    try (ClickHouseConnector c =
        ClickHouseConnector.open(settings(clickhouse, InsertFormat.ROW_BINARY))) {
      // given a body of four rows, appended one by one, and a row that does not fit between them
      Inserter.Body body = c.newBody(CellRowMapper.TABLE);
      assertThat(body).isNotNull();
      body.append(seedRow("body-1"));
      body.append(seedRow("body-2"));
      Map<String, Object> misfit = seedRow("misfit");
      misfit.put("version", "not a number");
      assertThatThrownBy(() -> body.append(misfit))
          .isInstanceOf(SQLDataException.class)
          .satisfies(
              e ->
                  assertThat(ClickHouseErrors.classify((SQLException) e))
                      .isEqualTo(ClickHouseErrors.Kind.DATA));
      body.append(seedRow("body-3"));
      body.append(seedRow("body-4"));
      assertThat(body.rows()).isEqualTo(4);

      // when its middle two rows go as a slice, and its first and last as the rows it retains
      c.insert(CellRowMapper.TABLE, body.slice(1, 3), "middle");
      c.insert(CellRowMapper.TABLE, body.retain(i -> i == 0 || i == 3), "ends");
    }

    // then each row landed once, and nothing of the misfit
    assertThat(
            clickhouse.query(
                "SELECT cell_id, count() FROM cells WHERE cell_id IN ('body-1', 'body-2',"
                    + " 'body-3', 'body-4', 'misfit') GROUP BY cell_id ORDER BY cell_id"
                    + " FORMAT CSV"))
        .isEqualToIgnoringNewLines("\"body-1\",1\"body-2\",1\"body-3\",1\"body-4\",1");
  }

  @Test
  void jsonEachRowRowsAreEncodedAtInsertNotInABody() throws Exception {
    try (ClickHouseConnector c =
        ClickHouseConnector.open(settings(clickhouse, InsertFormat.JSON_EACH_ROW))) {
      assertThat(c.newBody(CellRowMapper.TABLE)).isNull();
    }
  }

  @Test
  void twoVersionsOfACellInOneInsertAreBothStoredUntilMergedAndFinalReadsTheNewer()
      throws Exception {
    for (InsertFormat f : InsertFormat.values()) {
      // given versions 4 and 5 of one cell in one insert
      String id = "versions-" + f;
      Map<String, Object> older = seedRow(id);
      Map<String, Object> newer = seedRow(id);
      newer.put("version", 5L);
      newer.put("status", "complete");
      try (ClickHouseConnector c = ClickHouseConnector.open(settings(clickhouse, f))) {
        c.insert(CellRowMapper.TABLE, List.of(newer, older), id);
      }

      // then the insert kept both rows (optimize_on_insert=0), and FINAL reads version 5
      assertThat(clickhouse.query("SELECT count() FROM cells WHERE cell_id = '" + id + "'").strip())
          .isEqualTo("2");
      assertThat(
              clickhouse
                  .query("SELECT version, status FROM cells FINAL WHERE cell_id = '" + id + "'")
                  .strip())
          .isEqualTo("5\tcomplete");
    }
  }

  @Test
  void rowBinaryRejectsAValueItCannotEncodeAsADataError() throws Exception {
    Map<String, Object> row = seedRow("bad-number");
    row.put("span_count", "not a number");
    try (ClickHouseConnector c =
        ClickHouseConnector.open(settings(clickhouse, InsertFormat.ROW_BINARY))) {
      assertThatThrownBy(() -> c.insert(CellRowMapper.TABLE, List.of(row), "bad-number"))
          .isInstanceOf(SQLException.class)
          .satisfies(
              e -> assertThat(ClickHouseErrors.classify(e)).isEqualTo(ClickHouseErrors.Kind.DATA));
    }
  }

  @Test
  void rowBinaryLeavesColumnsWithADefaultToTheServerAndRejectsARowMissingAnyOther()
      throws Exception {
    // given a row without inserted_at (DEFAULT now64(3)), and one also without image_digest
    Map<String, Object> row = seedRow("defaults");
    Map<String, Object> incomplete = seedRow("incomplete");
    incomplete.remove("image_digest");
    try (ClickHouseConnector c =
        ClickHouseConnector.open(settings(clickhouse, InsertFormat.ROW_BINARY))) {
      // when
      c.insert(CellRowMapper.TABLE, List.of(row), "defaults");
      // then the second is a data error, named by the table
      assertThatThrownBy(() -> c.insert(CellRowMapper.TABLE, List.of(incomplete), "incomplete"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("cells")
          .satisfies(
              e -> assertThat(ClickHouseErrors.classify(e)).isEqualTo(ClickHouseErrors.Kind.DATA));
    }
    assertThat(
            clickhouse
                .query(
                    "SELECT inserted_at > now64(3) - INTERVAL 1 HOUR FROM cells"
                        + " WHERE cell_id = 'defaults'")
                .strip())
        .isEqualTo("1");
  }

  @Test
  void jsonEachRowRejectsAValueTheColumnCannotHoldAsADataError() throws Exception {
    Map<String, Object> row = seedRow("bad-time");
    row.put("started_at", "+10000-01-01 00:00:00.000000000");
    try (ClickHouseConnector c =
        ClickHouseConnector.open(settings(clickhouse, InsertFormat.JSON_EACH_ROW))) {
      assertThatThrownBy(() -> c.insert(CellRowMapper.TABLE, List.of(row), "bad"))
          .isInstanceOf(SQLException.class)
          .satisfies(
              e -> assertThat(ClickHouseErrors.classify(e)).isEqualTo(ClickHouseErrors.Kind.DATA));
    }
  }
}
