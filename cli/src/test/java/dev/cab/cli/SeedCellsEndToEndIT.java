package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.FlushResult;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SeedCells;
import dev.cab.runner.sim.SeedCells.SeedCell;
import dev.cab.runner.sim.SeedCells.SeedScore;
import dev.cab.runner.sim.SeedCells.SeedSpan;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import dev.cab.testing.Await;
import dev.cab.testing.EveryTopic;
import dev.cab.testing.SeedPages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's acceptance test: the three published seed cells go through the OpenTelemetry Java
 * SDK and the OTLP exporter into the collector, through the real Kafka broker and Kafka Streams,
 * and through the sink into the real ClickHouse engine; then ClickHouse must hold exactly what the
 * seed pages show.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedCellsEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LANDING = Duration.ofSeconds(120);

  @TempDir static Path dataDir;
  static LocalStack stack;
  static Connection jdbc;
  static List<SeedCell> seeds;

  @BeforeAll
  static void startPipeline() throws Exception {
    stack = TestStacks.start(dataDir);
    jdbc = TestStacks.jdbc(stack);
    seeds = SeedCells.load();
  }

  @AfterAll
  static void stopPipeline() throws SQLException {
    TestStacks.stop(stack, jdbc);
  }

  static SimulationReport replaySeeds(CabTelemetryOptions.Protocol protocol, String endpoint)
      throws InterruptedException {
    try (CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder().endpoint(endpoint).protocol(protocol).build())) {
      SimulationReport report = new SweepSimulator(telemetry).replaySeeds(ProgressListener.NONE);
      FlushResult flush = report.flush();
      assertThat(flush.allExported()).as("every span and event acknowledged: %s", flush).isTrue();
      return report;
    }
  }

  @Test
  @Order(1)
  void seedCellsLandInClickHouseExactlyAsOnTheirPages() throws Exception {
    // given the seed cells sent through the OTel SDK over OTLP/HTTP (protobuf)
    replaySeeds(CabTelemetryOptions.Protocol.HTTP_PROTOBUF, stack.otlpHttpEndpoint());

    // then ClickHouse holds exactly three complete cells
    awaitTrue(() -> count("SELECT count() FROM cells FINAL WHERE status = 'complete'") == 3);
    assertThat(count("SELECT count() FROM cells FINAL")).isEqualTo(3);

    for (SeedCell seed : seeds) {
      Map<String, Object> row = cellRow(seed.identity().cellId());
      Map<String, Object> expectedComposite = expectedComposite(seed);
      double composite = ((Number) row.get("composite")).doubleValue();
      assertThat(Double.doubleToLongBits(composite))
          .as("composite of %s, bit for bit", seed.page())
          .isEqualTo(
              Double.doubleToLongBits(((Number) expectedComposite.get("composite")).doubleValue()));
      assertThat(row)
          .containsEntry("sweep_id", seed.identity().sweepId())
          .containsEntry("tui", seed.identity().tui())
          .containsEntry("model", seed.identity().model())
          .containsEntry("task", seed.identity().task())
          .containsEntry("category", seed.identity().category())
          .containsEntry("container_image", seed.containerImage())
          .containsEntry("image_digest", seed.imageDigest())
          .containsEntry("model_build_id", seed.modelBuildId())
          .containsEntry("exit_code", (int) seed.exitCode())
          .containsEntry("status", "complete")
          .containsEntry("composite_weights_version", "cab-composite-v1")
          .containsEntry("span_count", 5L);
      assertThat(row.get("started_at")).isEqualTo(seed.startedAt().toString());
      assertThat(row.get("ended_at")).isEqualTo(seed.endedAt().toString());

      // every axis, every key and value, in page order
      for (SeedScore score : seed.scores()) {
        String json = (String) row.get("axis_" + score.axis());
        assertThat(json).as("axis %s of %s", score.axis(), seed.page()).isNotNull();
        Map<String, Object> stored = JSON.readValue(json, new TypeReference<>() {});
        assertThat(stored.keySet()).containsExactlyElementsOf(score.breakdown().keySet());
        score
            .breakdown()
            .forEach(
                (k, v) ->
                    assertSameValue(stored.get(k), v, seed.page() + " " + score.axis() + "." + k));
      }
      // the composite block as on the page: weights, components, note
      Map<String, Object> storedComposite =
          JSON.readValue((String) row.get("composite_json"), new TypeReference<>() {});
      assertThat(storedComposite.get("weights")).isEqualTo(expectedComposite.get("weights"));
      assertThat(storedComposite.get("note")).isEqualTo(expectedComposite.get("note"));
      @SuppressWarnings("unchecked")
      Map<String, Object> components = (Map<String, Object>) storedComposite.get("components");
      @SuppressWarnings("unchecked")
      Map<String, Object> expectedComponents =
          (Map<String, Object>) expectedComposite.get("components");
      expectedComponents.forEach(
          (k, v) -> assertSameValue(components.get(k), v, seed.page() + " composite." + k));
    }
  }

  @Test
  @Order(2)
  void everySpanLandsWithItsParentLinkAndAttributes() throws Exception {
    awaitTrue(() -> count("SELECT count() FROM spans FINAL") >= 15);
    for (SeedCell seed : seeds) {
      Map<String, Map<String, Object>> spans = spanRows(seed.identity().cellId());
      assertThat(spans).as("spans of %s", seed.page()).hasSize(5);
      for (SeedSpan span : seed.spans()) {
        Map<String, Object> row = spans.get(span.spanId());
        assertThat(row).as("span %s of %s", span.name(), seed.page()).isNotNull();
        assertThat(row.get("trace_id")).isEqualTo(seed.traceId());
        assertThat(row.get("kind")).isEqualTo(span.kind());
        assertThat(row.get("name")).isEqualTo(span.name());
        String expectedParent =
            span.pageParentSpanId() == null ? "" : span.pageParentSpanId().substring(0, 16);
        assertThat(row.get("parent_span_id")).isEqualTo(expectedParent);
        Map<String, Object> attributes =
            JSON.readValue((String) row.get("attributes"), new TypeReference<>() {});
        span.attributes()
            .forEach((k, v) -> assertThat(attributes).as("%s.%s", span.name(), k).containsKey(k));
        assertThat(attributes)
            .containsEntry("cab.cell.id", seed.identity().cellId())
            .containsEntry("cab.span.kind", span.kind());
      }
      assertThat(
              count(
                  "SELECT count() FROM score_events FINAL WHERE cell_id = '"
                      + seed.identity().cellId()
                      + "'"))
          .isEqualTo(6);
    }
  }

  @Test
  @Order(3)
  void sendingTheSameCellsAgainOverGrpcStillGivesThreeCells() throws Exception {
    // given the same cells sent again, this time over OTLP/gRPC
    String landedOffsets =
        "SELECT sum(m) FROM (SELECT max(kafka_offset) AS m FROM %s GROUP BY kafka_partition)";
    long spansBefore = count(landedOffsets.formatted("spans"));
    long scoresBefore = count(landedOffsets.formatted("score_events"));
    replaySeeds(CabTelemetryOptions.Protocol.GRPC, stack.otlpGrpcEndpoint());

    // then the second copies did reach ClickHouse (higher source offsets landed)...
    awaitTrue(() -> count(landedOffsets.formatted("spans")) >= spansBefore + 15);
    awaitTrue(() -> count(landedOffsets.formatted("score_events")) >= scoresBefore + 18);
    // ...and still one row per cell, span and scorer event remains
    assertThat(count("SELECT count() FROM cells FINAL")).isEqualTo(3);
    assertThat(count("SELECT count() FROM spans FINAL")).isEqualTo(15);
    assertThat(count("SELECT count() FROM score_events FINAL")).isEqualTo(18);
    assertThat(count("SELECT count() FROM cells FINAL WHERE status = 'complete'")).isEqualTo(3);
  }

  @Test
  @Order(4)
  void theLeakedApiKeyOfSeed003ReachesNoTopicAndNoTable() throws Exception {
    String key = leakedKey();
    assertThat(key).startsWith("sk-").hasSizeGreaterThan(20);

    // no Kafka topic (ours, the streams changelog, the DLQ) holds it in key, value or headers
    Map<String, Long> scanned = scanAllTopics(key);
    assertThat(scanned.keySet()).contains("cab.spans.v1", "cab.scores.v1", "cab.cells.v1");
    assertThat(scanned.get("cab.spans.v1")).isGreaterThanOrEqualTo(15);

    // no ClickHouse table holds it
    for (String table : List.of("cells", "spans", "score_events")) {
      assertThat(
              count(
                  "SELECT count() FROM "
                      + table
                      + " WHERE position(toString(tuple(*)), '"
                      + key
                      + "') > 0"))
          .as("rows of %s holding the key", table)
          .isZero();
    }
    // while the rest of the argv survived
    assertThat(
            count(
                "SELECT count() FROM spans FINAL WHERE kind = 'container'"
                    + " AND position(attributes, '--api-key') > 0 AND position(attributes, 'unwrap') > 0"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(5)
  void malformedProtobufAndJsonGet400NamingTheProblem() throws Exception {
    HttpResponse<String> protobuf =
        post("/v1/traces", "application/x-protobuf", new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
    assertThat(protobuf.statusCode()).isEqualTo(400);
    assertThat(protobuf.body()).containsIgnoringCase("protobuf");

    HttpResponse<String> json =
        post(
            "/v1/logs",
            "application/json",
            "{\"resourceLogs\": [".getBytes(StandardCharsets.UTF_8));
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.body()).containsIgnoringCase("json");
  }

  @Test
  @Order(6)
  void aSpanWithoutCellIdIsRejectedInPartialSuccessWhileTheValidOneIsStored() throws Exception {
    String cell = "e2e-" + UUID.randomUUID();
    String traceId = UUID.randomUUID().toString().replace("-", "");
    String body =
        """
        {"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[
          {"traceId":"%s","spanId":"00000000000000a1","name":"valid","kind":1,
           "startTimeUnixNano":"1750000000000000000","endTimeUnixNano":"1750000001000000000",
           "attributes":[{"key":"cab.cell.id","value":{"stringValue":"%s"}},
                         {"key":"cab.sweep.id","value":{"stringValue":"e2e"}},
                         {"key":"cab.span.kind","value":{"stringValue":"tool_call"}}]},
          {"traceId":"%s","spanId":"00000000000000a2","name":"orphan","kind":1,
           "startTimeUnixNano":"1750000000000000000","endTimeUnixNano":"1750000001000000000",
           "attributes":[{"key":"cab.span.kind","value":{"stringValue":"tool_call"}}]}
        ]}]}]}
        """
            .formatted(traceId, cell, traceId);

    HttpResponse<String> response =
        post("/v1/traces", "application/json", body.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> answer = JSON.readValue(response.body(), new TypeReference<>() {});
    @SuppressWarnings("unchecked")
    Map<String, Object> partial = (Map<String, Object>) answer.get("partialSuccess");
    assertThat(partial).isNotNull();
    assertThat(String.valueOf(partial.get("rejectedSpans"))).isEqualTo("1");
    assertThat((String) partial.get("errorMessage")).contains("cab.cell.id");
    awaitTrue(() -> count("SELECT count() FROM spans WHERE cell_id = '" + cell + "'") == 1);
    assertThat(
            count(
                "SELECT count() FROM spans WHERE name = 'orphan' AND trace_id = '" + traceId + "'"))
        .isZero();
  }

  @Test
  @Order(7)
  void oneManagementPortServesEveryStageWithItsLabelAndIsReady() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + stack.managementPort();

    awaitTrue(
        () -> {
          String m = scrape(http, base + "/metrics");
          // the sink's consumer reports its lag once it has fetched
          return m.contains("kafka_consumer_fetch_manager_records_lag_max{")
              && m.contains("kafka_stream_thread_process_total{");
        });
    // one page, so the dashboards' request timer has a sample
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(stack.dashboardsUrl() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    String metrics = scrape(http, base + "/metrics");
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> live =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(metrics)
        .contains("jvm_memory_used_bytes{")
        .containsPattern("cab_collector_spans_accepted_total\\{stage=\"collector\"} [1-9]")
        .containsPattern("cab_collector_redactions_total\\{stage=\"collector\"} [1-9]")
        .containsPattern("cab_sink_rows_inserted_total\\{stage=\"sink\",table=\"cells\"} [1-9]")
        .contains("cab_sink_batch_flush_seconds_bucket{stage=\"sink\"")
        .contains("cab_sink_consumer_lag_records{stage=\"sink\"}")
        .containsPattern("kafka_producer_record_send_total\\{[^}]*stage=\"collector\"")
        .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*stage=\"sink\"")
        .containsPattern("kafka_stream_thread_process_total\\{[^}]*stage=\"streams\"")
        .containsPattern("cab_alerts_cells_total\\{stage=\"alerts\"} [1-9]")
        .containsPattern(
            "cab_dashboards_requests_seconds_count\\{route=\"/\",stage=\"dashboards\","
                + "status=\"200\"} [1-9]")
        .contains("cab_dashboards_open_boards{stage=\"dashboards\"}");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body())
        .contains(
            "\"collector/kafka\":\"UP\"",
            "\"streams/kafka\":\"UP\"",
            "\"streams/streams\":\"UP\"",
            "\"sink/kafka\":\"UP\"",
            "\"sink/clickhouse\":\"UP\"",
            "\"alerts/kafka\":\"UP\"",
            "\"alerts/detection\":\"UP\"",
            "\"dashboards/clickhouse\":\"UP\"");
    assertThat(live.statusCode()).isEqualTo(200);
  }

  private static String scrape(HttpClient http, String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      throw new AssertionError("cannot scrape " + url, e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertSameValue(Object actual, Object expected, String what) {
    if (expected instanceof Number e) {
      assertThat(actual).as(what).isInstanceOf(Number.class);
      assertThat(((Number) actual).doubleValue()).as(what).isEqualTo(e.doubleValue());
    } else {
      assertThat(actual).as(what).isEqualTo(expected);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> expectedComposite(SeedCell seed) {
    for (Map<String, Object> cell : SeedPages.cells()) {
      if (seed.identity().cellId().equals(cell.get("cell_id"))) {
        return (Map<String, Object>) cell.get("expected_composite");
      }
    }
    throw new AssertionError("no expected composite for " + seed.page());
  }

  private static String leakedKey() {
    for (SeedCell seed : seeds) {
      for (SeedSpan span : seed.spans()) {
        if (span.attributes().get("argv") instanceof List<?> argv) {
          for (Object a : argv) {
            if (a instanceof String s && s.startsWith("sk-")) {
              return s;
            }
          }
        }
      }
    }
    throw new AssertionError("the seed fixture lost seed 003's leaked key");
  }

  private static Map<String, Long> scanAllTopics(String secret) throws Exception {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    return EveryTopic.read(
        stack.bootstrapServers(),
        Duration.ofSeconds(60),
        r -> {
          assertThat(indexOf(r.key(), needle)).as("key of %s", r.topic()).isNegative();
          assertThat(indexOf(r.value(), needle))
              .as("value of %s@%d", r.topic(), r.offset())
              .isNegative();
          for (Header h : r.headers()) {
            assertThat(indexOf(h.value(), needle)).as("header of %s", r.topic()).isNegative();
          }
        });
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    if (haystack == null) {
      return -1;
    }
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static HttpResponse<String> post(String path, String contentType, byte[] body)
      throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create(stack.otlpHttpEndpoint() + path))
              .header("Content-Type", contentType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static long count(String sql) {
    return TestStacks.count(jdbc, sql);
  }

  private static Map<String, Object> cellRow(String cellId) throws SQLException {
    try (PreparedStatement st =
        jdbc.prepareStatement(
            "SELECT *, toString(started_at) AS started_s, toString(ended_at) AS ended_s"
                + " FROM cells FINAL WHERE cell_id = ?")) {
      st.setString(1, cellId);
      try (ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).as("row for %s", cellId).isTrue();
        Map<String, Object> row = new HashMap<>();
        var md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        row.put("exit_code", rs.getInt("exit_code"));
        row.put("span_count", rs.getLong("span_count"));
        // DateTime64(6) as ISO-8601 with microseconds, like Instant.toString()
        row.put("started_at", iso((String) row.get("started_s")));
        row.put("ended_at", iso((String) row.get("ended_s")));
        return row;
      }
    }
  }

  private static String iso(String clickhouseDateTime) {
    return clickhouseDateTime.replace(' ', 'T') + "Z";
  }

  private static Map<String, Map<String, Object>> spanRows(String cellId) throws SQLException {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (PreparedStatement st =
        jdbc.prepareStatement(
            "SELECT span_id, trace_id, parent_span_id, name, kind, attributes FROM spans FINAL"
                + " WHERE cell_id = ?")) {
      st.setString(1, cellId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new HashMap<>();
          for (String c : List.of("trace_id", "parent_span_id", "name", "kind", "attributes")) {
            row.put(c, rs.getString(c));
          }
          rows.put(rs.getString("span_id"), row);
        }
      }
    }
    return rows;
  }

  private static void awaitTrue(BooleanSupplier condition) {
    Await.until("the rows to land in ClickHouse", LANDING, condition);
  }
}
