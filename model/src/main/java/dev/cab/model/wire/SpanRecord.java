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
}
