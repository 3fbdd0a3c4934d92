package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.testing.Await;
import dev.cab.testing.EveryTopic;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The secrets corpus through the whole pipeline: every synthetic credential of the collector's
 * corpus ({@code collector/src/test/resources/dev/cab/collector/redact/secrets-corpus.tsv}) is
 * planted by the OpenTelemetry Java SDK, over OTLP/HTTP and OTLP/gRPC, in a span name, a span
 * attribute, an argv array, a status message, a resource attribute, a scorer event's explanation
 * and its log body; when every span and scorer event has landed in ClickHouse, no Kafka topic
 * (ours, the streams changelogs and repartitions, the DLQ) and no ClickHouse table of the database
 * may hold any piece of any of them.
 */
class SecretsCorpusEndToEndIT {
  private static final Path CORPUS =
      Path.of("..", "collector", "src", "test", "resources", "dev", "cab", "collector", "redact");
  private static final String SWEEP = "secrets-e2e";
  private static final Duration LANDING = Duration.ofSeconds(180);
  private static final int GROUPS = 4;

  @TempDir static Path dataDir;
  static LocalStack stack;
  static Connection jdbc;
  static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  /** A planted credential: the text sent and the part that must not survive. */
  record Planted(String provider, String text, String secret) {}

  @BeforeAll
  static void startPipeline() throws Exception {
    // every line the stages log, at DEBUG for our own code, is kept for the scan
    LOGS.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .addAppender(LOGS);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.cab")).setLevel(Level.DEBUG);
    stack = TestStacks.start(dataDir);
    jdbc = TestStacks.jdbc(stack);
  }

  @AfterAll
  static void stopPipeline() throws SQLException {
    TestStacks.stop(stack, jdbc);
  }

  @Test
  void noPlantedCredentialReachesAnyTopicOrTable() throws Exception {
    // given the corpus, planted by the OTel SDK, half over HTTP and half over gRPC
    List<Planted> corpus = corpus();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(150);
    for (int g = 0; g < GROUPS; g++) {
      send(corpus, g);
    }

    // when every span and scorer event landed in ClickHouse
    Await.until(
        "every span, scorer event and cell of " + SWEEP + " in ClickHouse",
        LANDING,
        () ->
            count("SELECT count() FROM spans FINAL WHERE sweep_id = '" + SWEEP + "'")
                    == corpus.size()
                && count("SELECT count() FROM score_events FINAL WHERE sweep_id = '" + SWEEP + "'")
                    == corpus.size()
                && count("SELECT count() FROM cells FINAL WHERE sweep_id = '" + SWEEP + "'")
                    == corpus.size());

    // then no piece of any secret is in any topic or table
    Set<String> needles = needles(corpus);
    Map<String, Long> topics = scanAllTopics(needles);
    Map<String, Long> tables = scanAllTables(needles);
    int lines = scanLogs(needles);
    System.out.printf(
        "secrets end to end: %d credentials, %d needles; Kafka records scanned %s; ClickHouse rows"
            + " scanned %s; log lines scanned %d%n",
        corpus.size(), needles.size(), topics, tables, lines);
    assertThat(lines).isPositive();
    assertThat(topics.keySet()).contains("cab.spans.v1", "cab.scores.v1", "cab.cells.v1");
    assertThat(tables.keySet()).contains("spans", "score_events", "cells");
    // and what surrounds them survived: the argv's command words, the span names' prefixes
    assertThat(
            count(
                "SELECT count() FROM spans FINAL WHERE sweep_id = '"
                    + SWEEP
                    + "' AND position(attributes, 'process.command_args') > 0"))
        .isEqualTo(corpus.size());
    assertThat(
            count(
                "SELECT count() FROM spans FINAL WHERE sweep_id = '"
                    + SWEEP
                    + "' AND position(attributes, '[REDACTED]') > 0"))
        .isEqualTo(corpus.size());
  }

