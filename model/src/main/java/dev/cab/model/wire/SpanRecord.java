package dev.cab.model.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Map;

/**
 * One OpenTelemetry span of a cell, as the collector wrote it to {@code cab.spans.v1} (after secret
 * redaction). Attribute values keep their OTLP shape: strings, longs, doubles, booleans, lists and
 * maps.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param cell the cell identity read from span or resource attributes
 * @param traceId 32 lower-case hex characters
 * @param spanId 16 lower-case hex characters
 * @param parentSpanId 16 hex characters, or null for a root
 * @param name the span name
 * @param kind {@code cab.span.kind}: task_setup, tool_call, container, adapter_run, cleanup or
 *     model_call (null when the runner sent none)
 * @param startTime span start
 * @param endTime span end
 * @param statusCode OTLP status: UNSET, OK or ERROR
 * @param statusMessage OTLP status message, or null
 * @param attributes every span attribute, harness ones included
 * @param resource every resource attribute
 */
public record SpanRecord(
    int schemaVersion,
    CellIdentity cell,
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    String kind,
    Instant startTime,
    Instant endTime,
    String statusCode,
    String statusMessage,
    Map<String, Object> attributes,
    Map<String, Object> resource) {

  public static final int SCHEMA_VERSION = 1;

  public SpanRecord {
    attributes = attributes == null ? Map.of() : attributes;
    resource = resource == null ? Map.of() : resource;
  }

  /** True when the span's OTLP status is ERROR. */
  @JsonIgnore // derived from statusCode: not a wire field
  public boolean isError() {
    return "ERROR".equals(statusCode);
  }

  /** Span duration in milliseconds (fractional), or null when a bound is missing. */
  public Double durationMs() {
    if (startTime == null || endTime == null) {
      return null;
    }
    long nanos =
        (endTime.getEpochSecond() - startTime.getEpochSecond()) * 1_000_000_000L
            + (endTime.getNano() - startTime.getNano());
    return nanos / 1e6;
  }

  // Withers: a copy with one component replaced (records are immutable; tests and the
  // collector change one or two fields of a record they received).

  /** This span with {@code cell} replaced. */
  public SpanRecord withCell(CellIdentity cell) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code traceId} replaced. */
  public SpanRecord withTraceId(String traceId) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code spanId} replaced. */
  public SpanRecord withSpanId(String spanId) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code parentSpanId} replaced. */
  public SpanRecord withParentSpanId(String parentSpanId) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code name} replaced. */
  public SpanRecord withName(String name) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code kind} replaced. */
  public SpanRecord withKind(String kind) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code startTime} replaced. */
  public SpanRecord withStartTime(Instant startTime) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code endTime} replaced. */
  public SpanRecord withEndTime(Instant endTime) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code statusCode} replaced. */
  public SpanRecord withStatusCode(String statusCode) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code statusMessage} replaced. */
  public SpanRecord withStatusMessage(String statusMessage) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code attributes} replaced. */
  public SpanRecord withAttributes(Map<String, Object> attributes) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }

  /** This span with {@code resource} replaced. */
  public SpanRecord withResource(Map<String, Object> resource) {
    return new SpanRecord(
        schemaVersion,
        cell,
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        startTime,
        endTime,
        statusCode,
        statusMessage,
        attributes,
        resource);
  }
}
