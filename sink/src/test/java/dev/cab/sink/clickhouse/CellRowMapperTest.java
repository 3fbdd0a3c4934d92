package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cab.model.serde.Json;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.TokenTotals;
import dev.cab.sink.CellRecordBuilder;
import dev.cab.sink.SeedFixture;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CellRowMapperTest {
  private final CellRowMapper mapper = new CellRowMapper();
  private final Map<String, Object> seed001 = SeedFixture.cells().getFirst();

  @Test
  void mapsEveryColumnOfASeedCell() throws Exception {
    // given the cell record of seed page 001
    CellRecord cell = SeedFixture.cellRecord(seed001, 7);

    // when
    Map<String, Object> row = (mapper.map(cell, 3, 42));

    // then every column has a value of the right kind
    assertThat(row.keySet()).containsExactlyElementsOf(CellRowMapper.TABLE.columns());
    assertThat(row)
        .containsEntry(
            "cell_id",
            "free-20260527/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated")
        .containsEntry("sweep_id", "free-20260527")
        .containsEntry("tui", "openhands")
        .containsEntry("model", "stepfun-ai/step-3.5-flash")
        .containsEntry("task", "mutations/rust-error-negated")
        .containsEntry("category", "mutations")
        .containsEntry("container_image", "codingagentbench/openhands:1.7.0")
        .containsEntry(
            "image_digest",
            "sha256:7fcaf222644a5cb0afffe018f038d270130b5af3b8af366cd960f2d596a4342c")
        .containsEntry("model_build_id", "stepfun-ai/step-3.5-flash")
        .containsEntry("exit_code", 0)
        .containsEntry("started_at", Instant.parse("2026-06-16T19:05:37.658695000Z"))
        .containsEntry("ended_at", Instant.parse("2026-06-16T19:08:02.776736000Z"))
        .containsEntry("duration_ms", 145118.041)
        .containsEntry("status", "complete")
        .containsEntry("missing_axes", List.of())
        .containsEntry("composite", 0.9184724428873083)
        .containsEntry("composite_weights_version", "cab-composite-v1")
        .containsEntry("pass_rate", 1.0)
        .containsEntry("tokens_per_correct_task", 0.0)
        .containsEntry("wall_clock_ms", 145118.041)
        .containsEntry("blast_radius", 0.0)
        .containsEntry("refusal", 0.0)
        .containsEntry("integrity", 1.0)
        .containsEntry("axes", Map.of())
        .containsEntry("span_count", 5)
        .containsEntry("root_span_id", "13a0cea7a79542e5")
        .containsEntry("error_span_ids", List.of())
        .containsEntry("input_tokens", null)
        .containsEntry("output_tokens", null)
        .containsEntry("cache_read_input_tokens", null)
        .containsEntry("cache_creation_input_tokens", null)
        .containsEntry("total_tokens", null)
        .containsEntry("model_calls", null)
        .containsEntry("schema_version", 2)
        .containsEntry("outcome", "passed")
        .containsEntry("outcome_reason", "pass_rate 1.0")
        .containsEntry("version", 7L)
        .containsEntry("updated_at", Instant.parse("2026-06-16T19:08:03.776736000Z"))
        .containsEntry("kafka_partition", 3)
        .containsEntry("kafka_offset", 42L);
    assertThat(row.get("span_kinds"))
        .isEqualTo(
            Map.of(
                "task_setup", 1, "tool_call", 1, "container", 1, "adapter_run", 1, "cleanup", 1));
    assertThat(row.get("axis_scores"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .hasSize(6);
    for (String axis :
        List.of("pass_rate", "tokens", "latency", "blast_radius", "refusal", "integrity")) {
      assertThat(row.get("axis_" + axis)).as(axis).isInstanceOf(String.class);
    }
  }

  @Test
  void keepsBreakdownJsonExactlyAsReceived() throws Exception {
    // given
    CellRecord cell = SeedFixture.cellRecord(seed001, 1);

    // when
    Map<String, Object> row = mapper.map(cell, 0, 0);

    // then key order, nulls, arrays, booleans and numbers are as on the page
    assertThat(row.get("axis_pass_rate"))
        .asString()
        .startsWith(
            "{\"pass\":1,\"exit_code\":0,\"timed_out\":false,\"stdout_tail\":\"\\nrunning 4 tests")
        .endsWith("\"stderr_tail\":\"\",\"partial_score\":null}");
    assertThat(row.get("axis_blast_radius"))
        .isEqualTo(
            "{\"blast_radius\":0,\"added\":[],\"removed\":[],\"modified\":[\"src/lib.rs\"],"
                + "\"unexpected_changes\":[],\"expected_changes\":[\"src/lib.rs\"],"
                + "\"total_changes\":1,\"extra_git_dir\":false}");
    assertThat(row.get("axis_refusal"))
        .isEqualTo(
            "{\"refusal\":0,\"not_applicable\":true,\"expected_refusal\":false,"
                + "\"refusal_produced\":false,\"refusal_correct\":null,\"marker_hits\":[],"
                + "\"keyword_hits\":[]}");
    assertThat(row.get("axis_latency"))
        .isEqualTo(
            "{\"wall_clock_ms\":145118.041,\"container_active_ms\":145110.14,\"model_call_ms\":0}");
  }

  @Test
  void keepsBreakdownJsonThroughTheWire() throws Exception {
    // given the cell as bytes on cab.cells.v1
    CellRecord cell = SeedFixture.cellRecord(seed001, 1);
    byte[] bytes = new JsonSerde<>(CellRecord.class).serialize("cab.cells.v1", cell);

    // when
    Map<String, Object> fromBytes = mapper.map(bytes, 0, 0);

    // then decoding keeps every column identical
    assertThat((fromBytes)).usingRecursiveComparison().isEqualTo((mapper.map(cell, 0, 0)));
  }

  @Test
  void keepsCompositeDoubleBitsExact() throws Exception {
    for (Map<String, Object> seed : SeedFixture.cells()) {
      // given
      @SuppressWarnings("unchecked")
      double expected =
          ((Number) ((Map<String, Object>) seed.get("expected_composite")).get("composite"))
              .doubleValue();
      byte[] bytes =
          new JsonSerde<>(CellRecord.class)
              .serialize("cab.cells.v1", SeedFixture.cellRecord(seed, 1));

      // when
      Map<String, Object> row = mapper.map(bytes, 0, 0);

      // then the column and the composite JSON carry the same bits
      double column = (Double) row.get("composite");
      assertThat(Double.doubleToRawLongBits(column))
          .isEqualTo(Double.doubleToRawLongBits(expected));
      Map<String, Object> json =
          Json.mapper().readValue((String) row.get("composite_json"), new TypeReference<>() {});
      assertThat(Double.doubleToRawLongBits(((Number) json.get("composite")).doubleValue()))
          .isEqualTo(Double.doubleToRawLongBits(expected));
      assertThat(json).containsKeys("weights", "components", "note", "weights_version");
      // Double.toString is what the driver sends: it must read back to the same bits
      assertThat(Double.parseDouble(Double.toString(column))).isEqualTo(expected);
    }
  }

  @Test
  void mapsTokenTotalsAndOtherAxes() throws Exception {
    // given a cell with model calls and an axis the table has no column for
    CellRecord base = SeedFixture.cellRecord(seed001, 2);
    Map<String, Map<String, Object>> axes = new java.util.LinkedHashMap<>(base.axes());
    axes.put("style", Map.of("lint_errors", 3));
    CellRecord cell =
        CellRecordBuilder.from(base)
            .exitCode(null)
            .endedAt(null)
            .durationMs(null)
            .axes(axes)
            .composite(null)
            .tokens(new TokenTotals(100, 20, 5, 1, 2))
            .status(CellStatus.RUNNING)
            .missingAxes(List.of("integrity"))
            .outcome(CellOutcome.INFRA_ERROR, "exit_code 137")
            .build();

    // when
    Map<String, Object> row = (mapper.map(cell, 0, 0));

    // then
    assertThat(row)
        .containsEntry("input_tokens", 100L)
        .containsEntry("output_tokens", 20L)
        .containsEntry("cache_read_input_tokens", 5L)
        .containsEntry("cache_creation_input_tokens", 1L)
        .containsEntry("total_tokens", 120L)
        .containsEntry("model_calls", 2)
        .containsEntry("axes", Map.of("style", "{\"lint_errors\":3}"))
        .containsEntry("exit_code", null)
        .containsEntry("ended_at", null)
        .containsEntry("composite", null)
        .containsEntry("composite_json", null)
        .containsEntry("composite_weights_version", "")
        .containsEntry("status", "running")
        .containsEntry("missing_axes", List.of("integrity"))
        .containsEntry("outcome", "infra_error")
        .containsEntry("outcome_reason", "exit_code 137");
  }

  @Test
  void rejectsUndecodableBytes() {
    assertThatThrownBy(() -> mapper.map("{not json".getBytes(StandardCharsets.UTF_8), 0, 9))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("undecodable CellRecord");
  }

  @Test
  void rejectsCellWithoutCellId() {
    byte[] bytes = "{\"schema_version\":1,\"version\":3}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> mapper.map(bytes, 0, 9))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("without cell_id");
  }
}
