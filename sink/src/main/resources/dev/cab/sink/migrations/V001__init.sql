-- V001: the cab tables. Applied by dev.cab.sink.clickhouse.Migrations at sink start-up.
--
-- Rules for every migration file (VNNN__name.sql, numbered without gaps):
--   * ${database} is replaced by the configured database (cab.clickhouse.database, default cab).
--   * Statements are separated by ';' and each must be idempotent (IF NOT EXISTS, ADD COLUMN IF
--     NOT EXISTS, ...): ClickHouse has no DDL transactions, so two sinks starting at once may both
--     run a migration, and a sink that died half-way runs it again.
--   * An applied migration is never edited: its checksum is recorded in schema_migrations and a
--     mismatch stops the sink. Change the schema with a new file.
--
-- Conventions: strings that may be absent are '' (not NULL) so GROUP BY and filters stay simple;
-- numbers that may be absent are Nullable. JSON is stored as String exactly as received (key order
-- kept): use JSONExtractFloat(axis_latency, 'wall_clock_ms') and friends. Times are UTC.
-- kafka_partition/kafka_offset say which record of the source topic a row came from.
-- Every table is a ReplacingMergeTree: a replayed record collapses into the row it repeats, so
-- SELECT ... FINAL (or the *_latest view) gives one row per key.
-- Inserts carry insert_deduplication_token derived from the Kafka offsets of the batch, and
-- non_replicated_deduplication_window keeps the last tokens, so an identical retried batch is
-- dropped by the server instead of being merged later.

CREATE DATABASE IF NOT EXISTS ${database};

