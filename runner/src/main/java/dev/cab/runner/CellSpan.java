package dev.cab.runner;

import dev.cab.runner.internal.AttributeValues;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started span of a cell. Harness attributes keep their types (strings, longs, doubles, booleans,
 * string arrays); the cell's identity and {@value CabAttributes#SPAN_KIND} are already set. {@link
 * #close()} ends the span now if it has not ended; ending twice is a no-op. Thread-safe.
 */
public final class CellSpan implements AutoCloseable {
  private final Cell cell;
  private final CellSpanKind kind;
  private final String name;
  private final Span span;
  private final AtomicBoolean ended = new AtomicBoolean();

  CellSpan(Cell cell, CellSpanKind kind, String name, Span span) {
    this.cell = cell;
    this.kind = kind;
    this.name = name;
    this.span = span;
  }

  public CellSpan set(String key, String value) {
    span.setAttribute(key(key), Objects.requireNonNull(value, key));
    return this;
  }

  public CellSpan set(String key, long value) {
    span.setAttribute(key(key), value);
    return this;
  }

  public CellSpan set(String key, double value) {
    span.setAttribute(key(key), value);
    return this;
  }

  public CellSpan set(String key, boolean value) {
    span.setAttribute(key(key), value);
    return this;
  }

  /** A string-array attribute (argv, changed files, plugin stacks). */
  public CellSpan set(String key, List<String> values) {
    span.setAttribute(AttributeKey.stringArrayKey(key(key)), List.copyOf(values));
    return this;
  }

  /**
   * Sets JSON-shaped harness attributes in map order: strings, booleans, integral numbers (as
   * longs), other numbers (as doubles), and arrays of one of those (an empty array is a string
   * array); null values are skipped.
   *
   * @throws IllegalArgumentException naming the key whose value has no attribute form
   */
  public CellSpan setAll(Map<String, ?> attributes) {
    AttributesBuilder builder = Attributes.builder();
    attributes.forEach((k, v) -> AttributeValues.put(builder, key(k), v));
    span.setAllAttributes(builder.build());
    return this;
  }

  /** {@value CabAttributes#PROCESS_EXIT_CODE}: on the root, and on container spans. */
  public CellSpan exitCode(long exitCode) {
    return set(CabAttributes.PROCESS_EXIT_CODE, exitCode);
  }

  /** {@value CabAttributes#CONTAINER_IMAGE_NAME} and {@value CabAttributes#CONTAINER_IMAGE_ID}. */
  public CellSpan containerImage(String imageName, String imageDigest) {
    set(CabAttributes.CONTAINER_IMAGE_NAME, imageName);
    return set(CabAttributes.CONTAINER_IMAGE_ID, imageDigest);
  }

  /** {@value CabAttributes#MODEL_BUILD_ID}: the exact model build the cell ran against. */
  public CellSpan modelBuildId(String modelBuildId) {
    return set(CabAttributes.MODEL_BUILD_ID, modelBuildId);
  }

  /** The four GenAI token usage attributes (model_call spans). */
  public CellSpan usage(TokenUsage usage) {
    set(CabAttributes.USAGE_INPUT_TOKENS, usage.inputTokens());
    set(CabAttributes.USAGE_OUTPUT_TOKENS, usage.outputTokens());
    set(CabAttributes.USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadInputTokens());
    return set(CabAttributes.USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheCreationInputTokens());
  }

  /** Marks the span failed: OTLP status ERROR with this description. */
  public CellSpan error(String message) {
    span.setStatus(StatusCode.ERROR, Objects.requireNonNull(message, "message"));
    return this;
  }

  /** Marks the span failed and sets {@value CabAttributes#ERROR_TYPE} (e.g. {@code timeout}). */
  public CellSpan error(String errorType, String message) {
    set(CabAttributes.ERROR_TYPE, errorType);
    return error(message);
  }

  /** Ends the span now. */
  public void end() {
    if (ended.compareAndSet(false, true)) {
      span.end();
      finished();
    }
  }

  /** Ends the span at {@code endTime}. */
  public void end(Instant endTime) {
    Objects.requireNonNull(endTime, "endTime");
    if (ended.compareAndSet(false, true)) {
      span.end(endTime);
      finished();
    }
  }

  /** Ends the span now unless it has ended. */
  @Override
  public void close() {
    end();
  }

  public boolean isEnded() {
    return ended.get();
  }

  public CellSpanKind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** 32 hex characters: the cell's trace. */
  public String traceId() {
    return span.getSpanContext().getTraceId();
  }

  /** 16 hex characters. */
  public String spanId() {
    return span.getSpanContext().getSpanId();
  }

  Cell cell() {
    return cell;
  }

  SpanContext spanContext() {
    return span.getSpanContext();
  }

  private void finished() {
    cell.ended(this);
    cell.telemetry().spanEnded();
  }

  private static String key(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("attribute key must not be blank");
    }
    return key;
  }
}
