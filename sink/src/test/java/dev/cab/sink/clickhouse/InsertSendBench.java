package dev.cab.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.SeedFixture;
import dev.cab.sink.config.SinkSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Bench, not a test: why the sink's ClickHouse inserts ({@link ClickHouseConnector} {@code send})
 * take longer per row than the bench's raw inserts ({@code RawClickHouse} in cli) of the same rows.
 * The same rows (the seed fixtures through the sink's mappers, replicated with distinct cell ids to
 * {@code rows} per table) go into a fresh copy of each table per measurement, with one factor
 * changed at a time against the sink's way, variants alternating in rounds on one JVM:
 *
 * <ul>
 *   <li>client: client-v2 {@code insert(table, InputStream, ...)} against a JDK HttpClient POST of
 *       the same bytes, chunked (as client-v2 sends a stream) and with a Content-Length;
 *   <li>RowBinaryWithDefaults against RowBinary with an explicit column list (same values);
 *   <li>with and without {@code insert_deduplication_token};
 *   <li>rows shuffled (Kafka order) against sorted by the table's sort key;
 *   <li>8,000 against 20,000 rows per insert;
 *   <li>all of the bench's conditions at once (JDK, Content-Length, RowBinary, no token, sorted,
 *       10,000 rows per insert);
 *   <li>the sink's way into one table that keeps growing over the rounds (parts and merges pile up
 *       as in a sink's run) instead of a fresh one;
 *   <li>the sink's way while another thread maps span records from their bytes without pause, as
 *       the sink's consumer thread maps the next batch while an insert runs (one core busy);
 *   <li>both: a growing table and a busy mapper thread;
 *   <li>{@code optimize_on_insert=0} (what the sink sends since session 13: a ReplacingMergeTree
 *       block is not collapsed by key at insert; {@code FINAL} and the merges do it) into a fresh
 *       and into a growing table. The other variants keep the server's default, as the sink did
 *       when they were measured.
 * </ul>
 *
 * Only the request is timed (the body is encoded before). Prints the median over the rounds after
 * the first (warm-up) of ms per insert and us per row, per table and variant, and the load average.
 *
 * <pre>
 * ./mvnw -B -q -pl sink -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
 *   -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED \
 *   -cp sink/target/test-classes:sink/target/classes:$(cat sink/target/test.cp) \
 *   dev.cab.sink.clickhouse.InsertSendBench [rows per table, 20000] [rounds, 7] [variants]
 * </pre>
 */
public final class InsertSendBench {
  private InsertSendBench() {}

  private static final String DATABASE = "send_bench";
  private static final List<String> TABLES = List.of("cells", "spans", "score_events");

  /** Where the busy mapper's result goes, so that the JIT keeps its work. */
  private static volatile long blackhole;

  enum Transport {
    CLIENT_V2,
    JDK_CHUNKED,
    JDK_LENGTH
  }

