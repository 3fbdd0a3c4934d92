package dev.cab.sink.clickhouse;

import dev.cab.model.serde.Json;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.ScoreEvent;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code cab.scores.v1} ({@link ScoreEvent}) to {@code score_events} rows. */
public final class ScoreRowMapper implements RowMapper {

  public static final TableSpec TABLE =
      new TableSpec(
          "score_events",
          Topics.SCORES.name(),
          List.of(
              "cell_id",
              "sweep_id",
              "tui",
              "model",
              "task",
              "category",
              "axis",
              "event_hash",
              "score_value",
              "score_label",
              "explanation",
              "breakdown",
              "attributes",
              "trace_id",
              "span_id",
              "event_time",
              "schema_version",
              "kafka_partition",
              "kafka_offset"));

  /** The rows' columns, in {@link #TABLE}'s order. */
  private static final TableRow.Columns COLUMNS = new TableRow.Columns(TABLE.columns());

  private final SlicingReader<ScoreEvent> reader;

  /** Reads canonical records straight from their bytes ({@link CanonicalRecord}). */
  public ScoreRowMapper() {
    this(true);
  }

  /**
   * @param canonicalFirst false to bind every record with Jackson, its maps copied token by token
   *     (the sink before {@link CanonicalRecord}: the other side of the equivalence test and the
   *     bench)
   */
  ScoreRowMapper(boolean canonicalFirst) {
    this.reader =
        new SlicingReader<>(
            ScoreEvent.class,
            TABLE.topic(),
            canonicalFirst ? ScoreRowMapper::canonical : null,
            ScoreEvent::breakdown,
            ScoreEvent::attributes);
  }

  /**
   * The event read straight from its bytes, its maps sliced ({@link RawJson}), when they are in the
   * collector's canonical form; null otherwise.
   */
  static ScoreEvent canonical(byte[] value) {
    return CanonicalRecord.readOrNull(value, ScoreRowMapper::canonical);
  }

  private static ScoreEvent canonical(CanonicalRecord r) throws CanonicalRecord.NotCanonical {
    CanonicalRecord.Header header = r.header();
    String axis = null;
    Double scoreValue = null;
    String scoreLabel = null;
    String explanation = null;
    RawJson breakdown = RawJson.EMPTY;
    RawJson attributes = RawJson.EMPTY;
    Instant time = null;
    int seen = 0;
    for (String key; (key = r.nextKey(true)) != null; ) {
      int bit =
          switch (key) {
            case "axis" -> {
              axis = r.stringOrNull();
              yield 1;
            }
            case "score_value" -> {
              scoreValue = r.doubleOrNull();
              yield 1 << 1;
            }
            case "score_label" -> {
              scoreLabel = r.stringOrNull();
              yield 1 << 2;
            }
            case "explanation" -> {
              explanation = r.stringOrNull();
              yield 1 << 3;
            }
            case "breakdown" -> {
              breakdown = r.object();
              yield 1 << 4;
            }
            case "attributes" -> {
              attributes = r.object();
              yield 1 << 5;
            }
            case "time" -> {
              time = r.instantOrNull();
              yield 1 << 6;
            }
            default -> r.skipField(key);
          };
      seen = CanonicalRecord.once(seen, bit);
    }
    return new ScoreEvent(
        header.schemaVersion(),
        header.cell(),
        header.traceId(),
        header.spanId(),
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException {
    return row(reader.read(value), hash(value), partition, offset);
  }

  /** Maps a decoded scorer event. */
  public Map<String, Object> map(ScoreEvent e, int partition, long offset) throws MappingException {
    return row(e, eventHash(e), partition, offset);
  }

  /** The row of an event, decoded or read from its bytes (its maps then kept as their text). */
  private static Map<String, Object> row(ScoreEvent e, long eventHash, int partition, long offset)
      throws MappingException {
    Map<String, Object> row = RowColumns.cell(COLUMNS, e.cell(), "scorer event");
    row.put("axis", ClickHouseValues.text(e.axis()));
    row.put("event_hash", eventHash);
    row.put("score_value", ClickHouseValues.finite(e.scoreValue()));
    row.put("score_label", ClickHouseValues.text(e.scoreLabel()));
    row.put("explanation", ClickHouseValues.text(e.explanation()));
    row.put("breakdown", RawJson.column(e.breakdown()));
    row.put("attributes", RawJson.column(e.attributes()));
    row.put("trace_id", ClickHouseValues.text(e.traceId()));
    row.put("span_id", ClickHouseValues.text(e.spanId()));
    row.put("event_time", ClickHouseValues.dateTimeOrEpoch(e.time()));
    return RowColumns.kafka(row, e.schemaVersion(), partition, offset);
  }

  /**
   * A stable 63-bit hash of the whole decoded event (its canonical JSON: wire field order, map key
   * order as received), so the same event sent twice gets the same key in {@code score_events}.
   */
  static long eventHash(ScoreEvent e) throws MappingException {
    try {
      return hash(Json.mapper().writeValueAsBytes(e));
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new MappingException("cannot hash scorer event", ex);
    }
  }

  /**
   * The hash of a record as it came from {@code cab.scores.v1}. The collector writes every event in
   * the canonical JSON of {@link Json#mapper()}, so these bytes are the ones {@link
   * #eventHash(ScoreEvent)} would write again: the same hash, without serialising each event a
   * second time (a tenth of the sink's CPU, docs/PERFORMANCE.md).
   */
  static long hash(byte[] canonicalJson) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJson);
      // 63 bits: a non-negative long is sent as is to the UInt64 column.
      return ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is part of every JDK", ex);
    }
  }
}
