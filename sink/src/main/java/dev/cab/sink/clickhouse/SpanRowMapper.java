package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.SpanRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cab.spans.v1} ({@link SpanRecord}) to {@code spans} rows. */
public final class SpanRowMapper implements RowMapper {

  public static final TableSpec TABLE =
      new TableSpec(
          "spans",
          Topics.SPANS.name(),
          List.of(
              "cell_id",
              "sweep_id",
              "tui",
              "model",
              "task",
              "category",
              "trace_id",
              "span_id",
              "parent_span_id",
              "name",
              "kind",
              "start_time",
              "end_time",
              "duration_ms",
              "status_code",
              "status_message",
              "attributes",
              "resource",
              "schema_version",
              "kafka_partition",
              "kafka_offset"));

  private final JsonSerde<SpanRecord> serde = new JsonSerde<>(SpanRecord.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException {
    return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
  }

  /** Maps a decoded span. */
  public Map<String, Object> map(SpanRecord s, int partition, long offset) throws MappingException {
    CellIdentity cell = s.cell();
    if (cell == null || cell.cellId().isBlank()) {
      throw new MappingException("span without cell id");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("cell_id", cell.cellId());
    row.put("sweep_id", ClickHouseValues.text(cell.sweepId()));
    row.put("tui", ClickHouseValues.text(cell.tui()));
    row.put("model", ClickHouseValues.text(cell.model()));
    row.put("task", ClickHouseValues.text(cell.task()));
    row.put("category", ClickHouseValues.text(cell.category()));
    row.put("trace_id", ClickHouseValues.text(s.traceId()));
    row.put("span_id", ClickHouseValues.text(s.spanId()));
    row.put("parent_span_id", ClickHouseValues.text(s.parentSpanId()));
    row.put("name", ClickHouseValues.text(s.name()));
    row.put("kind", ClickHouseValues.text(s.kind()));
    row.put("start_time", ClickHouseValues.dateTimeOrEpoch(s.startTime()));
    row.put("end_time", ClickHouseValues.dateTimeOrEpoch(s.endTime()));
    row.put("duration_ms", ClickHouseValues.finite(s.durationMs()));
    row.put("status_code", ClickHouseValues.text(s.statusCode()));
    row.put("status_message", ClickHouseValues.text(s.statusMessage()));
    row.put("attributes", ClickHouseValues.json(s.attributes()));
    row.put("resource", ClickHouseValues.json(s.resource()));
    row.put("schema_version", s.schemaVersion());
    row.put("kafka_partition", partition);
    row.put("kafka_offset", offset);
    return row;
  }
}
