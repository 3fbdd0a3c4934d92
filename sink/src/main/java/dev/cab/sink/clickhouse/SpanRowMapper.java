package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.SpanRecord;
import java.util.List;

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
  public Object[] map(byte[] value, int partition, long offset) throws MappingException {
    return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
  }

  /** Maps a decoded span. */
  public Object[] map(SpanRecord s, int partition, long offset) throws MappingException {
    CellIdentity cell = s.cell();
    if (cell == null || cell.cellId().isBlank()) {
      throw new MappingException("span without cell id");
    }
    return new Object[] {
      cell.cellId(),
      ClickHouseValues.text(cell.sweepId()),
      ClickHouseValues.text(cell.tui()),
      ClickHouseValues.text(cell.model()),
      ClickHouseValues.text(cell.task()),
      ClickHouseValues.text(cell.category()),
      ClickHouseValues.text(s.traceId()),
      ClickHouseValues.text(s.spanId()),
      ClickHouseValues.text(s.parentSpanId()),
      ClickHouseValues.text(s.name()),
      ClickHouseValues.text(s.kind()),
      ClickHouseValues.dateTimeOrEpoch(s.startTime()),
      ClickHouseValues.dateTimeOrEpoch(s.endTime()),
      ClickHouseValues.finite(s.durationMs()),
      ClickHouseValues.text(s.statusCode()),
      ClickHouseValues.text(s.statusMessage()),
      ClickHouseValues.json(s.attributes()),
      ClickHouseValues.json(s.resource()),
      s.schemaVersion(),
      partition,
      offset
    };
  }
}
