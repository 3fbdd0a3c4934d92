package dev.cab.model.wire;

import java.util.Map;

/**
 * The composite score of a cell with everything needed to recompute it, named as on the cell pages:
 * {@code weights} (pass_rate, integrity, cost, latency, blast_radius) and {@code components}
 * (pass_rate, integrity, blast_radius, tokens_per_correct_task, wall_clock_ms, expected_refusal,
 * refusal_produced, cost_efficiency, latency_efficiency, clean_blast, refusal_factor).
 *
 * @param composite the score in [0, 1]
 * @param weights the weights used, by page name
 * @param components the inputs used, by page name
 * @param note the page's note on what the composite is
 * @param weightsVersion the version of the weights artifact, e.g. {@code cab-composite-v1}
 */
public record Composite(
    double composite,
    Map<String, Double> weights,
    Map<String, Object> components,
    String note,
    String weightsVersion) {}
