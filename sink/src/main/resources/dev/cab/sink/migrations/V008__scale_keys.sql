-- V008: sort keys and skip indexes for the queries users run as data grows (docs/PERFORMANCE.md,
-- "Scale"). Every board and leaderboard query is per sweep (WHERE sweep_id = ...); the cell page
-- looks a cell up by cell_id and reads its spans by cell_id.
--
-- cells: ORDER BY (sweep_id, cell_id) instead of cell_id alone, so a per-sweep query reads only
--   that sweep's granules instead of every cell. A lookup by cell_id alone still uses the key
--   (generic exclusion search over the few sweep_id values in a range of granules). The replacing
--   key (sweep_id, cell_id) still collapses every version of a cell: streams keeps a cell's
--   identity fields once known, so its sweep_id only changes from '' (no cab.sweep.id on the
--   first events, which the runner SDK always sends) to its sweep, and a cell that did that keeps
--   its '' row beside the real one.
--   ClickHouse cannot change a sort key in place: the rows are copied into cells_v008, which then
--   takes the name cells (EXCHANGE TABLES, atomic); the old table is dropped after rows that other
--   sinks inserted into it during the copy were carried over. Stop other sink instances while this
--   runs on a large table, or accept that an insert racing the final DROP is lost.
-- spans, score_events: already ordered by cell_id first (the cell page); a minmax index on
--   sweep_id lets per-sweep analyses skip granules (cell ids begin with their sweep id when the
--   runner SDK makes them), and a bloom filter on spans.trace_id finds a trace from a runner log.
--
-- A statement that starts with SELECT is a condition (Migrations): when it returns 0, the
-- statements up to the next condition are skipped. That makes this file safe to run again after a
-- sink died half-way through it.

CREATE TABLE IF NOT EXISTS ${database}.cells_v008 AS ${database}.cells
ENGINE = ReplacingMergeTree(version)
ORDER BY (sweep_id, cell_id)
SETTINGS non_replicated_deduplication_window = 1000,
         min_age_to_force_merge_seconds = ${superseded_cell_versions_merge_seconds};

-- only while cells still has the old key
SELECT count() FROM system.tables
WHERE database = '${database}' AND name = 'cells' AND sorting_key = 'cell_id';

INSERT INTO ${database}.cells_v008 SELECT * FROM ${database}.cells;

EXCHANGE TABLES ${database}.cells AND ${database}.cells_v008;

-- always: carry over what was inserted into the old table after the copy (nothing on a rerun,
-- where cells_v008 is empty), then drop it
SELECT 1;

INSERT INTO ${database}.cells
SELECT * FROM ${database}.cells_v008
WHERE (cell_id, version) NOT IN (SELECT cell_id, version FROM ${database}.cells);

DROP TABLE IF EXISTS ${database}.cells_v008;

CREATE OR REPLACE VIEW ${database}.cells_latest AS
SELECT * FROM ${database}.cells FINAL;

ALTER TABLE ${database}.spans
    ADD INDEX IF NOT EXISTS spans_sweep_id sweep_id TYPE minmax GRANULARITY 1;
ALTER TABLE ${database}.spans
    ADD INDEX IF NOT EXISTS spans_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4;
ALTER TABLE ${database}.score_events
    ADD INDEX IF NOT EXISTS score_events_sweep_id sweep_id TYPE minmax GRANULARITY 1;

-- the indexes of the parts written before them, once (a mutation, run in the background)
SELECT count() = 0 FROM system.mutations
WHERE database = '${database}' AND table = 'spans' AND command LIKE '%MATERIALIZE INDEX spans_%';

ALTER TABLE ${database}.spans MATERIALIZE INDEX spans_sweep_id;
ALTER TABLE ${database}.spans MATERIALIZE INDEX spans_trace_id;
ALTER TABLE ${database}.score_events MATERIALIZE INDEX score_events_sweep_id;
