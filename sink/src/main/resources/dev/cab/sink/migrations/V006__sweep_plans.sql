-- V006: sweep plans (cab.sweep-plans.v1): the matrix a runner declared before its cells ran.
--   tuis, models, tasks: the planned agent CLIs, models and task ids, in the runner's order;
--   every tui x model x task is a planned cell (planned_cells of them).
--   baseline_sweep_id: the sweep this one is compared against ('' when none was declared).
--   declared_at: the plan's log record time; a re-declared plan replaces the older one (FINAL).
--   attributes: any other attribute of the plan's log record, as JSON.
CREATE TABLE IF NOT EXISTS ${database}.sweep_plans
(
    sweep_id          String,
    tuis              Array(String),
    models            Array(String),
    tasks             Array(String),
    baseline_sweep_id String,
    planned_cells     UInt64,
    declared_at       DateTime64(9, 'UTC'),
    attributes        String,
    schema_version    UInt16,
    kafka_partition   Int32,
    kafka_offset      Int64,
    inserted_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(declared_at)
ORDER BY sweep_id
SETTINGS non_replicated_deduplication_window = 1000;