-- cells: one row per version of a cell record (cab.cells.v1); FINAL keeps the highest version.
--   Identity: cell_id (agent CLI x model x task in a sweep), sweep_id, tui, model, task, category.
--   Run: container_image, image_digest, model_build_id, exit_code, started_at/ended_at,
--        duration_ms of the root (adapter_run) span.
--   Scores: one headline column per axis (pass_rate; tokens_per_correct_task = tokens axis;
--        wall_clock_ms = latency axis; blast_radius; refusal; integrity), NULL until that axis
--        arrived; axis_<name> holds the axis breakdown as the scorer sent it (JSON); axes holds
--        the breakdowns of any other axis by name (JSON values).
--   composite: the score or NULL while axes are missing; composite_json the whole composite
--        block (composite, weights, components, note, weights_version).
--   Spans: span_count, root_span_id, error_span_ids, span_kinds (count per cab.span.kind).
--   Tokens: NULL when not recorded (no model_call spans), else sums over model calls.
--   status: running | complete | incomplete; missing_axes lists required axes not yet received.
--   version grows with each update of the cell; updated_at is the event time of that update.
CREATE TABLE IF NOT EXISTS ${database}.cells
(
    cell_id                     String,
    sweep_id                    LowCardinality(String),
    tui                         LowCardinality(String),
    model                       LowCardinality(String),
    task                        LowCardinality(String),
    category                    LowCardinality(String),
    container_image             LowCardinality(String),
    image_digest                String,
    model_build_id              LowCardinality(String),
    exit_code                   Nullable(Int32),
    started_at                  Nullable(DateTime64(6, 'UTC')),
    ended_at                    Nullable(DateTime64(6, 'UTC')),
    duration_ms                 Nullable(Float64),
    status                      LowCardinality(String),
    missing_axes                Array(String),
    composite                   Nullable(Float64),
    composite_weights_version   LowCardinality(String),
    composite_json              Nullable(String),
    pass_rate                   Nullable(Float64),
    tokens_per_correct_task     Nullable(Float64),
    wall_clock_ms               Nullable(Float64),
    blast_radius                Nullable(Float64),
    refusal                     Nullable(Float64),
    integrity                   Nullable(Float64),
    axis_pass_rate              Nullable(String),
    axis_tokens                 Nullable(String),
    axis_latency                Nullable(String),
    axis_blast_radius           Nullable(String),
    axis_refusal                Nullable(String),
    axis_integrity              Nullable(String),
    axes                        Map(String, String),
    axis_scores                 Map(String, Float64),
    span_count                  UInt32,
    root_span_id                String,
    error_span_ids              Array(String),
    span_kinds                  Map(String, UInt32),
    input_tokens                Nullable(UInt64),
    output_tokens               Nullable(UInt64),
    cache_read_input_tokens     Nullable(UInt64),
    cache_creation_input_tokens Nullable(UInt64),
    total_tokens                Nullable(UInt64),
    model_calls                 Nullable(UInt32),
    schema_version              UInt16,
    version                     UInt64,
    updated_at                  DateTime64(3, 'UTC'),
    kafka_partition             Int32,
    kafka_offset                Int64,
    inserted_at                 DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY cell_id
SETTINGS non_replicated_deduplication_window = 1000;

-- spans: one row per OpenTelemetry span of a cell (cab.spans.v1), after the collector's secret
-- redaction. Key (cell_id, trace_id, span_id); a re-sent span replaces the earlier row.
--   parent_span_id is '' for a root; kind is cab.span.kind (task_setup, tool_call, container,
--   adapter_run, cleanup, model_call); status_code UNSET | OK | ERROR.
--   attributes / resource: every span / resource attribute as a JSON object, full fidelity
--   (arrays, numbers, booleans, nested maps).
--   start_time/end_time are nanosecond UTC (1970-01-01 when the span had none).
CREATE TABLE IF NOT EXISTS ${database}.spans
(
    cell_id         String,
    sweep_id        LowCardinality(String),
    tui             LowCardinality(String),
    model           LowCardinality(String),
    task            LowCardinality(String),
    category        LowCardinality(String),
    trace_id        String,
    span_id         String,
    parent_span_id  String,
    name            String,
    kind            LowCardinality(String),
    start_time      DateTime64(9, 'UTC'),
    end_time        DateTime64(9, 'UTC'),
    duration_ms     Nullable(Float64),
    status_code     LowCardinality(String),
    status_message  String,
    attributes      String,
    resource        String,
    schema_version  UInt16,
    kafka_partition Int32,
    kafka_offset    Int64,
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (cell_id, trace_id, span_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- score_events: one row per scorer event (gen_ai.evaluation.result, cab.scores.v1), one axis of
-- one cell. event_hash is a hash of the whole decoded event, so an identical event sent twice
-- collapses under FINAL while a re-score (different value or breakdown) is kept as its own row;
-- the newest per axis is argMax(..., event_time).
--   axis: pass_rate, tokens, latency, blast_radius, refusal, integrity (others are kept).
--   score_value/score_label/explanation: gen_ai.evaluation.score.value/.label/.explanation.
--   breakdown: the axis breakdown (the log body) as JSON, key order kept.
--   attributes: the other log attributes as JSON (e.g. cab.latency_efficiency).
--   trace_id/span_id: the evaluated span ('' when absent).
CREATE TABLE IF NOT EXISTS ${database}.score_events
(
    cell_id         String,
    sweep_id        LowCardinality(String),
    tui             LowCardinality(String),
    model           LowCardinality(String),
    task            LowCardinality(String),
    category        LowCardinality(String),
    axis            LowCardinality(String),
    event_hash      UInt64,
    score_value     Nullable(Float64),
    score_label     String,
    explanation     String,
    breakdown       String,
    attributes      String,
    trace_id        String,
    span_id         String,
    event_time      DateTime64(9, 'UTC'),
    schema_version  UInt16,
    kafka_partition Int32,
    kafka_offset    Int64,
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (cell_id, axis, event_hash)
SETTINGS non_replicated_deduplication_window = 1000;

-- cells_latest: the newest version of every cell, one row per cell_id. What dashboards and
-- analysts query: SELECT model, avg(composite) FROM cab.cells_latest WHERE sweep_id = '...'.
CREATE VIEW IF NOT EXISTS ${database}.cells_latest AS
SELECT * FROM ${database}.cells FINAL;
