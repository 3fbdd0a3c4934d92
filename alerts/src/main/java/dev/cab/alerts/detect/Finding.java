package dev.cab.alerts.detect;

import dev.cab.model.wire.AlertRecord.Evidence;

/**
 * Where one hypothesis of a comparison stands after an evaluation.
 *
 * @param fingerprint the alert's stable id (see {@code Fingerprints})
 * @param rule the rule
 * @param sweepId the candidate sweep
 * @param baselineSweepId its baseline
 * @param tui tui label or ""
 * @param model model label or ""
 * @param task task label or ""
 * @param level {@link Level#FIRING} when rejected by Benjamini-Hochberg over the comparison, {@link
 *     Level#PENDING} when only nominally significant, else {@link Level#INACTIVE}
 * @param evidence the numbers, or null before the first look
 * @param summary one line for humans, or null before the first look
 */
public record Finding(
    String fingerprint,
    Rule rule,
    String sweepId,
    String baselineSweepId,
    String tui,
    String model,
    String task,
    Level level,
    Evidence evidence,
    String summary) {

  /** What a hypothesis asks of the lifecycle. */
  public enum Level {
    INACTIVE,
    PENDING,
    FIRING
  }
}
