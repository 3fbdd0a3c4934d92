-- V005: the outcome triage of every cell (docs/ANALYTICS.md, "Outcome triage").
--   outcome: passed | failed | infra_error | pending ('' for rows written before this column).
--     Infra errors (the harness or container failed) are counted on their own and kept out of
--     pass-rate denominators.
--   outcome_reason: why, e.g. 'exit_code 137', 'timeout (error.type timeout)',
--     'error span task_setup', 'scores missing after grace: [latency]', 'pass_rate 1.0'.
ALTER TABLE ${database}.cells ADD COLUMN IF NOT EXISTS outcome LowCardinality(String) DEFAULT '';
ALTER TABLE ${database}.cells ADD COLUMN IF NOT EXISTS outcome_reason String DEFAULT '';

-- A view's SELECT * is expanded when the view is created: recreate cells_latest so it has the new
-- columns. (Every later migration that adds a cells column does the same.)
CREATE OR REPLACE VIEW ${database}.cells_latest AS
SELECT * FROM ${database}.cells FINAL;
