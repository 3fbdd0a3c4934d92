package dev.cab.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.DeadLetters;
import dev.cab.model.wire.AlertRecord;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.config.SinkSettings;
import dev.cab.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink end to end: the real embedded Kafka broker and the real embedded ClickHouse. */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class SinkServiceIT {
  private final SinkHarness h;
  private final List<Map<String, Object>> seeds = SeedFixture.cells();

  SinkServiceIT(KafkaTestBroker kafka, ClickHouseTestServer clickhouse) throws Exception {
    this.h = new SinkHarness(kafka, clickhouse, 2);
  }

  @BeforeEach
  void emptyTables() {
    for (String table : List.of("cells", "spans", "score_events", "alerts")) {
      h.execute("TRUNCATE TABLE IF EXISTS {db}." + table);
    }
  }

  @AfterEach
  void closeHarness() throws Exception {
    h.close();
  }

  private static CellRecord withVersion(CellRecord c, long version, CellStatus status) {
    boolean complete = status == CellStatus.COMPLETE;
    return CellRecordBuilder.from(c)
        .composite(complete ? c.composite() : null)
        .status(status)
        .missingAxes(complete ? List.of() : List.of("integrity"))
        .outcome(
            complete ? CellOutcome.PASSED : CellOutcome.PENDING, complete ? "pass_rate 1.0" : null)
        .version(version)
        .updatedAt(c.updatedAt().plusSeconds(version))
        .build();
  }

  @Test
  void writesCellsSpansAndScoresAndFinalGivesTheNewestVersion() throws Exception {
    // given three seed cells, each in versions 1, 3, 2 (out of order), with spans and scores
    for (Map<String, Object> seed : seeds) {
      CellRecord c = SeedFixture.cellRecord(seed, 1);
      h.sendCell(withVersion(c, 1, CellStatus.RUNNING));
      h.sendCell(withVersion(c, 3, CellStatus.COMPLETE));
      h.sendCell(withVersion(c, 2, CellStatus.INCOMPLETE));
      SeedFixture.spans(seed).forEach(h::sendSpan);
      SeedFixture.scores(seed).forEach(h::sendScore);
    }

    // when the sink runs
    try (SinkService sink = SinkService.start(h.settings(Map.of()))) {
      Await.until(
          "all rows",
          () ->
              sink.metrics().rowsWritten("score_events") == 18
                  && sink.metrics().rowsWritten("spans") == 15
                  && sink.metrics().rowsWritten("cells") == 9);

      // then FINAL has one row per cell, at its highest version
      List<Map<String, Object>> cells =
          h.rows(
              "SELECT cell_id, version, status, composite, axis_pass_rate, missing_axes"
                  + " FROM {db}.cells FINAL ORDER BY cell_id");
      assertThat(cells).hasSize(3);
      assertThat(cells)
          .allSatisfy(
              row -> {
                assertThat(((Number) row.get("version")).longValue()).isEqualTo(3);
                assertThat(row.get("status")).isEqualTo("complete");
              });
      assertThat(h.count("SELECT count() FROM {db}.cells_latest")).isEqualTo(3);
      // composite bits and breakdown JSON exactly as sent
      for (Map<String, Object> seed : seeds) {
        CellRecord c = SeedFixture.cellRecord(seed, 3);
        Map<String, Object> row =
            h.rows(
                    "SELECT composite, axis_pass_rate, axis_blast_radius, started_at"
                        + " FROM {db}.cells FINAL WHERE cell_id = '"
                        + c.cellId()
                        + "'")
                .getFirst();
        assertThat(Double.doubleToRawLongBits(((Number) row.get("composite")).doubleValue()))
            .isEqualTo(Double.doubleToRawLongBits(c.composite().composite()));
        assertThat(row.get("axis_pass_rate"))
            .isEqualTo(
                dev.cab.model.serde.Json.mapper().writeValueAsString(c.axes().get("pass_rate")));
      }
      assertThat(h.count("SELECT count() FROM {db}.spans FINAL")).isEqualTo(15);
      assertThat(
              h.count(
                  "SELECT count() FROM {db}.spans FINAL WHERE kind = 'container'"
                      + " AND JSONExtractBool(attributes, 'docker_sock_mounted')"))
          .as("the two openhands cells mount the docker socket; attribute JSON is queryable")
          .isEqualTo(2);
      assertThat(h.count("SELECT count() FROM {db}.score_events FINAL")).isEqualTo(18);
      assertThat(
              h.count(
                  "SELECT count() FROM {db}.score_events FINAL WHERE axis = 'latency'"
                      + " AND JSONExtractFloat(attributes, 'cab.latency_efficiency') > 0"))
          .isEqualTo(3);
      assertThat(sink.metrics().deadLetteredTotal()).isZero();
    }
  }

  @Test
  void alertTransitionsLandAsRowsAndTheActiveViewShowsTheFiringOnes() throws Exception {
    // given one alert that went pending then firing, and one that fired and resolved
    java.time.Instant t0 = java.time.Instant.parse("2026-12-03T12:00:00.123456Z");
    AlertRecord.Evidence evidence =
        new AlertRecord.Evidence(
            "mcnemar_exact",
            Map.of("pairs", 50L, "lost", 18L, "gained", 1L),
            -0.34,
            -0.45,
            -0.2,
            "rate_difference",
            1e-5,
            2e-5,
            3e-4,
            0.05,
            1.0,
            List.of("s2/aider/m/t1", "s2/aider/m/t7"));
    AlertRecord pending =
        new AlertRecord(
            1,
            "fp-a",
            "pass_rate_drop",
            "pending",
            "inactive",
            "s2",
            "s1",
            "aider",
            "m",
            "",
            "drop",
            evidence,
            t0,
            null,
            t0,
            1);
    AlertRecord firing = pending.withTransition("firing", t0.plusSeconds(5), evidence, "drop");
    AlertRecord other =
        new AlertRecord(
            1,
            "fp-b",
            "task_failing",
            "firing",
            "inactive",
            "s2",
            "s1",
            "",
            "",
            "t9",
            "task",
            evidence,
            t0,
            null,
            t0,
            1);
    AlertRecord resolved = other.withTransition("resolved", t0.plusSeconds(9), evidence, "task");
    for (AlertRecord a : List.of(pending, firing, other, resolved)) {
      h.sendAlert(a);
    }

    // when the sink runs
    try (SinkService sink = SinkService.start(h.settings(Map.of()))) {
      Await.until("alert rows", () -> sink.metrics().rowsWritten("alerts") == 4);

      // then every transition is a row, and only fp-a is active
      assertThat(h.count("SELECT count() FROM {db}.alerts FINAL")).isEqualTo(4);
      List<Map<String, Object>> active =
          h.rows("SELECT fingerprint, state, rule, cells, counts FROM {db}.alerts_active");
      assertThat(active)
          .singleElement()
          .satisfies(
              row -> {
                assertThat(row.get("fingerprint")).isEqualTo("fp-a");
                assertThat(row.get("state")).isEqualTo("firing");
              });
      assertThat(
              h.count(
                  "SELECT count() FROM {db}.alerts FINAL WHERE fingerprint = 'fp-b'"
                      + " AND state = 'resolved' AND ends_at IS NOT NULL"
                      + " AND counts['lost'] = 18 AND has(cells, 's2/aider/m/t7')"))
          .isEqualTo(1);
      assertThat(sink.metrics().deadLetteredTotal()).isZero();
    }
  }

  @Test
  void replayFromANewGroupLeavesOneRowPerKey() throws Exception {
    // given everything landed once
    for (Map<String, Object> seed : seeds) {
      h.sendCell(SeedFixture.cellRecord(seed, 1));
      SeedFixture.spans(seed).forEach(h::sendSpan);
      SeedFixture.scores(seed).forEach(h::sendScore);
    }
    try (SinkService first = SinkService.start(h.settings(Map.of()))) {
      Await.until(
          "first pass",
          () ->
              first.metrics().rowsWritten().values().stream().mapToLong(Long::longValue).sum()
                  == 3 + 15 + 18);
    }

    // when a sink with a new group reads the topics again from the beginning
    try (SinkService replay = SinkService.start(h.settings(Map.of()))) {
      Await.until(
          "replay",
          () ->
              replay.metrics().rowsWritten().values().stream().mapToLong(Long::longValue).sum()
                  == 3 + 15 + 18);
    }

    // then FINAL still has one row per key
    assertThat(h.count("SELECT count() FROM {db}.cells FINAL")).isEqualTo(3);
    assertThat(h.count("SELECT count() FROM {db}.spans FINAL")).isEqualTo(15);
    assertThat(h.count("SELECT count() FROM {db}.score_events FINAL")).isEqualTo(18);
    assertThat(h.count("SELECT uniqExact(cell_id, trace_id, span_id) FROM {db}.spans"))
        .isEqualTo(15);
  }

  @Test
  void poisonPillSandwichLandsTheValidRowsAndDeadLettersTheRest() throws Exception {
    // given on every topic: valid, undecodable, valid, no cell id, a time ClickHouse cannot hold
    Map<String, Object> seed = seeds.getFirst();
    CellRecord cell = SeedFixture.cellRecord(seed, 1);
    CellRecord other = SeedFixture.cellRecord(seeds.get(1), 1);
    SpanRecord span = SeedFixture.spans(seed).getFirst();
    ScoreEvent score = SeedFixture.scores(seed).getFirst();
    Instant tooLate = Instant.parse("+10000-01-01T00:00:00Z");
    byte[] garbage = "{\"cell_id\": not json".getBytes(StandardCharsets.UTF_8);
    byte[] noCell = "{\"schema_version\":1,\"version\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] noCellEvent = "{\"schema_version\":1,\"axis\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    Map<String, RecordMetadata> bad = new HashMap<>();
    Map<String, byte[]> badBytes = new HashMap<>();

    h.sendCell(cell);
    bad.put("cells-garbage", h.send(h.cells, "k", garbage));
    h.sendCell(other);
    bad.put("cells-nocell", h.send(h.cells, "k", noCell));
    byte[] lateCell =
        new JsonSerde<>(CellRecord.class)
            .serialize(
                h.cells,
                CellRecordBuilder.from(SeedFixture.cellRecord(seeds.get(2), 1))
                    .startedAt(tooLate)
                    .build());
    badBytes.put("cells-late", lateCell);
    bad.put("cells-late", h.send(h.cells, "late", lateCell));

    h.sendSpan(span);
    bad.put("spans-garbage", h.send(h.spans, "k", garbage));
    h.sendSpan(SeedFixture.spans(seed).get(1));
    bad.put("spans-nocell", h.send(h.spans, "k", noCellEvent));
    byte[] lateSpan =
        new JsonSerde<>(SpanRecord.class).serialize(h.spans, spanStartingAt(span, tooLate));
    badBytes.put("spans-late", lateSpan);
    bad.put("spans-late", h.send(h.spans, "late", lateSpan));

    h.sendScore(score);
    bad.put("scores-garbage", h.send(h.scores, "k", garbage));
    h.sendScore(SeedFixture.scores(seed).get(1));
    bad.put("scores-nocell", h.send(h.scores, "k", noCellEvent));
    byte[] lateScore =
        new JsonSerde<>(ScoreEvent.class).serialize(h.scores, scoreAt(score, tooLate));
    badBytes.put("scores-late", lateScore);
    bad.put("scores-late", h.send(h.scores, "late", lateScore));

    // when
    try (SinkService sink = SinkService.start(h.settings(Map.of()))) {
      Await.until(
          "valid rows and dead letters",
          () ->
              sink.metrics().deadLetteredTotal() == 9
                  && sink.metrics().rowsWritten("cells") == 2
                  && sink.metrics().rowsWritten("spans") == 2
                  && sink.metrics().rowsWritten("score_events") == 2
                  && sink.metrics().batches() > 0);

      // then the valid rows landed
      assertThat(h.count("SELECT count() FROM {db}.cells FINAL")).isEqualTo(2);
      assertThat(h.count("SELECT count() FROM {db}.spans FINAL")).isEqualTo(2);
      assertThat(h.count("SELECT count() FROM {db}.score_events FINAL")).isEqualTo(2);
      // and the counters match the dead letters
      assertThat(sink.metrics().deadLettered(h.cells)).isEqualTo(3);
      assertThat(sink.metrics().deadLettered(h.spans)).isEqualTo(3);
      assertThat(sink.metrics().deadLettered(h.scores)).isEqualTo(3);
    }

    // and every invalid record is in the dead-letter topic with its bytes and its origin
    List<ConsumerRecord<byte[], byte[]>> letters = h.deadLetters(9);
    assertThat(letters).hasSize(9);
    for (var e : bad.entrySet()) {
      RecordMetadata origin = e.getValue();
      ConsumerRecord<byte[], byte[]> letter =
          letters.stream()
              .filter(
                  l ->
                      origin.topic().equals(DeadLetters.header(l.headers(), DeadLetters.TOPIC))
                          && String.valueOf(origin.offset())
                              .equals(DeadLetters.header(l.headers(), DeadLetters.OFFSET)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no dead letter for " + e.getKey()));
      assertThat(DeadLetters.header(letter.headers(), DeadLetters.PARTITION))
          .isEqualTo(String.valueOf(origin.partition()));
      assertThat(DeadLetters.header(letter.headers(), DeadLetters.STAGE)).isEqualTo("sink");
      assertThat(DeadLetters.header(letter.headers(), DeadLetters.EXCEPTION)).isNotBlank();
      byte[] expected =
          e.getKey().endsWith("garbage")
              ? garbage
              : e.getKey().endsWith("late")
                  ? badBytes.get(e.getKey())
                  : e.getKey().startsWith("cells") ? noCell : noCellEvent;
      assertThat(letter.value()).as(e.getKey()).isEqualTo(expected);
      // A time DateTime64 cannot hold is refused by the mapper: RowBinary would store it wrong.
      assertThat(DeadLetters.header(letter.headers(), DeadLetters.EXCEPTION))
          .isEqualTo("dev.cab.sink.clickhouse.MappingException");
    }
  }

  @Test
  void commitsOffsetsOnlyAfterTheBatchLanded() throws Exception {
    // given a sink that will not flush on its own (huge batch bounds)
    for (Map<String, Object> seed : seeds) {
      h.sendCell(SeedFixture.cellRecord(seed, 1));
      SeedFixture.scores(seed).forEach(h::sendScore);
    }
    SinkSettings settings =
        h.settings(
            Map.of(SinkSettings.BATCH_MAX_MS, "600000", SinkSettings.BATCH_MAX_ROWS, "100000"));
    SinkService crashing = SinkService.start(settings);
    Await.until("records buffered", () -> crashing.metrics().recordsConsumed() == 3 + 18);

    // when it dies before the flush
    crashing.abort();

    // then nothing was committed and nothing written
    assertThat(h.committed(settings.groupId())).isEmpty();
    assertThat(h.count("SELECT count() FROM {db}.cells")).isZero();

    // when a sink of the same group starts again
    SinkSettings again = h.settings(Map.of(SinkSettings.GROUP_ID, settings.groupId()));
    try (SinkService sink = SinkService.start(again)) {
      Await.until(
          "rows after restart",
          () ->
              sink.metrics().rowsWritten("cells") == 3
                  && sink.metrics().rowsWritten("score_events") == 18
                  && sink.metrics().commits() > 0);
    }

    // then nothing was lost and the offsets are committed past every record
    assertThat(h.count("SELECT count() FROM {db}.cells FINAL")).isEqualTo(3);
    assertThat(h.count("SELECT count() FROM {db}.score_events FINAL")).isEqualTo(18);
    long committed =
        h.committed(settings.groupId()).values().stream().mapToLong(o -> o.offset()).sum();
    assertThat(committed).isEqualTo(3 + 18);
  }

  @Test
  void closeFlushesAndCommitsWhatIsBuffered() throws Exception {
    // given a sink with a batch that would not flush by itself for ten minutes
    h.sendCell(SeedFixture.cellRecord(seeds.getFirst(), 1));
    SinkSettings settings = h.settings(Map.of(SinkSettings.BATCH_MAX_MS, "600000"));
    SinkService sink = SinkService.start(settings);
    Await.until("record buffered", () -> sink.metrics().recordsConsumed() == 1);

    // when
    sink.close();

    // then
    assertThat(h.count("SELECT count() FROM {db}.cells")).isEqualTo(1);
    assertThat(h.committed(settings.groupId()).values().stream().mapToLong(o -> o.offset()).sum())
        .isEqualTo(1);
  }

  @Test
  void startFailsNamingTheUrlWhenClickHouseIsUnreachable() {
    SinkSettings settings =
        h.settings(
            Map.of(
                SinkSettings.CLICKHOUSE_URL, "http://127.0.0.1:1",
                SinkSettings.STARTUP_TIMEOUT_MS, "0"));
    assertThatThrownBy(() -> SinkService.start(settings))
        .isInstanceOf(SinkStartException.class)
        .hasMessageContaining("cannot reach ClickHouse at http://127.0.0.1:1");
  }

  @Test
  void startFailsClearlyWhenClickHouseRefusesTheUser() {
    SinkSettings settings =
        h.settings(
            Map.of(
                SinkSettings.CLICKHOUSE_USER, "nobody",
                SinkSettings.CLICKHOUSE_PASSWORD, "wrong"));
    assertThatThrownBy(() -> SinkService.start(settings))
        .isInstanceOf(SinkStartException.class)
        .hasMessageContaining("refused user 'nobody'")
        .hasMessageContaining(h.clickhouse.url())
        .hasMessageNotContaining("wrong");
  }

  private static SpanRecord spanStartingAt(SpanRecord s, Instant t) {
    return s.withCell(new CellIdentity("late-cell", null, null, null, null, null)).withStartTime(t);
  }

  private static ScoreEvent scoreAt(ScoreEvent e, Instant t) {
    return e.withCell(new CellIdentity("late-cell", null, null, null, null, null)).withTime(t);
  }
}
