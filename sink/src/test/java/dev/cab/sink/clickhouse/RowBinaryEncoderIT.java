package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.metadata.TableSchema;
import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.model.wire.AlertRecord;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.SweepPlan;
import dev.cab.sink.SeedFixture;
import dev.cab.sink.config.SinkSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RowBinaryEncoder} against the schemas the real server reports for every table the sink
 * writes, after the migrations: it takes each of them (none falls back to client-v2's writer) and
 * writes the client's bytes for the rows the sink's mappers make of the seeds, an alert and a sweep
 * plan.
 */
@ExtendWith(ClickHouseExtension.class)
class RowBinaryEncoderIT {
  private static Client client;
  private static String database;

  @BeforeAll
  static void schema(ClickHouseTestServer clickhouse) throws Exception {
    SinkSettings settings =
        SinkSettings.from(
            Map.of(
                SinkSettings.KAFKA_BOOTSTRAP, "unused:9092",
                SinkSettings.CLICKHOUSE_URL, clickhouse.url(),
                SinkSettings.CLICKHOUSE_USER, clickhouse.user(),
                SinkSettings.CLICKHOUSE_PASSWORD, clickhouse.password(),
                SinkSettings.CLICKHOUSE_DATABASE, clickhouse.database()),
            Map.of());
    try (ClickHouseConnector c = ClickHouseConnector.open(settings)) {
      Migrations.apply(c.connection(), clickhouse.database());
    }
    database = clickhouse.database();
    client =
        new Client.Builder()
            .addEndpoint(clickhouse.url())
            .setUsername(clickhouse.user())
            .setPassword(clickhouse.password())
            .build();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static TableSchema schemaOf(TableSpec table) {
    return client.getTableSchema(table.name(), database);
  }

  @Test
  void writesTheClientsBytesForEveryTableTheSinkWrites() throws Exception {
    // given the rows the sink's mappers make: the seeds' cells (two versions each), spans and
    // scorer events, an alert with and without evidence, a sweep plan
    Map<TableSpec, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    for (Map<String, Object> cell : SeedFixture.cells()) {
      for (long version = 1; version <= 2; version++) {
        add(
            rows,
            CellRowMapper.TABLE,
            new CellRowMapper().map(SeedFixture.cellRecord(cell, version), 0, version));
      }
      for (SpanRecord s : SeedFixture.spans(cell)) {
        add(rows, SpanRowMapper.TABLE, new SpanRowMapper().map(s, 1, 7));
      }
      for (ScoreEvent e : SeedFixture.scores(cell)) {
        add(rows, ScoreRowMapper.TABLE, new ScoreRowMapper().map(e, 2, 9));
      }
    }
    Instant at = Instant.parse("2026-12-04T15:30:00.123456789Z");
    AlertRecord.Evidence evidence =
        new AlertRecord.Evidence(
            "mcnemar-exact",
            Map.of("b", 2L, "c", 11L),
            -0.3,
            -0.5,
            null,
            "pass rate",
            0.004,
            0.01,
            0.02,
            0.05,
            0.75,
            List.of("s/openhands/m/t1", "s/openhands/m/t2"));
    AlertRecord firing =
        new AlertRecord(
            AlertRecord.SCHEMA_VERSION,
            "fp-1",
            "pass_rate_drop",
            "firing",
            "pending",
            "sweep-b",
            "sweep-a",
            "openhands",
            "claude",
            "",
            "pass rate fell",
            evidence,
            at,
            null,
            at,
            3);
    add(rows, AlertRowMapper.TABLE, new AlertRowMapper().map(firing, 0, 1));
    add(
        rows,
        AlertRowMapper.TABLE,
        new AlertRowMapper().map(firing.withTransition("resolved", at, null, "withdrawn"), 0, 2));
    SweepPlan plan =
        new SweepPlan(
            SweepPlan.SCHEMA_VERSION,
            "sweep-b",
            List.of("openhands", "aider"),
            List.of("claude"),
            List.of("t1", "t2", "t3"),
            "sweep-a",
            6,
            at,
            Map.of("operator", "ci", "n", 3));
    add(rows, SweepPlanRowMapper.TABLE, new SweepPlanRowMapper().map(plan, 0, 4));

    // then every table takes the encoder, and its bytes are the client's
    for (Map.Entry<TableSpec, List<Map<String, Object>>> e : rows.entrySet()) {
      TableSchema schema = schemaOf(e.getKey());
      assertThat(RowBinaryEncoder.of(schema)).as(e.getKey().name()).isPresent();
      assertThat(RowBinaryEncoderTest.ours(schema, e.getValue()))
          .as(e.getKey().name())
          .isEqualTo(RowBinaryEncoderTest.library(schema, e.getValue()));
    }
  }

  private static void add(
      Map<TableSpec, List<Map<String, Object>>> rows, TableSpec table, Map<String, Object> row) {
    rows.computeIfAbsent(table, t -> new ArrayList<>()).add(row);
  }
}
