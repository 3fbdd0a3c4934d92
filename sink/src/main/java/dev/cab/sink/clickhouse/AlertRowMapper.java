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

  /** The rows' columns, in {@link #TABLE}'s order. */
  private static final TableRow.Columns COLUMNS = new TableRow.Columns(TABLE.columns());

  private final JsonSerde<AlertRecord> serde = new JsonSerde<>(AlertRecord.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException {
    return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
  }

  /** Maps a decoded alert transition. */
  public Map<String, Object> map(AlertRecord a, int partition, long offset)
      throws MappingException {
    if (a.fingerprint() == null || a.fingerprint().isBlank()) {
      throw new MappingException("alert without fingerprint");
    }
    if (a.state() == null || a.state().isBlank()) {
      throw new MappingException("alert " + a.fingerprint() + " without state");
    }
    AlertRecord.Evidence e = a.evidence();
    Map<String, Object> row = COLUMNS.newRow();
    row.put("fingerprint", a.fingerprint());
    row.put("sequence", a.sequence());
    row.put("rule", ClickHouseValues.text(a.rule()));
    row.put("state", a.state());
    row.put("previous_state", ClickHouseValues.text(a.previousState()));
    row.put("sweep_id", ClickHouseValues.text(a.sweepId()));
    row.put("baseline_sweep_id", ClickHouseValues.text(a.baselineSweepId()));
    row.put("tui", ClickHouseValues.text(a.tui()));
    row.put("model", ClickHouseValues.text(a.model()));
    row.put("task", ClickHouseValues.text(a.task()));
    row.put("summary", ClickHouseValues.text(a.summary()));
    row.put("test", e == null ? "" : ClickHouseValues.text(e.test()));
    row.put("counts", e == null ? Map.of() : e.counts());
    row.put("effect", e == null ? null : ClickHouseValues.finite(e.effect()));
    row.put("effect_low", e == null ? null : ClickHouseValues.finite(e.effectLow()));
    row.put("effect_high", e == null ? null : ClickHouseValues.finite(e.effectHigh()));
    row.put("effect_unit", e == null ? "" : ClickHouseValues.text(e.effectUnit()));
    row.put("p_value", e == null ? null : ClickHouseValues.finite(e.pValue()));
    row.put("sequential_p_value", e == null ? null : ClickHouseValues.finite(e.sequentialPValue()));
    row.put("adjusted_p_value", e == null ? null : ClickHouseValues.finite(e.adjustedPValue()));
    row.put("fdr", e == null ? null : ClickHouseValues.finite(e.fdr()));
    row.put(
        "information_fraction",
        e == null ? null : ClickHouseValues.finite(e.informationFraction()));
    row.put("cells", e == null ? List.of() : e.cells());
    row.put("starts_at", ClickHouseValues.dateTimeOrEpoch(a.startsAt()));
    row.put("ends_at", ClickHouseValues.dateTime(a.endsAt()));
    row.put("at", ClickHouseValues.dateTimeOrEpoch(a.at()));
    return RowColumns.kafka(row, a.schemaVersion(), partition, offset);
  }
}
