package dev.cab.dashboards.query;

import java.util.List;
import java.util.Map;

/**
 * One cell as stored in {@code cells} (newest version), in the units ClickHouse keeps. Times are
 * microseconds since the epoch ({@code null} while unknown); the breakdowns are the JSON text the
 * scorer sent, key order kept.
 *
 * @param axes axis name to breakdown JSON, in page order (the six axes, then any others)
 */
public record CellRow(
    String cellId,
    String sweepId,
    String tui,
    String model,
    String task,
    String category,
    String containerImage,
    String imageDigest,
    String modelBuildId,
    Integer exitCode,
    Long startedAtMicros,
    Long endedAtMicros,
    Double durationMs,
    String status,
    List<String> missingAxes,
    Double composite,
    String compositeJson,
    Double passRate,
    Double tokensPerCorrectTask,
    Double wallClockMs,
    Double blastRadius,
    Double refusal,
    Double integrity,
    Map<String, String> axes,
    long spanCount,
    String rootSpanId,
    Long totalTokens,
    Long inputTokens,
    Long outputTokens,
    Long modelCalls,
    long version,
    long insertedAtMillis,
    String outcome) {}
