package dev.cab.sink.clickhouse;

import dev.cab.model.serde.Json;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

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

  private final JsonSerde<ScoreEvent> serde = new JsonSerde<>(ScoreEvent.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Object[] map(byte[] value, int partition, long offset) throws MappingException {
    return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
  }

  /** Maps a decoded scorer event. */
  public Object[] map(ScoreEvent e, int partition, long offset) throws MappingException {
    CellIdentity cell = e.cell();
    if (cell == null || cell.cellId().isBlank()) {
      throw new MappingException("scorer event without cell id");
    }
    return new Object[] {
      cell.cellId(),
      ClickHouseValues.text(cell.sweepId()),
      ClickHouseValues.text(cell.tui()),
      ClickHouseValues.text(cell.model()),
      ClickHouseValues.text(cell.task()),
      ClickHouseValues.text(cell.category()),
      ClickHouseValues.text(e.axis()),
      eventHash(e),
      ClickHouseValues.finite(e.scoreValue()),
      ClickHouseValues.text(e.scoreLabel()),
      ClickHouseValues.text(e.explanation()),
      ClickHouseValues.json(e.breakdown()),
      ClickHouseValues.json(e.attributes()),
      ClickHouseValues.text(e.traceId()),
      ClickHouseValues.text(e.spanId()),
      ClickHouseValues.dateTimeOrEpoch(e.time()),
      e.schemaVersion(),
      partition,
      offset
    };
  }

  /**
   * A stable 63-bit hash of the whole decoded event (its canonical JSON: wire field order, map key
   * order as received), so the same event sent twice gets the same key in {@code score_events}.
   */
  static long eventHash(ScoreEvent e) throws MappingException {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(Json.mapper().writeValueAsBytes(e));
      // 63 bits: a non-negative long is sent as is to the UInt64 column.
      return ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is part of every JDK", ex);
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new MappingException("cannot hash scorer event", ex);
    }
  }
}
