package dev.cab.model.wire;

import java.time.Instant;
import java.util.Map;

/**
 * One scorer event ({@code gen_ai.evaluation.result}) for one axis of a cell, as the collector
 * wrote it to {@code cab.scores.v1}.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param cell the cell identity
 * @param traceId trace of the evaluated (root) span, hex, or null
 * @param spanId the evaluated (root) span, hex, or null
 * @param axis {@code gen_ai.evaluation.name}: pass_rate, tokens, latency, blast_radius, refusal,
 *     integrity (others are kept but not required)
 * @param scoreValue {@code gen_ai.evaluation.score.value}: the axis' headline number, or null
 * @param scoreLabel {@code gen_ai.evaluation.score.label}, or null
 * @param explanation {@code gen_ai.evaluation.explanation}, or null
 * @param breakdown the log body: the axis' full breakdown, keys in the runner's order
 * @param attributes every other log attribute (e.g. {@code cab.latency_efficiency})
 * @param time the event time
 */
public record ScoreEvent(
    int schemaVersion,
    CellIdentity cell,
    String traceId,
    String spanId,
    String axis,
    Double scoreValue,
    String scoreLabel,
    String explanation,
    Map<String, Object> breakdown,
    Map<String, Object> attributes,
    Instant time) {

  public static final int SCHEMA_VERSION = 1;

  public ScoreEvent {
    breakdown = breakdown == null ? Map.of() : breakdown;
    attributes = attributes == null ? Map.of() : attributes;
  }

  /** A numeric attribute, or null when absent or not a number. */
  public Double numericAttribute(String key) {
    return attributes.get(key) instanceof Number n ? n.doubleValue() : null;
  }

  // Withers: a copy with one component replaced (records are immutable; tests and the
  // collector change one or two fields of a record they received).

  /** This event with {@code cell} replaced. */
  public ScoreEvent withCell(CellIdentity cell) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code traceId} replaced. */
  public ScoreEvent withTraceId(String traceId) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code spanId} replaced. */
  public ScoreEvent withSpanId(String spanId) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code axis} replaced. */
  public ScoreEvent withAxis(String axis) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code scoreValue} replaced. */
  public ScoreEvent withScoreValue(Double scoreValue) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code scoreLabel} replaced. */
  public ScoreEvent withScoreLabel(String scoreLabel) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code explanation} replaced. */
  public ScoreEvent withExplanation(String explanation) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code breakdown} replaced. */
  public ScoreEvent withBreakdown(Map<String, Object> breakdown) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code attributes} replaced. */
  public ScoreEvent withAttributes(Map<String, Object> attributes) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }

  /** This event with {@code time} replaced. */
  public ScoreEvent withTime(Instant time) {
    return new ScoreEvent(
        schemaVersion,
        cell,
        traceId,
        spanId,
        axis,
        scoreValue,
        scoreLabel,
        explanation,
        breakdown,
        attributes,
        time);
  }
}
