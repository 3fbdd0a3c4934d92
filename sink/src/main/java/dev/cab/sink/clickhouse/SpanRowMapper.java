package dev.cab.sink.clickhouse;

import dev.cab.model.topic.Topics;
import dev.cab.model.wire.SpanRecord;
import java.time.Instant;
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

  /** The rows' columns, in {@link #TABLE}'s order. */
  private static final TableRow.Columns COLUMNS = new TableRow.Columns(TABLE.columns());

  private final SlicingReader<SpanRecord> reader;

  /** Reads canonical records straight from their bytes ({@link CanonicalRecord}). */
  public SpanRowMapper() {
    this(true);
  }

  /**
   * @param canonicalFirst false to bind every record with Jackson, its maps copied token by token
   *     (the sink before {@link CanonicalRecord}: the other side of the equivalence test and the
   *     bench)
   */
  SpanRowMapper(boolean canonicalFirst) {
    this.reader =
        new SlicingReader<>(
            SpanRecord.class,
            TABLE.topic(),
            canonicalFirst ? SpanRowMapper::canonical : null,
            SpanRecord::attributes,
            SpanRecord::resource);
  }

  /**
   * The span read straight from its bytes, its maps sliced ({@link RawJson}), when they are in the
   * collector's canonical form; null otherwise.
   */
  static SpanRecord canonical(byte[] value) {
    return CanonicalRecord.readOrNull(value, SpanRowMapper::canonical);
  }

  private static SpanRecord canonical(CanonicalRecord r) throws CanonicalRecord.NotCanonical {
    CanonicalRecord.Header header = r.header();
    String parentSpanId = null;
    String name = null;
    String kind = null;
    Instant startTime = null;
    Instant endTime = null;
    String statusCode = null;
    String statusMessage = null;
    RawJson attributes = RawJson.EMPTY;
    RawJson resource = RawJson.EMPTY;
    int seen = 0;
    for (String key; (key = r.nextKey(true)) != null; ) {
      int bit =
          switch (key) {
            case "parent_span_id" -> {
              parentSpanId = r.stringOrNull();
              yield 1;
            }
            case "name" -> {
              name = r.stringOrNull();
              yield 1 << 1;
            }
            case "kind" -> {
              kind = r.stringOrNull();
              yield 1 << 2;
            }
            case "start_time" -> {
              startTime = r.instantOrNull();
              yield 1 << 3;
            }
            case "end_time" -> {
              endTime = r.instantOrNull();
              yield 1 << 4;
            }
            case "status_code" -> {
              statusCode = r.stringOrNull();
              yield 1 << 5;
            }
            case "status_message" -> {
              statusMessage = r.stringOrNull();
              yield 1 << 6;
            }
            case "attributes" -> {
              attributes = r.object();
              yield 1 << 7;
            }
            case "resource" -> {
              resource = r.object();
              yield 1 << 8;
            }
            default -> r.skipField(key);
          };
      seen = CanonicalRecord.once(seen, bit);
    }
    return new SpanRecord(
        header.schemaVersion(),
        header.cell(),
        header.traceId(),
        header.spanId(),
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException {
    return map(reader.read(value), partition, offset);
  }

  /** Maps a span, decoded or read from its bytes (its maps then kept as their text). */
  public Map<String, Object> map(SpanRecord s, int partition, long offset) throws MappingException {
    Map<String, Object> row = RowColumns.cell(COLUMNS, s.cell(), "span");
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
    row.put("attributes", RawJson.column(s.attributes()));
    row.put("resource", RawJson.column(s.resource()));
    return RowColumns.kafka(row, s.schemaVersion(), partition, offset);
  }
}
