-- V003: the alerts table. Applied by dev.cab.sink.clickhouse.Migrations (rules in V001).
--
-- alerts: one row per transition of a regression alert (cab.alerts.v1, written by the alerts
-- stage); key (fingerprint, sequence), so a replayed record collapses under FINAL. The current
-- state of an alert is its row with the highest sequence:
--   SELECT * FROM alerts FINAL ORDER BY fingerprint, sequence DESC LIMIT 1 BY fingerprint
-- and alerts_active lists the ones whose current state is firing.
--   fingerprint: hash of rule + sweep, baseline, tui, model, task ('' labels when the rule does
--     not name one); state: pending | firing | resolved; previous_state adds inactive.
--   Evidence: test (mcnemar_exact, wilcoxon_signed_rank, mann_whitney_u), counts (pairs, lost,
--     gained, ...), effect with its 95% interval (effect_unit rate_difference or ratio), the
--     one-sided p-value at the latest look, the sequential p-value after alpha spending, the
--     Benjamini-Hochberg adjusted one, the FDR, the information fraction, and the candidate cells
--     the evidence rests on (at most 50).
--   starts_at: when the episode began; ends_at: when it resolved (NULL while open); at: when this
--     transition happened.
CREATE TABLE IF NOT EXISTS ${database}.alerts
(
    fingerprint          String,
    sequence             UInt64,
    rule                 LowCardinality(String),
    state                LowCardinality(String),
    previous_state       LowCardinality(String),
    sweep_id             LowCardinality(String),
    baseline_sweep_id    LowCardinality(String),
    tui                  LowCardinality(String),
    model                LowCardinality(String),
    task                 LowCardinality(String),
    summary              String,
    test                 LowCardinality(String),
    counts               Map(String, Int64),
    effect               Nullable(Float64),
    effect_low           Nullable(Float64),
    effect_high          Nullable(Float64),
    effect_unit          LowCardinality(String),
    p_value              Nullable(Float64),
    sequential_p_value   Nullable(Float64),
    adjusted_p_value     Nullable(Float64),
    fdr                  Nullable(Float64),
    information_fraction Nullable(Float64),
    cells                Array(String),
    starts_at            DateTime64(6, 'UTC'),
    ends_at              Nullable(DateTime64(6, 'UTC')),
    at                   DateTime64(6, 'UTC'),
    schema_version       UInt16,
    kafka_partition      Int32,
    kafka_offset         Int64,
    inserted_at          DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (fingerprint, sequence)
SETTINGS non_replicated_deduplication_window = 1000;

-- alerts_active: the alerts whose newest transition is firing (what the board shows).
CREATE VIEW IF NOT EXISTS ${database}.alerts_active AS
SELECT *
FROM ${database}.alerts FINAL
WHERE (fingerprint, sequence) IN (
    SELECT fingerprint, max(sequence) FROM ${database}.alerts FINAL GROUP BY fingerprint)
  AND state = 'firing';
