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

  private final JsonSerde<CellRecord> serde = new JsonSerde<>(CellRecord.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Object[] map(byte[] value, int partition, long offset) throws MappingException {
    CellRecord c = Decoding.decode(serde, TABLE.topic(), value);
    return map(c, partition, offset);
  }

  /** Maps a decoded cell record. */
  public Object[] map(CellRecord c, int partition, long offset) throws MappingException {
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
    return new Object[] {
      c.cellId(),
      ClickHouseValues.text(c.sweepId()),
      ClickHouseValues.text(c.tui()),
      ClickHouseValues.text(c.model()),
      ClickHouseValues.text(c.task()),
      ClickHouseValues.text(c.category()),
      ClickHouseValues.text(c.containerImage()),
      ClickHouseValues.text(c.imageDigest()),
      ClickHouseValues.text(c.modelBuildId()),
      c.exitCode(),
      ClickHouseValues.dateTime(c.startedAt()),
      ClickHouseValues.dateTime(c.endedAt()),
      ClickHouseValues.finite(c.durationMs()),
      c.status() == null ? "" : c.status().wireName(),
      c.missingAxes(),
      composite == null ? null : ClickHouseValues.finite(composite.composite()),
      composite == null ? "" : ClickHouseValues.text(composite.weightsVersion()),
      composite == null ? null : ClickHouseValues.json(composite),
      headline(c, Axes.PASS_RATE),
      headline(c, Axes.TOKENS),
      headline(c, Axes.LATENCY),
      headline(c, Axes.BLAST_RADIUS),
      headline(c, Axes.REFUSAL),
      headline(c, Axes.INTEGRITY),
      breakdown(c, Axes.PASS_RATE),
      breakdown(c, Axes.TOKENS),
      breakdown(c, Axes.LATENCY),
      breakdown(c, Axes.BLAST_RADIUS),
      breakdown(c, Axes.REFUSAL),
      breakdown(c, Axes.INTEGRITY),
      otherAxes,
      axisScores,
      spans.count(),
      ClickHouseValues.text(spans.rootSpanId()),
      spans.errorSpanIds(),
      kinds,
      tokens == null ? null : tokens.inputTokens(),
      tokens == null ? null : tokens.outputTokens(),
      tokens == null ? null : tokens.cacheReadInputTokens(),
      tokens == null ? null : tokens.cacheCreationInputTokens(),
      tokens == null ? null : tokens.totalTokens(),
      tokens == null ? null : tokens.modelCalls(),
      c.schemaVersion(),
      c.version(),
      ClickHouseValues.dateTimeOrEpoch(c.updatedAt()),
      partition,
      offset,
      // Records written before schema 2 carry no outcome: '' until streams writes a new version.
      c.outcome() == null ? "" : c.outcome().wireName(),
      ClickHouseValues.text(c.outcomeReason())
    };
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
