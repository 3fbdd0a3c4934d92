package dev.cab.model.wire;

import java.util.List;
import java.util.Map;

/**
 * The spans of a cell at a glance.
 *
 * @param count distinct spans seen
 * @param rootSpanId the {@code adapter_run} span, or null before it arrived
 * @param errorSpanIds spans whose status is ERROR, sorted by span id: the same list whatever order
 *     the spans arrived in (a duplicated or reordered delivery must fold to the same record)
 * @param kinds span count per {@code cab.span.kind}
 */
public record SpanSummary(
    int count, String rootSpanId, List<String> errorSpanIds, Map<String, Integer> kinds) {

  public SpanSummary {
    errorSpanIds = errorSpanIds == null ? List.of() : errorSpanIds.stream().sorted().toList();
    kinds = kinds == null ? Map.of() : kinds;
  }

  public static final SpanSummary EMPTY = new SpanSummary(0, null, List.of(), Map.of());
}
