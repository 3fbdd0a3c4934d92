package dev.cab.sink.clickhouse;

import com.clickhouse.client.api.metadata.TableSchema;
import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.SeedFixture;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU per row of the RowBinary encoding of the sink's rows, client-v2's {@code
 * RowBinaryFormatWriter} against {@link RowBinaryEncoder}, alternating in one JVM on thread CPU
 * time. Input: the seeds' cells, spans and scorer events as the sink maps them, with the schemas
 * the embedded ClickHouse reports after the migrations. Not a test:
 *
 * <pre>
 * ./mvnw -B -q -pl sink -am test-compile -DskipTests
 * java --enable-native-access=ALL-UNNAMED \
 *     -cp "sink/target/test-classes:sink/target/classes:test-support/target/classes:$(cat cli/target/cab.classpath)" \
 *     dev.cab.sink.clickhouse.RowBinaryEncoderBench 30
 * </pre>
 */
public final class RowBinaryEncoderBench {
  private RowBinaryEncoderBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Map<String, List<Map<String, Object>>> rows = new java.util.LinkedHashMap<>();
    for (Map<String, Object> cell : SeedFixture.cells()) {
      for (int copy = 0; copy < 200; copy++) {
        rows.computeIfAbsent("cells", t -> new ArrayList<>())
            .add(new CellRowMapper().map(SeedFixture.cellRecord(cell, copy + 1), 0, copy));
        for (SpanRecord s : SeedFixture.spans(cell)) {
          rows.computeIfAbsent("spans", t -> new ArrayList<>())
              .add(new SpanRowMapper().map(s, 0, copy));
        }
        for (ScoreEvent e : SeedFixture.scores(cell)) {
          rows.computeIfAbsent("score_events", t -> new ArrayList<>())
              .add(new ScoreRowMapper().map(e, 0, copy));
        }
      }
    }
    Map<String, TableSchema> schemas = new java.util.HashMap<>();
    try (EmbeddedClickHouse ch = EmbeddedClickHouse.builder().port(0).build().start();
        var client =
            new com.clickhouse.client.api.Client.Builder()
                .addEndpoint(ch.url())
                .setUsername("default")
                .setPassword("")
                .build();
        var jdbc =
            java.sql.DriverManager.getConnection("jdbc:clickhouse:" + ch.url(), "default", "")) {
      Migrations.apply(jdbc, "cab");
      for (String table : rows.keySet()) {
        schemas.put(table, client.getTableSchema(table, "cab"));
      }
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (String table : rows.keySet()) {
      List<Map<String, Object>> list = rows.get(table);
      TableSchema schema = schemas.get(table);
      long[] ns = new long[2];
      long bytes = 0;
      for (int round = 0; round < rounds; round++) {
        for (int side = 0; side < 2; side++) {
          long t0 = cpu.getCurrentThreadCpuTime();
          byte[] out =
              side == 0
                  ? RowBinaryEncoderTest.library(schema, list)
                  : RowBinaryEncoderTest.ours(schema, list);
          long t = cpu.getCurrentThreadCpuTime() - t0;
          if (round >= rounds / 3) {
            ns[side] += t;
          }
          bytes += out.length;
        }
      }
      int measured = rounds - rounds / 3;
      double perRowLib = ns[0] / 1e3 / measured / list.size();
      double perRowOurs = ns[1] / 1e3 / measured / list.size();
      System.out.printf(
          Locale.ROOT,
          "%-13s %6d rows (%5d B/row): client-v2 writer %6.2f us/row, RowBinaryEncoder %6.2f us/row"
              + " (%.1f%%)%n",
          table,
          list.size(),
          bytes / 2 / rounds / list.size(),
          perRowLib,
          perRowOurs,
          100 * perRowOurs / perRowLib);
    }
  }
}
