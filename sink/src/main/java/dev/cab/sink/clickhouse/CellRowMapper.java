package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.Composite;
import dev.cab.model.wire.SpanSummary;
import dev.cab.model.wire.TokenTotals;
import dev.cab.model.wire.WireAttributes.Axes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cab.cells.v1} ({@link CellRecord}) to {@code cells} rows. */
public final class CellRowMapper implements RowMapper {

  /** Headline column per axis, in page order. */
  static final Map<String, String> HEADLINE_COLUMNS =
      orderedMap(
          Axes.PASS_RATE, "pass_rate",
          Axes.TOKENS, "tokens_per_correct_task",
          Axes.LATENCY, "wall_clock_ms",
          Axes.BLAST_RADIUS, "blast_radius",
          Axes.REFUSAL, "refusal",
          Axes.INTEGRITY, "integrity");

  public static final TableSpec TABLE =
      new TableSpec(
          "cells",
          Topics.CELLS.name(),
          List.of(
              "cell_id",
              "sweep_id",
              "tui",
              "model",
              "task",
              "category",
              "container_image",
              "image_digest",
              "model_build_id",
              "exit_code",
              "started_at",
              "ended_at",
              "duration_ms",
              "status",
              "missing_axes",
              "composite",
              "composite_weights_version",
              "composite_json",
              "pass_rate",
              "tokens_per_correct_task",
              "wall_clock_ms",
              "blast_radius",
              "refusal",
              "integrity",
              "axis_pass_rate",
              "axis_tokens",
              "axis_latency",
              "axis_blast_radius",
              "axis_refusal",
              "axis_integrity",
              "axes",
              "axis_scores",
              "span_count",
              "root_span_id",
              "error_span_ids",
              "span_kinds",
              "input_tokens",
              "output_tokens",
              "cache_read_input_tokens",
              "cache_creation_input_tokens",
              "total_tokens",
              "model_calls",
              "schema_version",
              "version",
              "updated_at",
              "kafka_partition",
              "kafka_offset",
              "outcome",
              "outcome_reason"));

  /** The rows' columns, in {@link #TABLE}'s order. */
  private static final TableRow.Columns COLUMNS = new TableRow.Columns(TABLE.columns());

  private final JsonSerde<CellRecord> serde = new JsonSerde<>(CellRecord.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException {
    CellRecord c = Decoding.decode(serde, TABLE.topic(), value);
    return map(c, partition, offset);
  }

  /** Maps a decoded cell record. */
  public Map<String, Object> map(CellRecord c, int partition, long offset) throws MappingException {
    if (c.cellId() == null || c.cellId().isBlank()) {
      throw new MappingException("cell record without cell_id");
    }
    Composite composite = c.composite();
    SpanSummary spans = c.spans();
    TokenTotals tokens = c.tokens();
    Map<String, String> otherAxes = new LinkedHashMap<>();
    for (var e : c.axes().entrySet()) {
      if (!HEADLINE_COLUMNS.containsKey(e.getKey())) {
        otherAxes.put(e.getKey(), ClickHouseValues.json(e.getValue()));
      }
    }
    Map<String, Double> axisScores = new LinkedHashMap<>();
    for (var e : c.axisScores().entrySet()) {
      Double d = ClickHouseValues.finite(e.getValue());
      if (e.getKey() != null && d != null) {
        axisScores.put(e.getKey(), d);
      }
    }
    Map<String, Integer> kinds = new LinkedHashMap<>();
    spans.kinds().forEach((k, v) -> kinds.put(k, v == null ? 0 : v));
    Map<String, Object> row =
        RowColumns.cell(
            COLUMNS, c.cellId(), c.sweepId(), c.tui(), c.model(), c.task(), c.category());
    row.put("container_image", ClickHouseValues.text(c.containerImage()));
    row.put("image_digest", ClickHouseValues.text(c.imageDigest()));
    row.put("model_build_id", ClickHouseValues.text(c.modelBuildId()));
    row.put("exit_code", c.exitCode());
    row.put("started_at", ClickHouseValues.dateTime(c.startedAt()));
    row.put("ended_at", ClickHouseValues.dateTime(c.endedAt()));
    row.put("duration_ms", ClickHouseValues.finite(c.durationMs()));
    row.put("status", c.status() == null ? "" : c.status().wireName());
    row.put("missing_axes", c.missingAxes());
    row.put("composite", composite == null ? null : ClickHouseValues.finite(composite.composite()));
    row.put(
        "composite_weights_version",
        composite == null ? "" : ClickHouseValues.text(composite.weightsVersion()));
    row.put("composite_json", composite == null ? null : ClickHouseValues.json(composite));
    row.put("pass_rate", headline(c, Axes.PASS_RATE));
    row.put("tokens_per_correct_task", headline(c, Axes.TOKENS));
    row.put("wall_clock_ms", headline(c, Axes.LATENCY));
    row.put("blast_radius", headline(c, Axes.BLAST_RADIUS));
    row.put("refusal", headline(c, Axes.REFUSAL));
    row.put("integrity", headline(c, Axes.INTEGRITY));
    row.put("axis_pass_rate", breakdown(c, Axes.PASS_RATE));
    row.put("axis_tokens", breakdown(c, Axes.TOKENS));
    row.put("axis_latency", breakdown(c, Axes.LATENCY));
    row.put("axis_blast_radius", breakdown(c, Axes.BLAST_RADIUS));
    row.put("axis_refusal", breakdown(c, Axes.REFUSAL));
    row.put("axis_integrity", breakdown(c, Axes.INTEGRITY));
    row.put("axes", otherAxes);
    row.put("axis_scores", axisScores);
    row.put("span_count", spans.count());
    row.put("root_span_id", ClickHouseValues.text(spans.rootSpanId()));
    row.put("error_span_ids", spans.errorSpanIds());
    row.put("span_kinds", kinds);
    row.put("input_tokens", tokens == null ? null : tokens.inputTokens());
    row.put("output_tokens", tokens == null ? null : tokens.outputTokens());
    row.put("cache_read_input_tokens", tokens == null ? null : tokens.cacheReadInputTokens());
    row.put(
        "cache_creation_input_tokens", tokens == null ? null : tokens.cacheCreationInputTokens());
    row.put("total_tokens", tokens == null ? null : tokens.totalTokens());
    row.put("model_calls", tokens == null ? null : tokens.modelCalls());
    row.put("schema_version", c.schemaVersion());
    row.put("version", c.version());
    row.put("updated_at", ClickHouseValues.dateTimeOrEpoch(c.updatedAt()));
    row.put("kafka_partition", partition);
    row.put("kafka_offset", offset);
    // Records written before schema 2 carry no outcome: '' until streams writes a new version.
    row.put("outcome", c.outcome() == null ? "" : c.outcome().wireName());
    row.put("outcome_reason", ClickHouseValues.text(c.outcomeReason()));
    return row;
  }

  private static Double headline(CellRecord c, String axis) {
    return ClickHouseValues.finite(c.axisScores().get(axis));
  }

  private static String breakdown(CellRecord c, String axis) throws MappingException {
    Map<String, Object> b = c.axes().get(axis);
    return b == null ? null : ClickHouseValues.json(b);
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
