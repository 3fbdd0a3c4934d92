-- V002: retention. Every number here is a parameter whose value comes from a sink setting
-- (RetentionSettings; docs/OPERATIONS.md, "Retention"); Migrations applies this file again
-- whenever one of those values changes, so every statement must stay idempotent.
--
-- Rows are deleted by age in ClickHouse (inserted_at: when the row landed, so a span whose runner
-- sent no start time is not deleted at once). A value of 0 days keeps rows for ever: the TTL
-- is still declared, but its WHERE clause matches nothing.
-- ClickHouse applies TTLs when it merges parts (and at least every merge_with_ttl_timeout, 4 h by
-- default); MODIFY TTL also rewrites the existing parts once (materialize_ttl_after_modify).

-- spans (sink.retention.spans.days): the bulk of the data; cells keep their span summary.
ALTER TABLE ${database}.spans
    MODIFY TTL toDateTime(inserted_at) + toIntervalDay(${spans_ttl_days})
        DELETE WHERE ${spans_ttl_days} > 0;

-- score_events (sink.retention.score.events.days): the scorer events as received; cells keep
-- every axis breakdown.
ALTER TABLE ${database}.score_events
    MODIFY TTL toDateTime(inserted_at) + toIntervalDay(${score_events_ttl_days})
        DELETE WHERE ${score_events_ttl_days} > 0;

-- cells (sink.retention.superseded.cell.versions.ms): a TTL cannot say "a newer version of this
-- cell exists"; a ReplacingMergeTree drops superseded versions when it merges parts. This makes
-- ClickHouse merge parts once they are this old, so superseded versions are gone within that
-- time instead of whenever size-based merges happen to run (0 = only size-based merges).
ALTER TABLE ${database}.cells
    MODIFY SETTING min_age_to_force_merge_seconds = ${superseded_cell_versions_merge_seconds};
