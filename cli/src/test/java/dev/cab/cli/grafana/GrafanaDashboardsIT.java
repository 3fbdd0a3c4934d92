package dev.cab.cli.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.cli.grafana.GrafanaSql.TimeRange;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.model.topic.Topics;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Grafana cannot run here, so this test does what Grafana would do with the provisioning in {@code
 * dashboards/grafana/}: it reads every provisioned dashboard, expands each panel's SQL as Grafana
 * and the ClickHouse plugin do ({@link GrafanaSql}), and runs it, read-only, against the embedded
 * ClickHouse filled by the real pipeline (a simulated sweep with a plan and infra failures, plus
 * one undecodable record for the dead-letter panels). Every ClickHouse query must return rows
 * holding the columns its panel names; every metric a Prometheus panel names must be one the stages
 * expose on their {@code /metrics}.
 */
class GrafanaDashboardsIT {
  private static final Path GRAFANA = Path.of("..", "dashboards", "grafana");
  private static final String SWEEP = "grafana-it";
  private static final String CLICKHOUSE_PLUGIN = "grafana-clickhouse-datasource";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern METRIC = Pattern.compile("\\b((?:cab|kafka)_[a-z0-9_]+)\\b");

  private static final SimulationOptions SIMULATION =
      SimulationOptions.builder()
          .sweepId(SWEEP)
          .seed(7)
          .tuis(List.of("aider", "opencode"))
          .models(List.of("meta/llama-3.3-70b-instruct", "openai/gpt-oss-120b"))
          .taskCount(6)
          .infraFailureProbability(0.3)
          .rate(0)
          .build();

  @TempDir static Path dataDir;
  static LocalStack stack;

