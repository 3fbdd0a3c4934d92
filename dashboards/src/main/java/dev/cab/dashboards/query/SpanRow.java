package dev.cab.dashboards.query;

/**
 * One span of a cell as stored in {@code spans}. {@code attributes} is the JSON object the
 * collector stored (untrusted text: pages escape it).
 */
public record SpanRow(
    String spanId,
    String parentSpanId,
    String name,
    String kind,
    long startNanos,
    long endNanos,
    Double durationMs,
    String statusCode,
    String statusMessage,
    String attributes) {}
