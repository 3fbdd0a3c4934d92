package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.SweepPlan;
import java.util.List;

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

  private final JsonSerde<SweepPlan> serde = new JsonSerde<>(SweepPlan.class);

  @Override
  public TableSpec table() {
    return TABLE;
  }

  @Override
  public Object[] map(byte[] value, int partition, long offset) throws MappingException {
    return map(Decoding.decode(serde, TABLE.topic(), value), partition, offset);
  }

  /** Maps a decoded sweep plan. */
  public Object[] map(SweepPlan p, int partition, long offset) throws MappingException {
    if (p.sweepId() == null || p.sweepId().isBlank()) {
      throw new MappingException("sweep plan without sweep id");
    }
    return new Object[] {
      p.sweepId(),
      p.tuis(),
      p.models(),
      p.tasks(),
      ClickHouseValues.text(p.baselineSweepId()),
      p.plannedCells(),
      ClickHouseValues.dateTimeOrEpoch(p.declaredAt()),
      ClickHouseValues.json(p.attributes()),
      p.schemaVersion(),
      partition,
      offset
    };
  }
}
