package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellIdentity;
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

  private final JsonSerde<SpanRecord> serde = new JsonSerde<>(SpanRecord.class);
  private final JsonSerde<SpanFields> fields = new JsonSerde<>(SpanFields.class);
  private final boolean canonicalFirst;

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
    this.canonicalFirst = canonicalFirst;
  }

  /**
   * A {@link SpanRecord} as the row needs it: the same wire fields, its two maps kept as the JSON
   * text of their columns ({@link RawJson}) instead of decoded and encoded again.
   */
  record SpanFields(
      int schemaVersion,
      CellIdentity cell,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      Instant startTime,
      Instant endTime,
      String statusCode,
      String statusMessage,
      RawJson attributes,
      RawJson resource) {

    /** The span without its maps, and true when both maps' text is what decoding gives. */
    SpanRecord withoutMaps() {
      return new SpanRecord(
          schemaVersion,
          cell,
          traceId,
          spanId,
          parentSpanId,
          name,
          kind,
          startTime,
          endTime,
          statusCode,
          statusMessage,
          Map.of(),
          Map.of());
    }

    boolean exact() {
      return RawJson.orEmpty(attributes).exact() && RawJson.orEmpty(resource).exact();
    }

    /**
     * The span read straight from its bytes, maps sliced, when they are in the collector's
     * canonical form; null otherwise (the caller binds them with Jackson).
     */
    static SpanFields canonical(byte[] value) {
      try {
        CanonicalRecord r = CanonicalRecord.open(value);
        int schemaVersion = 0;
        CellIdentity cell = null;
        String traceId = null;
        String spanId = null;
        String parentSpanId = null;
        String name = null;
        String kind = null;
        Instant startTime = null;
        Instant endTime = null;
        String statusCode = null;
        String statusMessage = null;
        RawJson attributes = null;
        RawJson resource = null;
        int seen = 0;
        for (String key; (key = r.nextKey(true)) != null; ) {
          int bit =
              switch (key) {
                case "schema_version" -> {
                  schemaVersion = r.intValue();
                  yield 1;
                }
                case "cell" -> {
                  cell = r.cellOrNull();
                  yield 1 << 1;
                }
                case "trace_id" -> {
                  traceId = r.stringOrNull();
                  yield 1 << 2;
                }
                case "span_id" -> {
                  spanId = r.stringOrNull();
                  yield 1 << 3;
                }
                case "parent_span_id" -> {
                  parentSpanId = r.stringOrNull();
                  yield 1 << 4;
                }
                case "name" -> {
                  name = r.stringOrNull();
                  yield 1 << 5;
                }
                case "kind" -> {
                  kind = r.stringOrNull();
                  yield 1 << 6;
                }
                case "start_time" -> {
                  startTime = r.instantOrNull();
                  yield 1 << 7;
                }
                case "end_time" -> {
                  endTime = r.instantOrNull();
                  yield 1 << 8;
                }
                case "status_code" -> {
                  statusCode = r.stringOrNull();
                  yield 1 << 9;
                }
                case "status_message" -> {
                  statusMessage = r.stringOrNull();
                  yield 1 << 10;
                }
                case "attributes" -> {
                  attributes = r.object();
                  yield 1 << 11;
                }
                case "resource" -> {
                  resource = r.object();
                  yield 1 << 12;
                }
                default -> {
                  r.skipValue();
                  yield 0;
                }
              };
          seen = CanonicalRecord.once(seen, bit);
        }
        return new SpanFields(
            schemaVersion,
            cell,
            traceId,
            spanId,
            parentSpanId,
            name,
            kind,
            startTime,
            endTime,
            statusCode,
            statusMessage,
            attributes,
            resource);
      } catch (CanonicalRecord.NotCanonical e) {
        return null;
      }
    }
  }

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException {
    SpanFields f = canonicalFirst ? SpanFields.canonical(value) : null;
    if (f == null) {
      // another writer's spelling (or bytes that do not decode): bind with Jackson
      f = Decoding.tryDecode(fields, TABLE.topic(), value);
    }
    if (f == null || !f.exact()) {
      // undecodable (the full decode names why) or a key twice in a map: decode as before
      return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
    }
    return row(
        f.withoutMaps(),
        RawJson.orEmpty(f.attributes()).json(),
        RawJson.orEmpty(f.resource()).json(),
        partition,
        offset);
  }

  /** Maps a decoded span. */
  public Map<String, Object> map(SpanRecord s, int partition, long offset) throws MappingException {
    return row(
        s,
        ClickHouseValues.json(s.attributes()),
        ClickHouseValues.json(s.resource()),
        partition,
        offset);
  }

  private static Map<String, Object> row(
      SpanRecord s, String attributes, String resource, int partition, long offset)
      throws MappingException {
    Map<String, Object> row = RowColumns.cell(s.cell(), "span");
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
    row.put("attributes", attributes);
    row.put("resource", resource);
    return RowColumns.kafka(row, s.schemaVersion(), partition, offset);
  }
}
