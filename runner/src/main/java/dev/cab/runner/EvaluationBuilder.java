package dev.cab.runner;

import dev.cab.runner.internal.AnyValues;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.LogRecordBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Completes one scorer event ({@value CabAttributes#EVALUATION_EVENT_NAME}) of a cell before it is
 * emitted. The event carries the cell identity, {@value CabAttributes#EVALUATION_NAME} and {@value
 * CabAttributes#EVALUATION_SCORE_VALUE}, links to the cell's root span, and has the axis' breakdown
 * as its body: an OTLP map with keys in the breakdown's iteration order, nulls as empty values,
 * lists as arrays, integral numbers as longs. Not thread-safe; use once.
 */
public final class EvaluationBuilder {
  private final Cell cell;
  private final String axis;
  private final double value;
  private Map<String, ?> breakdown = Map.of();
  private String label;
  private String explanation;
  private String errorType;
  private Instant timestamp;
  private final Map<String, Object> attributes = new LinkedHashMap<>();

  EvaluationBuilder(Cell cell, String axis, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("score value of " + axis + " must be finite: " + value);
    }
    this.cell = cell;
    this.axis = axis;
    this.value = value;
  }

  /** The axis' full breakdown; use an ordered map (e.g. LinkedHashMap) to fix the key order. */
  public EvaluationBuilder breakdown(Map<String, ?> breakdown) {
    this.breakdown = Objects.requireNonNull(breakdown, "breakdown");
    return this;
  }

  /** {@value CabAttributes#EVALUATION_SCORE_LABEL}, e.g. {@code pass}. */
  public EvaluationBuilder label(String label) {
    this.label = Objects.requireNonNull(label, "label");
    return this;
  }

  /** {@value CabAttributes#EVALUATION_EXPLANATION}. */
  public EvaluationBuilder explanation(String explanation) {
    this.explanation = Objects.requireNonNull(explanation, "explanation");
    return this;
  }

  /** {@value CabAttributes#ERROR_TYPE}: the scorer itself failed. */
  public EvaluationBuilder errorType(String errorType) {
    this.errorType = Objects.requireNonNull(errorType, "errorType");
    return this;
  }

  /**
   * The runner's sweep-normalised efficiency: {@value CabAttributes#LATENCY_EFFICIENCY} on the
   * latency axis, {@value CabAttributes#COST_EFFICIENCY} on the tokens axis.
   *
   * @throws IllegalStateException on any other axis
   * @throws IllegalArgumentException when not finite
   */
  public EvaluationBuilder efficiency(double efficiency) {
    if (!Double.isFinite(efficiency)) {
      throw new IllegalArgumentException("efficiency must be finite: " + efficiency);
    }
    String key =
        switch (axis) {
          case CabAttributes.Axes.LATENCY -> CabAttributes.LATENCY_EFFICIENCY;
          case CabAttributes.Axes.TOKENS -> CabAttributes.COST_EFFICIENCY;
          default ->
              throw new IllegalStateException(
                  "only the latency and tokens axes carry an efficiency, not " + axis);
        };
    attributes.put(key, efficiency);
    return this;
  }

  /** One more event attribute (string, long, double or boolean). */
  public EvaluationBuilder attribute(String key, Object value) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("attribute key must not be blank");
    }
    if (!(value instanceof String
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Double
        || value instanceof Boolean)) {
      throw new IllegalArgumentException(
          "attribute " + key + " must be a string, long, double or boolean: " + value);
    }
    attributes.put(key, value);
    return this;
  }

  /** The event time instead of now. */
  public EvaluationBuilder timestamp(Instant timestamp) {
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    return this;
  }

  /**
   * Emits the event.
   *
   * @throws IllegalArgumentException when the breakdown holds a value with no OTLP form
   */
  public void emit() {
    Value<?> body = AnyValues.ofMap(breakdown, axis);
    LogRecordBuilder record =
        cell.telemetry()
            .logger()
            .logRecordBuilder()
            .setEventName(CabAttributes.EVALUATION_EVENT_NAME)
            .setContext(cell.rootContext())
            .setAllAttributes(cell.identityAttributes())
            .setAttribute(CabAttributes.EVALUATION_NAME, axis)
            .setAttribute(CabAttributes.EVALUATION_SCORE_VALUE, value);
    if (label != null) {
      record.setAttribute(CabAttributes.EVALUATION_SCORE_LABEL, label);
    }
    if (explanation != null) {
      record.setAttribute(CabAttributes.EVALUATION_EXPLANATION, explanation);
    }
    if (errorType != null) {
      record.setAttribute(CabAttributes.ERROR_TYPE, errorType);
    }
    attributes.forEach(
        (k, v) -> {
          switch (v) {
            case String s -> record.setAttribute(AttributeKey.stringKey(k), s);
            case Boolean b -> record.setAttribute(AttributeKey.booleanKey(k), b);
            case Double d -> record.setAttribute(AttributeKey.doubleKey(k), d);
            case Number n -> record.setAttribute(AttributeKey.longKey(k), n.longValue());
            default -> throw new IllegalStateException("unreachable: " + v);
          }
        });
    if (timestamp != null) {
      record.setTimestamp(timestamp);
    }
    record.setBody(body).emit();
    cell.telemetry().eventEmitted();
  }
}
