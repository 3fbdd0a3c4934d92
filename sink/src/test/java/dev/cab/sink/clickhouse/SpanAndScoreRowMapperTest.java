package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.SeedFixture;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanAndScoreRowMapperTest {
  private final Map<String, Object> seed001 = SeedFixture.cells().getFirst();

  @Test
  void mapsSpanWithFullFidelityAttributes() throws Exception {
    // given the container span of seed 001 (arrays, booleans, numbers in its attributes)
    SpanRecord span =
        SeedFixture.spans(seed001).stream()
            .filter(s -> "container".equals(s.kind()))
            .findFirst()
            .orElseThrow();
    byte[] bytes = new JsonSerde<>(SpanRecord.class).serialize("cab.spans.v1", span);

    // when
    Map<String, Object> row = (new SpanRowMapper().map(bytes, 1, 5));

    // then
    assertThat(row.keySet()).containsExactlyElementsOf(SpanRowMapper.TABLE.columns());
    assertThat(row)
        .containsEntry("cell_id", seed001.get("cell_id"))
        .containsEntry("trace_id", "13a0cea7a79542e5bf6f1c9b4ad7ff63")
        .containsEntry("span_id", "d3f37968cfe44a0e")
        .containsEntry("parent_span_id", "13a0cea7a79542e5")
        .containsEntry("name", "openhands:run")
        .containsEntry("kind", "container")
        .containsEntry("start_time", Instant.parse("2026-06-16T19:05:37.658695000Z"))
        .containsEntry("end_time", Instant.parse("2026-06-16T19:08:02.768695000Z"))
        .containsEntry("duration_ms", 145110.0)
        .containsEntry("status_code", "OK")
        .containsEntry("status_message", "")
        .containsEntry("kafka_partition", 1)
        .containsEntry("kafka_offset", 5L);
    assertThat((String) row.get("attributes"))
        .startsWith(
            "{\"image\":\"codingagentbench/openhands:1.7.0\",\"command\":[\"/app/.venv/bin/python\",")
        .contains("\"exit_code\":0,\"timed_out\":false,\"docker_sock_mounted\":true");
    assertThat((String) row.get("resource")).contains("\"service.name\":\"cab-runner\"");
  }

  @Test
  void mapsRootSpanWithEmptyParent() throws Exception {
    SpanRecord root =
        SeedFixture.spans(seed001).stream()
            .filter(s -> "adapter_run".equals(s.kind()))
            .findFirst()
            .orElseThrow();
    Map<String, Object> row = new SpanRowMapper().map(root, 0, 0);
    assertThat(row.get("parent_span_id")).isEqualTo("");
  }

  @Test
  void rejectsATimeDateTime64CannotHold() {
    SpanRecord s = SeedFixture.spans(seed001).getFirst();
    SpanRecord late =
        new SpanRecord(
            s.schemaVersion(),
            s.cell(),
            s.traceId(),
            s.spanId(),
            s.parentSpanId(),
            s.name(),
            s.kind(),
            Instant.parse("+10000-01-01T00:00:00Z"),
            s.endTime(),
            s.statusCode(),
            s.statusMessage(),
            s.attributes(),
            s.resource());
    assertThatThrownBy(() -> new SpanRowMapper().map(late, 0, 0))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("DateTime64");
  }

  @Test
  void mapsScoreEventAndHashesItStably() throws Exception {
    // given the latency event of seed 001
    ScoreEvent latency =
        SeedFixture.scores(seed001).stream()
            .filter(e -> "latency".equals(e.axis()))
            .findFirst()
            .orElseThrow();
    JsonSerde<ScoreEvent> serde = new JsonSerde<>(ScoreEvent.class);
    ScoreRowMapper mapper = new ScoreRowMapper();

    // when it is mapped twice from its bytes
    Map<String, Object> row = (mapper.map(serde.serialize("cab.scores.v1", latency), 2, 8));
    Map<String, Object> again = (mapper.map(serde.serialize("cab.scores.v1", latency), 2, 9));

    // then
    assertThat(row.keySet()).containsExactlyElementsOf(ScoreRowMapper.TABLE.columns());
    assertThat(row)
        .containsEntry("axis", "latency")
        .containsEntry("score_value", 145118.041)
        .containsEntry("score_label", "")
        .containsEntry(
            "breakdown",
            "{\"wall_clock_ms\":145118.041,\"container_active_ms\":145110.14,\"model_call_ms\":0}")
        .containsEntry("attributes", "{\"cab.latency_efficiency\":0.45648295258205523}")
        .containsEntry("event_time", Instant.parse("2026-06-16T19:08:02.776736000Z"));
    assertThat((Long) row.get("event_hash")).isNotNegative().isEqualTo(again.get("event_hash"));
  }

  @Test
  void differentScoreEventsHashDifferently() throws Exception {
    var events = SeedFixture.scores(seed001);
    assertThat(events.stream().map(e -> hash(e)).distinct()).hasSize(events.size());
  }

  @Test
  void hashingTheRecordsBytesGivesTheEventHashOfEarlierReleases() throws Exception {
    // given the seeds' scorer events and one with unicode, exponents and nested values, as the
    // collector writes them to cab.scores.v1
    var serde = new JsonSerde<>(ScoreEvent.class);
    List<ScoreEvent> events = new ArrayList<>();
    for (Map<String, Object> seed : SeedFixture.cells()) {
      events.addAll(SeedFixture.scores(seed));
    }
    ScoreEvent first = events.getFirst();
    events.add(
        first
            .withExplanation("ünïcødé \u2028 \"quoted\" \t tab, emoji \uD83D\uDE00")
            .withBreakdown(
                Map.of(
                    "tiny", 1.0e-7, "huge", 1.0e300, "nested", Map.of("list", List.of(1, 2.5)))));

    for (ScoreEvent e : events) {
      byte[] bytes = serde.serialize("cab.scores.v1", e);
      // when the sink maps the record's bytes
      Map<String, Object> row = new ScoreRowMapper().map(bytes, 0, 0);
      // then event_hash is what re-serialising the decoded event gave (the V001 definition), so
      // rows of earlier releases and this one deduplicate together
      assertThat(row.get("event_hash"))
          .isEqualTo(ScoreRowMapper.eventHash(serde.deserialize("cab.scores.v1", bytes)));
    }
  }

  private static long hash(ScoreEvent e) {
    try {
      return ScoreRowMapper.eventHash(e);
    } catch (MappingException ex) {
      throw new AssertionError(ex);
    }
  }

  @Test
  void rejectsSpanAndScoreWithoutCellIdentity() {
    byte[] noCell = "{\"schema_version\":1,\"span_id\":\"ab\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new SpanRowMapper().map(noCell, 0, 0))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("without cell id");
    assertThatThrownBy(() -> new ScoreRowMapper().map(noCell, 0, 0))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("without cell id");
    byte[] nullCellId = "{\"cell\":{\"sweep_id\":\"s\"}}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new SpanRowMapper().map(nullCellId, 0, 0))
        .isInstanceOf(MappingException.class);
  }
}
