-- V004: retention of the alerts table (sink.retention.alerts.days; see V002 for the rules of a
-- parameterised migration: applied again whenever the value changes, 0 keeps rows for ever).
--
-- An alert's current state is its transition with the highest sequence, so deleting some
-- transitions of an episode could bring an older state back. The TTL therefore counts from
-- starts_at, which every transition of one episode shares: an episode is deleted whole, N days
-- after it began, whether it resolved or not.
ALTER TABLE ${database}.alerts
    MODIFY TTL toDateTime(starts_at) + toIntervalDay(${alerts_ttl_days})
        DELETE WHERE ${alerts_ttl_days} > 0;
