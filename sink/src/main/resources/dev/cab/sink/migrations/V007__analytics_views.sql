-- V007: analytics views (docs/ANALYTICS.md has the definitions, the statistics and example queries).
-- Every view reads the newest version of each cell (cells_latest, FINAL inside): analysts never
-- write FINAL. Infra errors are counted on their own and never enter a pass-rate denominator:
-- decided = passed + failed. Statistics computed here, in SQL:
--   * Wilson score interval (95%, z = 1.959963984540054) for pass rates;
--   * mean composite +- t(0.975, k-1) * sd / sqrt(k), t from a table for k-1 <= 30 and the
--     Cornish-Fisher expansion above (error < 3e-6);
--   * the exact two-sided McNemar p-value: a binomial test of the discordant pairs at 1/2.

-- model_prices: USD per million tokens per model, loaded by the sink at start-up from the price
-- file (sink.prices.file; a bundled default otherwise). Each load is one price_version; the views
-- price with the version loaded last.
CREATE TABLE IF NOT EXISTS ${database}.model_prices
(
    price_version               String,
    model                       String,
    input_usd_per_mtok          Float64,
    output_usd_per_mtok         Float64,
    cache_read_usd_per_mtok     Float64,
    cache_creation_usd_per_mtok Float64,
    loaded_at                   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY (price_version, model);

-- current_model_prices: the prices of the version loaded last.
CREATE VIEW IF NOT EXISTS ${database}.current_model_prices AS
SELECT
    price_version,
    model,
    argMax(input_usd_per_mtok, loaded_at)          AS input_usd_per_mtok,
    argMax(output_usd_per_mtok, loaded_at)         AS output_usd_per_mtok,
    argMax(cache_read_usd_per_mtok, loaded_at)     AS cache_read_usd_per_mtok,
    argMax(cache_creation_usd_per_mtok, loaded_at) AS cache_creation_usd_per_mtok
FROM ${database}.model_prices
WHERE price_version = (SELECT argMax(price_version, loaded_at) FROM ${database}.model_prices)
GROUP BY price_version, model;

-- cell_costs: every cell (newest version) with its cost in USD. Token counts follow the
-- OpenTelemetry GenAI conventions: input_tokens includes the cache-read and cache-creation
-- tokens, which are priced at their own rates. cost_usd is NULL when the cell recorded no tokens
-- or its model has no price.
CREATE VIEW IF NOT EXISTS ${database}.cell_costs AS
SELECT
    c.cell_id AS cell_id, c.sweep_id AS sweep_id, c.tui AS tui, c.model AS model, c.task AS task,
    c.category AS category, c.status AS status, c.outcome AS outcome, c.composite AS composite,
    c.wall_clock_ms AS wall_clock_ms, c.total_tokens AS total_tokens,
    p.price_version AS price_version,
    if(c.input_tokens IS NULL OR p.model IS NULL, NULL,
       (greatest(toFloat64(c.input_tokens) - c.cache_read_input_tokens
                 - c.cache_creation_input_tokens, 0) * p.input_usd_per_mtok
        + c.output_tokens * p.output_usd_per_mtok
        + c.cache_read_input_tokens * p.cache_read_usd_per_mtok
        + c.cache_creation_input_tokens * p.cache_creation_usd_per_mtok) / 1e6) AS cost_usd
FROM ${database}.cells_latest AS c
LEFT JOIN ${database}.current_model_prices AS p ON c.model = p.model
SETTINGS join_use_nulls = 1;

-- leaderboard: one row per sweep x (tui, model).
CREATE VIEW IF NOT EXISTS ${database}.leaderboard AS
WITH
    1.959963984540054 AS z,
    [12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
     2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688,
     2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
     2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142,
     2.045229642, 2.042272456] AS t_table
SELECT
    sweep_id, tui, model, cells, passed, failed, infra_errors, pending, decided,
    if(decided = 0, NULL, passed / decided) AS pass_rate,
    if(decided = 0, NULL,
       (passed / decided + z * z / (2 * decided)
        - z * sqrt(passed / decided * (1 - passed / decided) / decided
                   + z * z / (4 * decided * decided))) / (1 + z * z / decided)) AS pass_rate_low,
    if(decided = 0, NULL,
       (passed / decided + z * z / (2 * decided)
        + z * sqrt(passed / decided * (1 - passed / decided) / decided
                   + z * z / (4 * decided * decided))) / (1 + z * z / decided)) AS pass_rate_high,
    composite_cells,
    if(composite_cells = 0, NULL, composite_mean) AS mean_composite,
    if(composite_cells < 2, NULL,
       if(composite_cells - 1 <= 30, t_table[toUInt32(composite_cells - 1)],
          z + (pow(z, 3) + z) / (4 * (composite_cells - 1))
            + (5 * pow(z, 5) + 16 * pow(z, 3) + 3 * z) / (96 * pow(composite_cells - 1, 2))
            + (3 * pow(z, 7) + 19 * pow(z, 5) + 17 * pow(z, 3) - 15 * z)
              / (384 * pow(composite_cells - 1, 3)))
       * composite_sd / sqrt(composite_cells)) AS composite_half_width,
    mean_composite - composite_half_width AS mean_composite_low,
    mean_composite + composite_half_width AS mean_composite_high,
    wall_clock_p50_ms, wall_clock_p90_ms,
    if(passed = 0 OR token_cells = 0, NULL, decided_tokens / passed) AS tokens_per_correct_task,
    if(cost_cells = 0, NULL, total_cost_usd) AS cost_usd,
    if(cost_cells = 0, NULL, total_cost_usd / cost_cells) AS cost_per_cell_usd,
    if(passed = 0 OR cost_cells = 0, NULL, decided_cost_usd / passed) AS cost_per_correct_task_usd
FROM
(
    SELECT
        sweep_id, tui, model,
        count() AS cells,
        countIf(outcome = 'passed') AS passed,
        countIf(outcome = 'failed') AS failed,
        countIf(outcome = 'infra_error') AS infra_errors,
        countIf(outcome NOT IN ('passed', 'failed', 'infra_error')) AS pending,
        passed + failed AS decided,
        countIf(outcome IN ('passed', 'failed') AND composite IS NOT NULL) AS composite_cells,
        avgIf(composite, outcome IN ('passed', 'failed') AND composite IS NOT NULL)
            AS composite_mean,
        stddevSampIf(composite, outcome IN ('passed', 'failed') AND composite IS NOT NULL)
            AS composite_sd,
        quantileExactIf(0.5)(wall_clock_ms, outcome IN ('passed', 'failed')
                                            AND wall_clock_ms IS NOT NULL) AS wall_clock_p50_ms,
        quantileExactIf(0.9)(wall_clock_ms, outcome IN ('passed', 'failed')
                                            AND wall_clock_ms IS NOT NULL) AS wall_clock_p90_ms,
        countIf(outcome IN ('passed', 'failed') AND total_tokens IS NOT NULL) AS token_cells,
        sumIf(total_tokens, outcome IN ('passed', 'failed')) AS decided_tokens,
        countIf(cost_usd IS NOT NULL) AS cost_cells,
        sumIf(cost_usd, cost_usd IS NOT NULL) AS total_cost_usd,
        sumIf(cost_usd, outcome IN ('passed', 'failed') AND cost_usd IS NOT NULL)
            AS decided_cost_usd
    FROM ${database}.cell_costs
    GROUP BY sweep_id, tui, model
);

-- task_difficulty: one row per sweep x task, across the (tui, model) pairs that ran it.
CREATE VIEW IF NOT EXISTS ${database}.task_difficulty AS
WITH 1.959963984540054 AS z
SELECT
    sweep_id, task, category, cells, passed, failed, infra_errors, decided,
    if(decided = 0, NULL, passed / decided) AS pass_rate,
    if(decided = 0, NULL,
       (passed / decided + z * z / (2 * decided)
        - z * sqrt(passed / decided * (1 - passed / decided) / decided
                   + z * z / (4 * decided * decided))) / (1 + z * z / decided)) AS pass_rate_low,
    if(decided = 0, NULL,
       (passed / decided + z * z / (2 * decided)
        + z * sqrt(passed / decided * (1 - passed / decided) / decided
                   + z * z / (4 * decided * decided))) / (1 + z * z / decided)) AS pass_rate_high,
    solved_by
FROM
(
    SELECT
        sweep_id, task, any(category) AS category,
        count() AS cells,
        countIf(outcome = 'passed') AS passed,
        countIf(outcome = 'failed') AS failed,
        countIf(outcome = 'infra_error') AS infra_errors,
        passed + failed AS decided,
        arraySort(groupArrayIf(concat(tui, ' x ', model), outcome = 'passed')) AS solved_by
    FROM ${database}.cells_latest
    GROUP BY sweep_id, task
);

-- sweep_progress: one row per sweep that declared a plan or landed a cell. planned is NULL
-- without a plan; not_landed counts planned cells with no row yet.
CREATE VIEW IF NOT EXISTS ${database}.sweep_progress AS
SELECT
    sweep_id,
    p.planned_cells AS planned,
    coalesce(c.landed, 0) AS landed,
    coalesce(c.complete, 0) AS complete,
    coalesce(c.running, 0) AS running,
    coalesce(c.incomplete, 0) AS incomplete,
    coalesce(c.passed, 0) AS passed,
    coalesce(c.failed, 0) AS failed,
    coalesce(c.infra_errors, 0) AS infra_errors,
    coalesce(c.pending, 0) AS pending,
    if(planned IS NULL, NULL, greatest(toInt64(planned) - toInt64(landed), 0)) AS not_landed,
    p.baseline_sweep_id AS baseline_sweep_id,
    p.declared_at AS declared_at,
    c.first_started_at AS first_started_at,
    c.last_updated_at AS last_updated_at
FROM
(
    SELECT
        sweep_id,
        count() AS landed,
        countIf(status = 'complete') AS complete,
        countIf(status = 'running') AS running,
        countIf(status = 'incomplete') AS incomplete,
        countIf(outcome = 'passed') AS passed,
        countIf(outcome = 'failed') AS failed,
        countIf(outcome = 'infra_error') AS infra_errors,
        countIf(outcome NOT IN ('passed', 'failed', 'infra_error')) AS pending,
        min(started_at) AS first_started_at,
        max(updated_at) AS last_updated_at
    FROM ${database}.cells_latest
    GROUP BY sweep_id
) AS c
FULL OUTER JOIN
(
    SELECT sweep_id, planned_cells, nullIf(baseline_sweep_id, '') AS baseline_sweep_id, declared_at
    FROM ${database}.sweep_plans FINAL
) AS p USING (sweep_id)
SETTINGS join_use_nulls = 1;

-- sweep_comparison(baseline, candidate): per (tui, model), the tasks both sweeps decided, paired.
--   SELECT * FROM cab.sweep_comparison(baseline = 'nightly-1', candidate = 'nightly-2')
-- lost = passed in the baseline, failed in the candidate; gained = the reverse; the paired
-- difference is (candidate_passed - baseline_passed) / pairs; mcnemar_p is the exact two-sided
-- McNemar p-value: 2 * P(X <= min(lost, gained)), X ~ Binomial(lost + gained, 1/2), capped at 1.
CREATE VIEW IF NOT EXISTS ${database}.sweep_comparison AS
SELECT
    tui, model, pairs, baseline_passed, candidate_passed, lost, gained,
    baseline_passed / pairs AS baseline_pass_rate,
    candidate_passed / pairs AS candidate_pass_rate,
    (toInt64(candidate_passed) - toInt64(baseline_passed)) / pairs AS pass_rate_difference,
    if(lost + gained = 0, 1.0,
       least(1.0, 2 * arraySum(arrayMap(
           i -> exp(lgamma(lost + gained + 1) - lgamma(i + 1) - lgamma(lost + gained - i + 1)
                    - (lost + gained) * log(2)),
           range(toUInt64(least(lost, gained)) + 1))))) AS mcnemar_p
FROM
(
    SELECT
        b.tui AS tui, b.model AS model,
        count() AS pairs,
        countIf(b.outcome = 'passed') AS baseline_passed,
        countIf(c.outcome = 'passed') AS candidate_passed,
        countIf(b.outcome = 'passed' AND c.outcome = 'failed') AS lost,
        countIf(b.outcome = 'failed' AND c.outcome = 'passed') AS gained
    FROM
    (
        SELECT tui, model, task, outcome FROM ${database}.cells_latest
        WHERE sweep_id = {baseline:String} AND outcome IN ('passed', 'failed')
    ) AS b
    INNER JOIN
    (
        SELECT tui, model, task, outcome FROM ${database}.cells_latest
        WHERE sweep_id = {candidate:String} AND outcome IN ('passed', 'failed')
    ) AS c
    ON b.tui = c.tui AND b.model = c.model AND b.task = c.task
    GROUP BY tui, model
);