  @BeforeAll
  static void fillClickHouseThroughThePipeline() throws Exception {
    stack = TestStacks.start(dataDir);
    TestStacks.simulate(stack, SIMULATION);
    producePoisonPill();
    long cells = SIMULATION.cellCount();
    Await.until(
        "every simulated cell decided in ClickHouse, and the plan landed",
        Duration.ofSeconds(120),
        Duration.ofMillis(500),
        () ->
            count(
                        "SELECT count() FROM cab.cells_latest WHERE sweep_id = '"
                            + SWEEP
                            + "' AND outcome IN ('passed', 'failed', 'infra_error')")
                    == cells
                && count("SELECT count() FROM cab.sweep_plans WHERE sweep_id = '" + SWEEP + "'")
                    > 0,
        () -> "");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** One undecodable span record: what the dead-letter panels count. */
  private static void producePoisonPill() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              Topics.SPANS.name(),
              "grafana-it/poison".getBytes(StandardCharsets.UTF_8),
              "{not json".getBytes(StandardCharsets.UTF_8)));
      producer.flush();
    }
  }

  @Test
  void theDatasourceIsTheClickHousePluginAsTheReadOnlyUser() throws IOException {
    Map<String, Object> file = yaml(GRAFANA.resolve("provisioning/datasources/cab.yaml"));
    List<Map<String, Object>> sources = list(file.get("datasources"));
    Map<String, Object> clickhouse =
        sources.stream()
            .filter(d -> CLICKHOUSE_PLUGIN.equals(d.get("type")))
            .findFirst()
            .orElseThrow();
    assertThat(clickhouse.get("uid")).isEqualTo("cab-clickhouse");
    Map<String, Object> json = map(clickhouse.get("jsonData"));
    assertThat(json)
        .containsEntry("username", "cab_reader")
        .containsEntry("defaultDatabase", "cab");
    assertThat(json).containsEntry("protocol", "http").containsEntry("port", 8123);

    Map<String, Object> providers = yaml(GRAFANA.resolve("provisioning/dashboards/cab.yaml"));
    Map<String, Object> provider = list(providers.get("providers")).getFirst();
    assertThat(map(provider.get("options")).get("path"))
        .isEqualTo("/var/lib/grafana/dashboards/cab");
  }

  @Test
  void everyPanelQueryOfEveryDashboardReturnsTheColumnsItsPanelUses() throws Exception {
    List<Path> dashboards = dashboards();
    assertThat(dashboards)
        .extracting(p -> p.getFileName().toString())
        .contains("sweep-overview.json", "operations.json");
    Set<String> exposed = exposedMetrics();
    int clickhouseQueries = 0;
    int prometheusQueries = 0;
    for (Path file : dashboards) {
      JsonNode dashboard = JSON.readTree(file.toFile());
      assertThat(dashboard.path("uid").asText()).as("%s uid", file).isNotBlank();
      TimeRange range = range(dashboard.path("time"));
      Map<String, List<String>> variables = variables(file, dashboard, range);
      for (JsonNode panel : dashboard.path("panels")) {
        String where = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
        assertThat(panel.path("targets").size()).as("%s has queries", where).isPositive();
        Set<String> used = PanelColumns.of(panel);
        for (JsonNode target : panel.path("targets")) {
          String type = target.path("datasource").path("type").asText();
          if (type.equals(CLICKHOUSE_PLUGIN)) {
            assertThat(target.path("datasource").path("uid").asText()).isEqualTo("cab-clickhouse");
            checkClickHouseTarget(where, panel, target, used, variables, range);
            clickhouseQueries++;
          } else {
            assertThat(type).as("%s datasource", where).isEqualTo("prometheus");
            Matcher m = METRIC.matcher(target.path("expr").asText());
            int names = 0;
            while (m.find()) {
              assertThat(exposed)
                  .as("%s: metric %s exposed", where, m.group(1))
                  .contains(m.group(1));
              names++;
            }
            assertThat(names).as("%s names a metric", where).isPositive();
            prometheusQueries++;
          }
        }
      }
    }
    assertThat(clickhouseQueries).isGreaterThanOrEqualTo(10);
    assertThat(prometheusQueries).isGreaterThanOrEqualTo(2);
  }

  private static void checkClickHouseTarget(
      String where,
      JsonNode panel,
      JsonNode target,
      Set<String> used,
      Map<String, List<String>> variables,
      TimeRange range)
      throws Exception {
    String sql = GrafanaSql.expand(target.path("rawSql").asText(), variables, range);
    assertThat(sql).as("%s: every variable and macro expanded", where).doesNotContain("$");
    JsonNode result = query(sql);
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    result
        .path("meta")
        .forEach(
            c -> {
              names.add(c.path("name").asText());
              types.add(c.path("type").asText());
            });
    assertThat(result.path("rows").asInt()).as("%s returns rows:%n%s", where, sql).isPositive();
    Set<String> needed = new LinkedHashSet<>(used);
    if (panel.path("targets").size() > 1) {
      needed.removeIf(c -> !sql.contains(c)); // each target of the panel brings its own series
    }
    assertThat(names).as("%s columns", where).containsAll(needed);
    if (panel.path("type").asText().equals("timeseries")) {
      assertThat(types.getFirst())
          .as("%s: the first column is the time", where)
          .startsWith("DateTime");
      for (int i = 1; i < types.size(); i++) {
        assertThat(types.get(i))
            .as("%s: %s is a number", where, names.get(i))
            .matches("(Nullable\\()?(U?Int|Float|Decimal).*");
      }
    }
  }

  /** The template variables: each runs its own query, which must offer the test's sweep. */
  private static Map<String, List<String>> variables(Path file, JsonNode dashboard, TimeRange range)
      throws Exception {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      assertThat(variable.path("type").asText()).isEqualTo("query");
      String sql = GrafanaSql.expand(variable.path("query").asText(), values, range);
      List<String> offered = new ArrayList<>();
      query(sql).path("data").forEach(row -> offered.add(row.get(0).asText()));
      assertThat(offered)
          .as("%s variable %s", file, variable.path("name").asText())
          .contains(SWEEP);
      values.put(variable.path("name").asText(), List.of(SWEEP));
    }
    if (file.getFileName().toString().equals("sweep-overview.json")) {
      assertThat(values).containsKey("sweep");
    }
    return values;
  }

  /** The dashboard's default range ("now-7d" to "now"), at Grafana's ~100 points per panel. */
  private static TimeRange range(JsonNode time) {
    Instant now = Instant.now();
    Instant from = relative(time.path("from").asText(), now);
    Instant to = relative(time.path("to").asText(), now);
    Duration interval = Duration.between(from, to).dividedBy(100);
    return new TimeRange(from, to, interval);
  }

  private static Instant relative(String expression, Instant now) {
    if (expression.equals("now")) {
      return now;
    }
    Matcher m = Pattern.compile("now-(\\d+)([mhd])").matcher(expression);
    assertThat(m.matches()).as("relative time %s", expression).isTrue();
    long n = Long.parseLong(m.group(1));
    return now.minus(
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }

  /** Runs one query read-only ({@code readonly=1}, as cab_reader would), as JSON. */
  private static JsonNode query(String sql) throws Exception {
    String url =
        stack.clickhouseUrl()
            + "/?readonly=1&default_format=JSONCompact&database="
            + URLEncoder.encode("cab", StandardCharsets.UTF_8);
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s%n%s", sql, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static long count(String sql) {
    try {
      return query(sql).path("data").get(0).get(0).asLong();
    } catch (Exception | AssertionError e) {
      return -1;
    }
  }

  private static Set<String> exposedMetrics() throws Exception {
    Set<String> names = new LinkedHashSet<>();
    Await.until(
        "the sink and streams dead-lettered the poison pill",
        Duration.ofSeconds(60),
        Duration.ofMillis(500),
        () -> {
          names.clear();
          try {
            String body =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(stack.metricsEndpoint())).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
            body.lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0])
                .forEach(names::add);
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
          // task-level Kafka Streams metrics appear once a task has processed records
          return names.contains("cab_sink_dead_lettered_total")
              && names.contains("kafka_stream_task_dropped_records_total");
        },
        () -> "");
    return names;
  }

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new Yaml().load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }
}