  private static void send(List<Planted> corpus, int group) {
    boolean grpc = group % 2 == 1;
    // every span of a group carries the group's resource, which holds a quarter of the corpus
    var resource = Attributes.builder().put("service.name", "secrets-probe-" + group);
    for (int i = group; i < corpus.size(); i += GROUPS) {
      resource.put("deployment.note." + i, corpus.get(i).text());
    }
    Resource r = Resource.getDefault().merge(Resource.create(resource.build()));
    SdkTracerProvider tracers =
        SdkTracerProvider.builder()
            .setResource(r)
            .addSpanProcessor(
                BatchSpanProcessor.builder(
                        grpc
                            ? OtlpGrpcSpanExporter.builder()
                                .setEndpoint(stack.otlpGrpcEndpoint())
                                .build()
                            : OtlpHttpSpanExporter.builder()
                                .setEndpoint(stack.otlpHttpEndpoint() + "/v1/traces")
                                .build())
                    .build())
            .build();
    SdkLoggerProvider loggers =
        SdkLoggerProvider.builder()
            .setResource(r)
            .addLogRecordProcessor(
                BatchLogRecordProcessor.builder(
                        grpc
                            ? OtlpGrpcLogRecordExporter.builder()
                                .setEndpoint(stack.otlpGrpcEndpoint())
                                .build()
                            : OtlpHttpLogRecordExporter.builder()
                                .setEndpoint(stack.otlpHttpEndpoint() + "/v1/logs")
                                .build())
                    .build())
            .build();
    Tracer tracer = tracers.get("secrets-probe");
    Logger logger = loggers.get("secrets-probe");
    for (int i = group; i < corpus.size(); i += GROUPS) {
      String text = corpus.get(i).text();
      Attributes identity =
          Attributes.builder()
              .put("cab.cell.id", SWEEP + "/" + i)
              .put("cab.sweep.id", SWEEP)
              .put("cab.tui", "probe")
              .put("gen_ai.request.model", "probe-model")
              .put("cab.task.id", "secrets/" + corpus.get(i).provider())
              .build();
      Span span =
          tracer
              .spanBuilder("exec " + text)
              .setAllAttributes(identity)
              .setAttribute("cab.span.kind", "tool_call")
              .setAttribute("tool.output", text)
              .setAttribute(
                  AttributeKey.stringArrayKey("process.command_args"), List.of("bash", "-lc", text))
              .startSpan();
      span.setStatus(StatusCode.ERROR, "failed: " + text);
      span.end();
      logger
          .logRecordBuilder()
          .setEventName("gen_ai.evaluation.result")
          .setContext(Context.root().with(span))
          .setAllAttributes(identity)
          .setAttribute(AttributeKey.stringKey("gen_ai.evaluation.name"), "pass_rate")
          .setAttribute(AttributeKey.doubleKey("gen_ai.evaluation.score.value"), 0.0)
          .setAttribute(AttributeKey.stringKey("gen_ai.evaluation.explanation"), text)
          .setBody(
              Value.of(
                  KeyValue.of("pass", Value.of(0L)),
                  KeyValue.of("details", Value.of(KeyValue.of("stderr_tail", Value.of(text)))),
                  KeyValue.of("lines", Value.of(Value.of("ok"), Value.of(text)))))
          .emit();
    }
    CompletableResultCode spans = tracers.forceFlush().join(30, TimeUnit.SECONDS);
    CompletableResultCode logs = loggers.forceFlush().join(30, TimeUnit.SECONDS);
    assertThat(spans.isSuccess()).as("spans of group %d exported", group).isTrue();
    assertThat(logs.isSuccess()).as("logs of group %d exported", group).isTrue();
    tracers.close();
    loggers.close();
  }

  /** The whole secret and its first and last 12 characters (JSON stores '\n' as two characters). */
  private static Set<String> needles(List<Planted> corpus) {
    Set<String> needles = new LinkedHashSet<>();
    for (Planted p : corpus) {
      String s = p.secret();
      needles.add(s);
      if (s.length() > 12) {
        needles.add(s.substring(0, 12));
        needles.add(s.substring(s.length() - 12));
      }
    }
    return needles;
  }

  private static Map<String, Long> scanAllTopics(Set<String> needles) throws Exception {
    return EveryTopic.read(
        stack.bootstrapServers(),
        Duration.ofSeconds(120),
        r -> {
          assertNoNeedle(r.key(), needles, "key of " + r.topic() + "@" + r.offset());
          assertNoNeedle(r.value(), needles, "value of " + r.topic() + "@" + r.offset());
          for (Header h : r.headers()) {
            assertNoNeedle(h.value(), needles, "header " + h.key() + " of " + r.topic());
          }
        });
  }

  private static Map<String, Long> scanAllTables(Set<String> needles) throws SQLException {
    Map<String, Long> rows = new LinkedHashMap<>();
    List<String> tables = new ArrayList<>();
    try (PreparedStatement st =
            jdbc.prepareStatement(
                "SELECT name FROM system.tables WHERE database = 'cab' AND NOT is_temporary"
                    + " AND engine NOT IN ('View', 'MaterializedView')");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    for (String table : tables) {
      long n = 0;
      try (PreparedStatement st =
              jdbc.prepareStatement("SELECT toString(tuple(*)) FROM cab.`" + table + "`");
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          n++;
          assertNoNeedle(
              rs.getString(1).getBytes(StandardCharsets.UTF_8), needles, "a row of " + table);
        }
      }
      rows.put(table, n);
    }
    return rows;
  }

  private static int scanLogs(Set<String> needles) {
    List<ILoggingEvent> events;
    synchronized (LOGS) {
      events = List.copyOf(LOGS.list);
    }
    for (ILoggingEvent e : events) {
      String line =
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertNoNeedle(line.getBytes(StandardCharsets.UTF_8), needles, "log line " + line);
    }
    return events.size();
  }

  private static void assertNoNeedle(byte[] bytes, Set<String> needles, String where) {
    if (bytes == null) {
      return;
    }
    // JSON and ClickHouse escape '/' as "\/" at most; undo it so an escaped secret still counts
    String haystack = new String(bytes, StandardCharsets.UTF_8).replace("\\/", "/");
    for (String needle : needles) {
      assertThat(haystack.contains(needle)).as("%s holds secret piece %s", where, needle).isFalse();
    }
  }

  private static List<Planted> corpus() throws IOException {
    Path file = CORPUS.resolve("secrets-corpus.tsv");
    assertThat(file).as("the corpus, read from the collector module's test resources").exists();
    List<Planted> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      out.add(new Planted(f[0], f[1].replace("\\n", "\n"), f[2]));
    }
    return out;
  }

  private static long count(String sql) {
    return TestStacks.count(jdbc, sql);
  }
}
