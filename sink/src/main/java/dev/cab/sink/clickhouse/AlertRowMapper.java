package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.AlertRecord;
import java.util.List;
import java.util.Map;

/** {@code cab.alerts.v1} ({@link AlertRecord}) to {@code alerts} rows: one per transition. */
public final class AlertRowMapper implements RowMapper {

  public static final TableSpec TABLE =
      new TableSpec(
          "alerts",
          Topics.ALERTS.name(),
          List.of(
              "fingerprint",
              "sequence",
              "rule",
              "state",
              "previous_state",
              "sweep_id",
              "baseline_sweep_id",
              "tui",
              "model",
              "task",
              "summary",
              "test",
              "counts",
              "effect",
              "effect_low",
              "effect_high",
              "effect_unit",
              "p_value",
              "sequential_p_value",
              "adjusted_p_value",
              "fdr",
              "information_fraction",
              "cells",
              "starts_at",
              "ends_at",
              "at",
              "schema_version",
              "kafka_partition",
              "kafka_offset"));

  private final JsonSerde<AlertRecord> serde = new JsonSerde<>(AlertRecord.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Object[] map(byte[] value, int partition, long offset) throws MappingException {
    return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
  }

  /** Maps a decoded alert transition. */
  public Object[] map(AlertRecord a, int partition, long offset) throws MappingException {
    if (a.fingerprint() == null || a.fingerprint().isBlank()) {
      throw new MappingException("alert without fingerprint");
    }
    if (a.state() == null || a.state().isBlank()) {
      throw new MappingException("alert " + a.fingerprint() + " without state");
    }
    AlertRecord.Evidence e = a.evidence();
    return new Object[] {
      a.fingerprint(),
      a.sequence(),
      ClickHouseValues.text(a.rule()),
      a.state(),
      ClickHouseValues.text(a.previousState()),
      ClickHouseValues.text(a.sweepId()),
      ClickHouseValues.text(a.baselineSweepId()),
      ClickHouseValues.text(a.tui()),
      ClickHouseValues.text(a.model()),
      ClickHouseValues.text(a.task()),
      ClickHouseValues.text(a.summary()),
      e == null ? "" : ClickHouseValues.text(e.test()),
      e == null ? Map.of() : e.counts(),
      e == null ? null : ClickHouseValues.finite(e.effect()),
      e == null ? null : ClickHouseValues.finite(e.effectLow()),
      e == null ? null : ClickHouseValues.finite(e.effectHigh()),
      e == null ? "" : ClickHouseValues.text(e.effectUnit()),
      e == null ? null : ClickHouseValues.finite(e.pValue()),
      e == null ? null : ClickHouseValues.finite(e.sequentialPValue()),
      e == null ? null : ClickHouseValues.finite(e.adjustedPValue()),
      e == null ? null : ClickHouseValues.finite(e.fdr()),
      e == null ? null : ClickHouseValues.finite(e.informationFraction()),
      e == null ? List.of() : e.cells(),
      ClickHouseValues.dateTimeOrEpoch(a.startsAt()),
      ClickHouseValues.dateTime(a.endsAt()),
      ClickHouseValues.dateTimeOrEpoch(a.at()),
      a.schemaVersion(),
      partition,
      offset
    };
  }
}
