package dev.cab.collector.testing;

import static dev.cab.collector.testing.Otlp.attribute;
import static dev.cab.collector.testing.Otlp.attributes;
import static dev.cab.collector.testing.Otlp.id;
import static dev.cab.collector.testing.Otlp.value;

import dev.cab.model.wire.WireAttributes;
import dev.cab.testing.SeedPages;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed cells of the runner's fixture as OTLP export requests: identity as resource attributes,
 * {@code cab.span.kind} per span, container identity on the adapter_run root, one {@code
 * gen_ai.evaluation.result} log record per axis with the breakdown as a kvlist body. Trace id = the
 * root's page id; span id = the first 16 hex of a page id.
 */
public final class SeedOtlp {
  private SeedOtlp() {}

  /** The leaked key of seed 003's container span (test data for redaction). */
  public static final String SEED_003_KEY = "sk-ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK";

  /** The raw fixture cells, in page order (001, 003, 004). */
  public static List<Map<String, Object>> cells() {
    return SeedPages.cells();
  }

  /** Seed 003: pi x step-3.5-flash, whose container argv carries an API key. */
  public static Map<String, Object> seed003() {
    return cells().stream()
        .filter(c -> String.valueOf(c.get("page")).startsWith("003"))
        .findFirst()
        .orElseThrow();
  }

  public static Resource resource(Map<String, Object> cell) {
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put(WireAttributes.CELL_ID, cell.get("cell_id"));
    identity.put(WireAttributes.SWEEP_ID, cell.get("sweep_id"));
    identity.put(WireAttributes.TUI, cell.get("tui"));
    identity.put(WireAttributes.REQUEST_MODEL, cell.get("model"));
    identity.put(WireAttributes.TASK_ID, cell.get("task"));
    identity.put(WireAttributes.TASK_CATEGORY, cell.get("category"));
    identity.put("service.name", "cab-runner");
    return Resource.newBuilder().addAllAttributes(attributes(identity)).build();
  }

  @SuppressWarnings("unchecked")
  public static String rootPageId(Map<String, Object> cell) {
    return ((List<Map<String, Object>>) cell.get("spans"))
        .stream()
            .filter(s -> WireAttributes.SpanKinds.ADAPTER_RUN.equals(s.get("kind")))
            .map(s -> (String) s.get("page_span_id"))
            .findFirst()
            .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  public static ExportTraceServiceRequest traces(Map<String, Object> cell) {
    String traceId = rootPageId(cell);
    long start = nanos(Instant.parse((String) cell.get("started_at")));
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (Map<String, Object> s : (List<Map<String, Object>>) cell.get("spans")) {
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(id(traceId))
              .setSpanId(id(((String) s.get("page_span_id")).substring(0, 16)))
              .setName((String) s.get("name"))
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(start + ((Number) s.get("duration_ms")).longValue() * 1_000_000L)
              .addAttributes(attribute(WireAttributes.SPAN_KIND, s.get("kind")))
              .addAllAttributes(attributes((Map<String, Object>) s.get("attributes")));
      if (s.get("page_parent_span_id") instanceof String parent) {
        span.setParentSpanId(id(parent.substring(0, 16)));
      }
      if (WireAttributes.SpanKinds.ADAPTER_RUN.equals(s.get("kind"))) {
        span.addAttributes(
                attribute(WireAttributes.CONTAINER_IMAGE_NAME, cell.get("container_image")))
            .addAttributes(attribute(WireAttributes.CONTAINER_IMAGE_ID, cell.get("image_digest")))
            .addAttributes(attribute(WireAttributes.MODEL_BUILD_ID, cell.get("model_build_id")))
            .addAttributes(
                attribute(
                    WireAttributes.PROCESS_EXIT_CODE,
                    ((Number) cell.get("exit_code")).longValue()));
      }
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().setResource(resource(cell)).addScopeSpans(scope))
        .build();
  }

  @SuppressWarnings("unchecked")
  public static ExportLogsServiceRequest scores(Map<String, Object> cell) {
    String traceId = rootPageId(cell);
    long end = nanos(Instant.parse((String) cell.get("ended_at")));
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (Map<String, Object> score : (List<Map<String, Object>>) cell.get("scores")) {
      LogRecord.Builder log =
          LogRecord.newBuilder()
              .setEventName(WireAttributes.EVALUATION_EVENT_NAME)
              .setTimeUnixNano(end)
              .setTraceId(id(traceId))
              .setSpanId(id(traceId.substring(0, 16)))
              .addAttributes(attribute(WireAttributes.EVALUATION_NAME, score.get("axis")))
              .setBody(value(score.get("breakdown")));
      if (score.get("score_value") instanceof Number n) {
        log.addAttributes(attribute(WireAttributes.EVALUATION_SCORE_VALUE, n.doubleValue()));
      }
      if (score.get("latency_efficiency") instanceof Number n) {
        log.addAttributes(attribute(WireAttributes.LATENCY_EFFICIENCY, n.doubleValue()));
      }
      if (score.get("cost_efficiency") instanceof Number n) {
        log.addAttributes(attribute(WireAttributes.COST_EFFICIENCY, n.doubleValue()));
      }
      scope.addLogRecords(log);
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource(cell)).addScopeLogs(scope))
        .build();
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