  record Variant(
      String name,
      Transport transport,
      boolean withDefaults,
      boolean token,
      boolean sorted,
      int chunkRows,
      boolean fresh,
      boolean busy) {
    Variant(
        String name,
        Transport transport,
        boolean withDefaults,
        boolean token,
        boolean sorted,
        int chunkRows) {
      this(name, transport, withDefaults, token, sorted, chunkRows, true, false);
    }
  }

  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("sink", Transport.CLIENT_V2, true, true, false, 8_000),
          new Variant("jdk-chunked", Transport.JDK_CHUNKED, true, true, false, 8_000),
          new Variant("jdk-length", Transport.JDK_LENGTH, true, true, false, 8_000),
          new Variant("row-binary", Transport.CLIENT_V2, false, true, false, 8_000),
          new Variant("no-token", Transport.CLIENT_V2, true, false, false, 8_000),
          new Variant("sorted", Transport.CLIENT_V2, true, true, true, 8_000),
          new Variant("20k-rows", Transport.CLIENT_V2, true, true, false, 20_000),
          new Variant("raw-like", Transport.JDK_LENGTH, false, false, true, 10_000),
          new Variant("growing-table", Transport.CLIENT_V2, true, true, false, 8_000, false, false),
          new Variant("busy-mapper", Transport.CLIENT_V2, true, true, false, 8_000, true, true),
          new Variant("growing+busy", Transport.CLIENT_V2, true, true, false, 8_000, false, true),
          new Variant("no-optimize", Transport.CLIENT_V2, true, true, false, 8_000),
          new Variant(
              "no-optimize-growing", Transport.CLIENT_V2, true, true, false, 8_000, false, false));

  /**
   * One table's rows in both orders, its full schema (RowBinaryWithDefaults) and the columns the
   * rows give (RowBinary).
   */
  record TableRows(
      String table,
      List<Map<String, Object>> shuffled,
      List<Map<String, Object>> sorted,
      TableSchema full,
      TableSchema given) {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<String> only = args.length > 2 ? List.of(args[2].split(",")) : List.of();
    List<Variant> variants =
        VARIANTS.stream().filter(v -> only.isEmpty() || only.contains(v.name())).toList();
    try (EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().port(0).build().start()) {
      SinkSettings settings =
          SinkSettings.from(
              Map.of(
                  SinkSettings.KAFKA_BOOTSTRAP,
                  "unused:9092",
                  SinkSettings.CLICKHOUSE_URL,
                  clickhouse.url(),
                  SinkSettings.CLICKHOUSE_DATABASE,
                  DATABASE),
              Map.of());
      try (ClickHouseConnector connector = ClickHouseConnector.open(settings);
          Client client = ClickHouseConnector.client(settings)) {
        Connection jdbc = connector.connection();
        Migrations.apply(jdbc, DATABASE);
        Map<String, TableRows> data = rows(jdbc, client, rows);
        HttpClient http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Jdk jdk = new Jdk(http, settings);
        // per variant and table: the rounds' total nanoseconds and insert counts
        Map<String, List<long[]>> results = new LinkedHashMap<>();
        List<Double> loads = new ArrayList<>();
        long tokens = 0;
        int runs = 0;
        for (int round = 0; round <= rounds; round++) {
          List<Variant> order = new ArrayList<>(variants);
          Collections.rotate(order, round);
          loads.add(load());
          for (Variant v : order) {
            Thread mapper = v.busy() ? Thread.ofPlatform().daemon().start(busyMapper()) : null;
            for (String table : TABLES) {
              TableRows t = data.get(table);
              // a new name each time: DROP ... SYNC waits on the serialised engine
              String target =
                  v.fresh()
                      ? DATABASE + ".run_" + table + "_" + (++runs)
                      : DATABASE + ".grow_" + table + (v.busy() ? "_busy" : "");
              sql(
                  jdbc,
                  "CREATE TABLE "
                      + (v.fresh() ? "" : "IF NOT EXISTS ")
                      + target
                      + " AS "
                      + DATABASE
                      + "."
                      + table);
              long before = Long.parseLong(scalar(jdbc, "SELECT count() FROM " + target));
              List<Map<String, Object>> source = v.sorted() ? t.sorted() : t.shuffled();
              List<byte[]> bodies = new ArrayList<>();
              for (int from = 0; from < source.size(); from += v.chunkRows()) {
                List<Map<String, Object>> chunk =
                    source.subList(from, Math.min(source.size(), from + v.chunkRows()));
                bodies.add(encode(v.withDefaults() ? t.full() : t.given(), chunk, v));
              }
              List<String> columns = columnNames(t.given());
              long nanos = 0;
              for (byte[] body : bodies) {
                String token = v.token() ? "bench-" + (++tokens) : null;
                long t0 = System.nanoTime();
                switch (v.transport()) {
                  case CLIENT_V2 -> viaClient(client, target, columns, body, v, token);
                  case JDK_CHUNKED, JDK_LENGTH -> jdk.insert(target, columns, body, v, token);
                }
                nanos += System.nanoTime() - t0;
              }
              long count = Long.parseLong(scalar(jdbc, "SELECT count() FROM " + target)) - before;
              // a growing table's count is not checked: ReplacingMergeTree merges fold the rows
              // it already held under the same keys
              if (v.fresh() && count != source.size()) {
                throw new IllegalStateException(
                    v.name() + " " + table + ": " + count + " rows of " + source.size());
              }
              if (round > 0) {
                results
                    .computeIfAbsent(v.name() + "\t" + table, k -> new ArrayList<>())
                    .add(new long[] {nanos, bodies.size(), source.size()});
              }
              if (v.fresh()) {
                sql(jdbc, "DROP TABLE " + target);
              }
            }
            if (mapper != null) {
              mapper.interrupt();
              mapper.join();
            }
          }
          System.out.printf(Locale.ROOT, "round %d done, load %.2f%n", round, load());
        }
        loads.add(load());
        report(results, variants, data, loads);
      }
    }
  }

  private static void report(
      Map<String, List<long[]>> results,
      List<Variant> variants,
      Map<String, TableRows> data,
      List<Double> loads) {
    System.out.printf(
        Locale.ROOT,
        "load average (1 min) over the run: min %.2f max %.2f mean %.2f (%d cores)%n",
        loads.stream().mapToDouble(d -> d).min().orElse(0),
        loads.stream().mapToDouble(d -> d).max().orElse(0),
        loads.stream().mapToDouble(d -> d).average().orElse(0),
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "RESULT variant\ttable\trows\tinserts\tms/insert(median)\tus/row(median)\tus/row(min)");
    for (Variant v : variants) {
      double mixNanos = 0;
      long mixRows = 0;
      for (String table : TABLES) {
        List<long[]> r = results.get(v.name() + "\t" + table);
        List<Double> perRow = r.stream().map(x -> x[0] / 1e3 / x[2]).sorted().toList();
        List<Double> perInsert = r.stream().map(x -> x[0] / 1e6 / x[1]).sorted().toList();
        double median = perRow.get(perRow.size() / 2);
        mixNanos += median * r.getFirst()[2];
        mixRows += r.getFirst()[2];
        System.out.printf(
            Locale.ROOT,
            "RESULT %s\t%s\t%d\t%d\t%.1f\t%.1f\t%.1f%n",
            v.name(),
            table,
            r.getFirst()[2],
            r.getFirst()[1],
            perInsert.get(perInsert.size() / 2),
            median,
            perRow.getFirst());
      }
      System.out.printf(
          Locale.ROOT,
          "RESULT %s\tall (equal rows per table)\t%d\t-\t-\t%.1f\t-%n",
          v.name(),
          mixRows,
          mixNanos / mixRows);
    }
    data.forEach(
        (table, t) ->
            System.out.printf(
                Locale.ROOT,
                "bytes/row %s: %d (RowBinaryWithDefaults)%n",
                table,
                encode(t.full(), t.shuffled(), VARIANTS.getFirst()).length / t.shuffled().size()));
  }

  /** Maps the seed spans from their bytes, until interrupted. */
  private static Runnable busyMapper() {
    return () -> {
      JsonSerde<SpanRecord> serde = new JsonSerde<>(SpanRecord.class);
      List<byte[]> records = new ArrayList<>();
      SeedFixture.cells()
          .forEach(c -> SeedFixture.spans(c).forEach(s -> records.add(serde.serialize("t", s))));
      SpanRowMapper mapper = new SpanRowMapper();
      long sink = 0;
      try {
        while (!Thread.currentThread().isInterrupted()) {
          for (byte[] b : records) {
            sink += mapper.map(b, 0, 0).size();
          }
        }
      } catch (MappingException e) {
        throw new IllegalStateException(e);
      }
      blackhole = sink;
    };
  }

  private static void viaClient(
      Client client, String target, List<String> columns, byte[] body, Variant v, String token)
      throws Exception {
    InsertSettings insert = new InsertSettings();
    if (token != null) {
      insert.serverSetting("insert_deduplication_token", token);
    }
    if (v.name().startsWith("no-optimize")) { // the sink's insert setting since session 13
      insert.serverSetting("optimize_on_insert", "0");
    }
    try (InsertResponse response =
        (v.withDefaults()
                ? client.insert(
                    target,
                    new ByteArrayInputStream(body),
                    ClickHouseFormat.RowBinaryWithDefaults,
                    insert)
                : client.insert(
                    target,
                    columns,
                    new ByteArrayInputStream(body),
                    ClickHouseFormat.RowBinary,
                    insert))
            .get(5, TimeUnit.MINUTES)) {
      response.getWrittenRows();
    }
  }

  /** The bench's way of posting a body (RawClickHouse), chunked or with a Content-Length. */
  private record Jdk(HttpClient http, SinkSettings settings) {
    void insert(String target, List<String> columns, byte[] body, Variant v, String token)
        throws Exception {
      String query =
          v.withDefaults()
              ? "INSERT INTO " + target + " FORMAT RowBinaryWithDefaults"
              : "INSERT INTO " + target + " (" + String.join(", ", columns) + ") FORMAT RowBinary";
      String uri =
          settings.httpUrl().replaceAll("/+$", "")
              + "/?query="
              + URLEncoder.encode(query, StandardCharsets.UTF_8)
              + (token == null
                  ? ""
                  : "&insert_deduplication_token="
                      + URLEncoder.encode(token, StandardCharsets.UTF_8));
      String password = settings.clickhousePassword() == null ? "" : settings.clickhousePassword();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(uri))
              .timeout(Duration.ofMinutes(5))
              .header(
                  "Authorization",
                  "Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              (settings.clickhouseUser() + ":" + password)
                                  .getBytes(StandardCharsets.UTF_8)))
              .POST(
                  v.transport() == Transport.JDK_LENGTH
                      ? HttpRequest.BodyPublishers.ofByteArray(body)
                      : HttpRequest.BodyPublishers.ofInputStream(
                          () -> new ByteArrayInputStream(body)))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "insert into " + target + " failed: " + response.body().strip());
      }
    }
  }

  private static byte[] encode(TableSchema schema, List<Map<String, Object>> rows, Variant v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 512);
    RowBinaryFormatWriter writer =
        new RowBinaryFormatWriter(
            out,
            schema,
            v.withDefaults() ? ClickHouseFormat.RowBinaryWithDefaults : ClickHouseFormat.RowBinary);
    try {
      for (Map<String, Object> row : rows) {
        for (Map.Entry<String, Object> e : row.entrySet()) {
          writer.setValue(e.getKey(), e.getValue());
        }
        writer.commitRow();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** The seed fixtures through the sink's mappers, each copy with its own cell id. */
  private static Map<String, TableRows> rows(Connection jdbc, Client client, int rows)
      throws Exception {
    JsonSerde<CellRecord> cellSerde = new JsonSerde<>(CellRecord.class);
    JsonSerde<SpanRecord> spanSerde = new JsonSerde<>(SpanRecord.class);
    JsonSerde<ScoreEvent> scoreSerde = new JsonSerde<>(ScoreEvent.class);
    CellRowMapper cells = new CellRowMapper();
    SpanRowMapper spans = new SpanRowMapper();
    ScoreRowMapper scores = new ScoreRowMapper();
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    TABLES.forEach(t -> out.put(t, new ArrayList<>()));
    long offset = 0;
    for (int copy = 0; out.values().stream().anyMatch(l -> l.size() < rows); copy++) {
      for (Map<String, Object> cell : SeedFixture.cells()) {
        String cellId = cell.get("cell_id") + "-copy-" + copy;
        if (out.get("cells").size() < rows) {
          Map<String, Object> row =
              cells.map(cellSerde.serialize("t", SeedFixture.cellRecord(cell, 1)), 0, offset++);
          row.put("cell_id", cellId);
          out.get("cells").add(row);
        }
        for (SpanRecord s : SeedFixture.spans(cell)) {
          if (out.get("spans").size() < rows) {
            Map<String, Object> row = spans.map(spanSerde.serialize("t", s), 0, offset++);
            row.put("cell_id", cellId);
            out.get("spans").add(row);
          }
        }
        for (ScoreEvent e : SeedFixture.scores(cell)) {
          if (out.get("score_events").size() < rows) {
            Map<String, Object> row = scores.map(scoreSerde.serialize("t", e), 0, offset++);
            row.put("cell_id", cellId);
            out.get("score_events").add(row);
          }
        }
      }
    }
    Map<String, TableRows> data = new LinkedHashMap<>();
    Random random = new Random(42);
    for (String table : TABLES) {
      List<Map<String, Object>> shuffled = new ArrayList<>(out.get(table));
      Collections.shuffle(shuffled, random);
      List<String> key =
          List.of(
              scalar(
                      jdbc,
                      "SELECT sorting_key FROM system.tables WHERE database = '"
                          + DATABASE
                          + "' AND name = '"
                          + table
                          + "'")
                  .split(",\\s*"));
      List<Map<String, Object>> sorted = new ArrayList<>(shuffled);
      sorted.sort(byKey(key));
      TableSchema full = client.getTableSchema(table, DATABASE);
      List<ClickHouseColumn> given = new ArrayList<>();
      for (ClickHouseColumn c : full.getColumns()) {
        if (shuffled.getFirst().containsKey(c.getColumnName())) {
          given.add(c);
        }
      }
      for (Map<String, Object> row : shuffled) {
        if (row.size() != given.size()) {
          throw new IllegalStateException(table + ": rows do not all carry the same columns");
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s: %d rows, sort key %s, %d of %d columns given%n",
          table,
          shuffled.size(),
          key,
          given.size(),
          full.getColumns().size());
      data.put(
          table,
          new TableRows(
              table, shuffled, sorted, full, new TableSchema(table, "", DATABASE, given)));
    }
    return data;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<Map<String, Object>> byKey(List<String> key) {
    return (a, b) -> {
      for (String column : key) {
        Object x = a.get(column);
        Object y = b.get(column);
        int c;
        if (x instanceof Long l && y instanceof Long m) {
          c = Long.compareUnsigned(l, m);
        } else if (x instanceof Comparable cx && y != null && x.getClass() == y.getClass()) {
          c = cx.compareTo(y);
        } else {
          c = String.valueOf(x).compareTo(String.valueOf(y));
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  private static List<String> columnNames(TableSchema schema) {
    return schema.getColumns().stream().map(ClickHouseColumn::getColumnName).toList();
  }

  private static void sql(Connection jdbc, String sql) throws Exception {
    try (Statement st = jdbc.createStatement()) {
      st.execute(sql);
    }
  }

  private static String scalar(Connection jdbc, String sql) throws Exception {
    try (Statement st = jdbc.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static double load() throws Exception {
    return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
  }
}
