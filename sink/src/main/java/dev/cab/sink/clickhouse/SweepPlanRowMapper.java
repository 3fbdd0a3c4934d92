package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.SweepPlan;
import java.util.List;
import java.util.Map;

/** {@code cab.sweep-plans.v1} ({@link SweepPlan}) to {@code sweep_plans} rows. */
public final class SweepPlanRowMapper implements RowMapper {

  public static final TableSpec TABLE =
      new TableSpec(
          "sweep_plans",
          Topics.SWEEP_PLANS.name(),
          List.of(
              "sweep_id",
              "tuis",
              "models",
              "tasks",
              "baseline_sweep_id",
              "planned_cells",
              "declared_at",
              "attributes",
              "schema_version",
              "kafka_partition",
              "kafka_offset"));

  /** The rows' columns, in {@link #TABLE}'s order. */
  private static final TableRow.Columns COLUMNS = new TableRow.Columns(TABLE.columns());

  private final JsonSerde<SweepPlan> serde = new JsonSerde<>(SweepPlan.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException {
    return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
  }

  /** Maps a decoded sweep plan. */
  public Map<String, Object> map(SweepPlan p, int partition, long offset) throws MappingException {
    if (p.sweepId() == null || p.sweepId().isBlank()) {
      throw new MappingException("sweep plan without sweep id");
    }
    Map<String, Object> row = COLUMNS.newRow();
    row.put("sweep_id", p.sweepId());
    row.put("tuis", p.tuis());
    row.put("models", p.models());
    row.put("tasks", p.tasks());
    row.put("baseline_sweep_id", ClickHouseValues.text(p.baselineSweepId()));
    row.put("planned_cells", p.plannedCells());
    row.put("declared_at", ClickHouseValues.dateTimeOrEpoch(p.declaredAt()));
    row.put("attributes", ClickHouseValues.json(p.attributes()));
    return RowColumns.kafka(row, p.schemaVersion(), partition, offset);
  }
}
