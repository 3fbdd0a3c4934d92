package dev.cab.model.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One transition of a regression alert, written by the alerts stage to the compacted {@code
 * cab.alerts.v1} keyed by {@link #fingerprint}; the newest record of a fingerprint is its current
 * state. The sink stores every transition in the {@code alerts} table.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param fingerprint stable id: a hash of the rule and the labels (sweep, baseline, tui, model,
 *     task), the same for every transition of the alert
 * @param rule the detection rule, e.g. {@code pass_rate_drop}
 * @param state {@code pending}, {@code firing} or {@code resolved}
 * @param previousState the state before this transition ({@code inactive} for a new alert)
 * @param sweepId the candidate sweep
 * @param baselineSweepId the sweep it is compared against
 * @param tui agent CLI label, empty when the rule is not about one
 * @param model model label, empty when the rule is not about one
 * @param task task label, empty when the rule is not about one
 * @param summary one human line: what changed, by how much, with which evidence
 * @param evidence the numbers behind the decision
 * @param startsAt when the alert first fired (or went pending), kept across transitions
 * @param endsAt when it resolved, else null
 * @param at when this transition happened
 * @param sequence counts the transitions of this fingerprint, from 1
 */
public record AlertRecord(
    int schemaVersion,
    String fingerprint,
    String rule,
    String state,
    String previousState,
    String sweepId,
    String baselineSweepId,
    String tui,
    String model,
    String task,
    String summary,
    Evidence evidence,
    Instant startsAt,
    Instant endsAt,
    Instant at,
    long sequence) {

  public static final int SCHEMA_VERSION = 1;

  /**
   * The statistics behind a decision.
   *
   * @param test against one baseline sweep {@code mcnemar_exact}, {@code fisher_exact}, {@code
   *     wilcoxon_signed_rank} or {@code mann_whitney_u}; against a pooled baseline {@code
   *     exact_conditional_standardised} (pass rate of a pair), {@code exact_conditional_stratified}
   *     (infra-error rates), {@code fisher_exact_pooled} or {@code
   *     wilcoxon_signed_rank_vs_baseline_median}
   * @param counts the test's counts by name (pairs, lost, gained, baseline_cells, candidate_cells)
   * @param effect the effect: a rate difference (candidate minus baseline) or a latency ratio
   * @param effectLow lower end of its 95% interval (null when not defined)
   * @param effectHigh upper end of its 95% interval (null when not defined)
   * @param effectUnit {@code rate_difference} or {@code ratio}
   * @param pValue the one-sided p-value at the latest look
   * @param sequentialPValue the p-value after alpha spending over the looks so far
   * @param adjustedPValue the Benjamini-Hochberg adjusted sequential p-value over the comparison
   * @param fdr the false discovery rate the comparison is controlled at
   * @param informationFraction paired observations so far over those planned from the baseline
   * @param cells the candidate cell ids the evidence rests on (the discordant or compared ones, at
   *     most 50)
   */
  public record Evidence(
      String test,
      Map<String, Long> counts,
      double effect,
      Double effectLow,
      Double effectHigh,
      String effectUnit,
      double pValue,
      @JsonProperty("sequential_p_value") double sequentialPValue,
      @JsonProperty("adjusted_p_value") double adjustedPValue,
      double fdr,
      double informationFraction,
      List<String> cells) {
    public Evidence {
      // Insertion order kept: the counts read best in the order the test produced them.
      counts =
          counts == null
              ? Map.of()
              : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
      cells = cells == null ? List.of() : List.copyOf(cells);
    }
  }

  /** A copy in another state. */
  public AlertRecord withTransition(
      String newState, Instant when, Evidence newEvidence, String newSummary) {
    return new AlertRecord(
        schemaVersion,
        fingerprint,
        rule,
        newState,
        state,
        sweepId,
        baselineSweepId,
        tui,
        model,
        task,
        newSummary,
        newEvidence,
        startsAt,
        "resolved".equals(newState) ? when : null,
        when,
        sequence + 1);
  }
}
