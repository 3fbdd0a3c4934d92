package dev.cab.model.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.topic.Topics;
import dev.cab.model.wire.AlertRecord;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.Composite;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.SpanSummary;
import dev.cab.model.wire.SweepPlan;
import dev.cab.model.wire.TokenTotals;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {
  static final CellIdentity CELL =
      new CellIdentity("s1/pi/m/cat/t", "s1", "pi", "m", "cat/t", "cat");

  @Test
  void roundTripsASpanWithNestedAttributesAndMicrosecondTimes() {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("argv", List.of("--print", "x"));
    attrs.put("timeout_s", 600);
    attrs.put("duration_s", 26.391405783011578);
    attrs.put("timed_out", false);
    SpanRecord span =
        new SpanRecord(
            SpanRecord.SCHEMA_VERSION,
            CELL,
            "3bbf0b1bfc34467da113852c333efb8f",
            "3bbf0b1bfc34467d",
            null,
            "pi:launch",
            "container",
            Instant.parse("2026-06-17T03:34:44.013042Z"),
            Instant.parse("2026-06-17T03:35:10.431158Z"),
            "UNSET",
            null,
            attrs,
            Map.of("service.name", "runner"));

    byte[] bytes = Topics.SPANS.valueSerde().serializer().serialize("t", span);
    SpanRecord back = Topics.SPANS.valueSerde().deserializer().deserialize("t", bytes);

    assertThat(back).isEqualTo(span);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"schema_version\":1", "\"start_time\":\"2026-06-17T03:34:44.013042Z\"");
    assertThat(back.durationMs()).isEqualTo(26418.116);
  }

  @Test
  void roundTripsAScoreEventKeepingBreakdownOrderNullsAndArrays() {
    Map<String, Object> breakdown = new LinkedHashMap<>();
    breakdown.put("pass", 1);
    breakdown.put("stdout_tail", "ok\n");
    breakdown.put("partial_score", null);
    breakdown.put("modified", List.of("src/lib.rs"));
    ScoreEvent e =
        new ScoreEvent(
            ScoreEvent.SCHEMA_VERSION,
            CELL,
            "ab",
            "cd",
            "pass_rate",
            1.0,
            null,
            null,
            breakdown,
            Map.of("cab.latency_efficiency", 0.45648295258205523),
            Instant.EPOCH);

    ScoreEvent back =
        Topics.SCORES.valueSerde().deserializer().deserialize("t", serialize(Topics.SCORES, e));

    assertThat(back).isEqualTo(e);
    assertThat(back.breakdown().keySet())
        .containsExactly("pass", "stdout_tail", "partial_score", "modified");
    assertThat(back.numericAttribute("cab.latency_efficiency")).isEqualTo(0.45648295258205523);
  }

  @Test
  void roundTripsACellRecordWithCompositeBitsIntact() {
    Map<String, Object> components = new LinkedHashMap<>();
    components.put("latency_efficiency", 0.45648295258205523);
    CellRecord cell =
        new CellRecord(
            CellRecord.SCHEMA_VERSION,
            CELL.cellId(),
            "s1",
            "pi",
            "m",
            "cat/t",
            "cat",
            "img:1",
            "sha256:ab",
            "m",
            0,
            Instant.parse("2026-06-16T19:05:37.658695Z"),
            Instant.parse("2026-06-16T19:08:02.776736Z"),
            145118.041,
            Map.of("latency", Map.of("wall_clock_ms", 145118.041)),
            Map.of("latency", 145118.041),
            new Composite(0.9184724428873083, Map.of("cost", 0.15), components, "n", "v1"),
            new SpanSummary(5, "13a0", List.of(), Map.of("container", 1)),
            new TokenTotals(1, 2, 3, 4, 5),
            CellStatus.COMPLETE,
            List.of(),
            CellOutcome.PASSED,
            "tests passed",
            7,
            Instant.EPOCH);

    byte[] bytes = serialize(Topics.CELLS, cell);
    CellRecord back = Topics.CELLS.valueSerde().deserializer().deserialize("t", bytes);

    assertThat(back).isEqualTo(cell);
    assertThat(back.composite().composite()).isEqualTo(0.9184724428873083);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"status\":\"complete\"")
        .contains("\"outcome\":\"passed\"");
  }

  @Test
  void nullBytesAndNullRecordsPassThroughAsNull() {
    assertThat(Topics.CELLS.valueSerde().serializer().serialize("t", null)).isNull();
    assertThat(Topics.CELLS.valueSerde().deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void malformedBytesThrowSerializationExceptionWithCause() {
    byte[] garbage = "{\"schema_version\": 1, \"cell\": [".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Topics.SPANS.valueSerde().deserializer().deserialize("t", garbage))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("SpanRecord")
        .hasCauseInstanceOf(java.io.IOException.class);
  }

  @Test
  void jsonNullIsRejected() {
    byte[] jsonNull = "null".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Topics.SCORES.valueSerde().deserializer().deserialize("t", jsonNull))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void ignoresFieldsAddedByANewerWriter() {
    byte[] json =
        "{\"schema_version\":1,\"cell\":{\"cell_id\":\"c\"},\"axis\":\"tokens\",\"future\":[1]}"
            .getBytes(StandardCharsets.UTF_8);

    ScoreEvent e = Topics.SCORES.valueSerde().deserializer().deserialize("t", json);

    assertThat(e.axis()).isEqualTo("tokens");
    assertThat(e.cell().cellId()).isEqualTo("c");
  }

  @Test
  void roundTripsASweepPlan() {
    SweepPlan plan =
        new SweepPlan(
            SweepPlan.SCHEMA_VERSION,
            "s2",
            List.of("aider", "pi"),
            List.of("m1"),
            List.of("cat/a", "cat/b", "cat/c"),
            "s1",
            6,
            Instant.parse("2026-06-16T19:05:37.658695Z"),
            Map.of("note", "nightly"));

    SweepPlan back =
        Topics.SWEEP_PLANS
            .valueSerde()
            .deserializer()
            .deserialize("t", serialize(Topics.SWEEP_PLANS, plan));

    assertThat(back).isEqualTo(plan);
  }

  @Test
  void catalogueNamesEveryTopicOnceAndCompactsCells() {
    List<String> names = new ArrayList<>();
    Topics.all().forEach(t -> names.add(t.name()));

    assertThat(names)
        .containsExactly(
            "cab.spans.v1",
            "cab.scores.v1",
            "cab.cells.v1",
            "cab.sweep-plans.v1",
            "cab.alerts.v1",
            "cab.dlq.v1");
    assertThat(Topics.CELLS.config()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.ALERTS.config()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.SWEEP_PLANS.config()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.newTopics(4, (short) 1)).hasSize(6);
    assertThat(Arrays.asList(Topics.DLQ.valueSerde().serializer().serialize("t", new byte[] {1})))
        .hasSize(1);
  }

  @Test
  void alertRecordRoundTripsWithItsEvidence() {
    AlertRecord.Evidence evidence =
        new AlertRecord.Evidence(
            "mcnemar_exact",
            java.util.Map.of("pairs", 50L, "lost", 14L, "gained", 2L),
            -0.24,
            -0.36,
            -0.1,
            "rate_difference",
            0.002,
            0.01,
            0.04,
            0.05,
            1.0,
            List.of("s2/aider/m/t1"));
    AlertRecord alert =
        new AlertRecord(
            AlertRecord.SCHEMA_VERSION,
            "0123abcd",
            "pass_rate_drop",
            "firing",
            "pending",
            "s2",
            "s1",
            "aider",
            "m",
            "",
            "pass rate of aider x m -0.24",
            evidence,
            java.time.Instant.parse("2026-12-03T12:00:00Z"),
            null,
            java.time.Instant.parse("2026-12-03T12:01:00.123456Z"),
            2);

    AlertRecord back =
        Topics.ALERTS.valueSerde().deserializer().deserialize("t", serialize(Topics.ALERTS, alert));

    assertThat(back).isEqualTo(alert);
    assertThat(new String(serialize(Topics.ALERTS, alert), StandardCharsets.UTF_8))
        .contains("\"baseline_sweep_id\":\"s1\"", "\"sequential_p_value\":0.01");
  }

  private static <V> byte[] serialize(dev.cab.model.topic.Topic<String, V> topic, V value) {
    return topic.valueSerde().serializer().serialize(topic.name(), value);
  }
}
