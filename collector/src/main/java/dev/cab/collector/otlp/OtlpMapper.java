package dev.cab.collector.otlp;

import static dev.cab.model.wire.WireAttributes.AGENT_NAME;
import static dev.cab.model.wire.WireAttributes.CELL_ID;
import static dev.cab.model.wire.WireAttributes.EVALUATION_EVENT_NAME;
import static dev.cab.model.wire.WireAttributes.EVALUATION_EXPLANATION;
import static dev.cab.model.wire.WireAttributes.EVALUATION_NAME;
import static dev.cab.model.wire.WireAttributes.EVALUATION_SCORE_LABEL;
import static dev.cab.model.wire.WireAttributes.EVALUATION_SCORE_VALUE;
import static dev.cab.model.wire.WireAttributes.EVENT_NAME;
import static dev.cab.model.wire.WireAttributes.REQUEST_MODEL;
import static dev.cab.model.wire.WireAttributes.SPAN_KIND;
import static dev.cab.model.wire.WireAttributes.SWEEP_ID;
import static dev.cab.model.wire.WireAttributes.TASK_CATEGORY;
import static dev.cab.model.wire.WireAttributes.TASK_ID;
import static dev.cab.model.wire.WireAttributes.TUI;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps OTLP export requests to the wire records of {@code cab.spans.v1} and {@code cab.scores.v1}.
 *
 * <p>Every span and scorer event must carry {@code cab.cell.id} (as its own or as a resource
 * attribute; its own wins); an item without one, or with malformed ids, is rejected with a reason
 * while the rest of the request is kept. Log records that are not {@code gen_ai.evaluation.result}
 * events (LogRecord {@code event_name}, or the {@code event.name} attribute of older SDKs) are
 * ignored. Attribute values keep their OTLP types; the log body becomes the axis breakdown.
 *
 * <p>Pure (no secret handling: that is the redactor's job, after mapping) and thread-safe.
 */
public final class OtlpMapper {
  private static final HexFormat HEX = HexFormat.of();
  // whole numbers as Long, like OTLP int values
  private static final ObjectMapper BODY_JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  /** Log attributes that become dedicated ScoreEvent fields rather than {@code attributes}. */
  private static final Set<String> SCORE_FIELDS =
      Set.of(
          CELL_ID,
          SWEEP_ID,
          TUI,
          AGENT_NAME,
          REQUEST_MODEL,
          TASK_ID,
          TASK_CATEGORY,
          EVENT_NAME,
          EVALUATION_NAME,
          EVALUATION_SCORE_VALUE,
          EVALUATION_SCORE_LABEL,
          EVALUATION_EXPLANATION);

  private OtlpMapper() {}

  /** Maps every span of a traces export request. */
  public static MappedBatch<SpanRecord> spans(ExportTraceServiceRequest request) {
    List<SpanRecord> accepted = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, Object> resource = AnyValues.toMap(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          try {
            accepted.add(span(span, resource));
          } catch (RejectedItem e) {
            rejections.add("span " + describeId(span.getSpanId()) + ": " + e.getMessage());
          }
        }
      }
    }
    return new MappedBatch<>(accepted, rejections, 0);
  }

  /** Maps every scorer event of a logs export request; other log records are ignored. */
  public static MappedBatch<ScoreEvent> scores(ExportLogsServiceRequest request) {
    List<ScoreEvent> accepted = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    int ignored = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Map<String, Object> resource = AnyValues.toMap(rl.getResource().getAttributesList());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          Map<String, Object> attributes = AnyValues.toMap(log.getAttributesList());
          if (!EVALUATION_EVENT_NAME.equals(eventName(log, attributes))) {
            ignored++;
            continue;
          }
          try {
            accepted.add(score(log, attributes, resource));
          } catch (RejectedItem e) {
            rejections.add(
                "evaluation event of span " + describeId(log.getSpanId()) + ": " + e.getMessage());
          }
        }
      }
    }
    return new MappedBatch<>(accepted, rejections, ignored);
  }

  static SpanRecord span(Span span, Map<String, Object> resource) throws RejectedItem {
    Map<String, Object> attributes = AnyValues.toMap(span.getAttributesList());
    CellIdentity cell = identity(attributes, resource);
    String traceId = requiredId(span.getTraceId(), 16, "trace_id");
    String spanId = requiredId(span.getSpanId(), 8, "span_id");
    String parent = optionalId(span.getParentSpanId(), 8, "parent_span_id");
    Status status = span.getStatus();
    return new SpanRecord(
        SpanRecord.SCHEMA_VERSION,
        cell,
        traceId,
        spanId,
        parent,
        span.getName(),
        stringAttribute(SPAN_KIND, attributes, resource),
        instant(span.getStartTimeUnixNano()),
        instant(span.getEndTimeUnixNano()),
        statusCode(status),
        status.getMessage().isEmpty() ? null : status.getMessage(),
        attributes,
        resource);
  }

  static ScoreEvent score(
      LogRecord log, Map<String, Object> attributes, Map<String, Object> resource)
      throws RejectedItem {
    CellIdentity cell = identity(attributes, resource);
    String axis = stringAttribute(EVALUATION_NAME, attributes, Map.of());
    if (axis == null) {
      throw new RejectedItem("missing " + EVALUATION_NAME);
    }
    Double value = null;
    Object rawValue = attributes.get(EVALUATION_SCORE_VALUE);
    if (rawValue instanceof Number n) {
      value = n.doubleValue();
    } else if (rawValue != null) {
      throw new RejectedItem(EVALUATION_SCORE_VALUE + " must be a number");
    }
    Map<String, Object> rest = new LinkedHashMap<>();
    attributes.forEach(
        (k, v) -> {
          if (!SCORE_FIELDS.contains(k)) {
            rest.put(k, v);
          }
        });
    long time = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
    return new ScoreEvent(
        ScoreEvent.SCHEMA_VERSION,
        cell,
        optionalId(log.getTraceId(), 16, "trace_id"),
        optionalId(log.getSpanId(), 8, "span_id"),
        axis,
        value,
        stringAttribute(EVALUATION_SCORE_LABEL, attributes, Map.of()),
        stringAttribute(EVALUATION_EXPLANATION, attributes, Map.of()),
        breakdown(log.getBody()),
        Collections.unmodifiableMap(rest),
        instant(time));
  }

  /** The event name: the LogRecord field, else the {@code event.name} attribute. */
  static String eventName(LogRecord log, Map<String, Object> attributes) {
    if (!log.getEventName().isEmpty()) {
      return log.getEventName();
    }
    return attributes.get(EVENT_NAME) instanceof String s ? s : null;
  }

  /**
   * The axis breakdown from the log body: a kvlist as an ordered map (nulls and arrays kept); a
   * string holding a JSON object (SDKs without structured bodies) parsed in order; anything else
   * kept under {@code "value"}.
   */
  static Map<String, Object> breakdown(AnyValue body) {
    Object value = AnyValues.toJava(body);
    return switch (value) {
      case null -> Map.of();
      case Map<?, ?> m -> castMap(m);
      case String s when s.stripLeading().startsWith("{") -> {
        try {
          yield Collections.unmodifiableMap(
              BODY_JSON.readValue(s, new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (IOException e) {
          yield singleValue(s);
        }
      }
      default -> singleValue(value);
    };
  }

  private static Map<String, Object> singleValue(Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("value", value);
    return Collections.unmodifiableMap(out);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    // AnyValues builds maps with String keys only
    return (Map<String, Object>) m;
  }

  static CellIdentity identity(Map<String, Object> own, Map<String, Object> resource)
      throws RejectedItem {
    String cellId = stringAttribute(CELL_ID, own, resource);
    if (cellId == null) {
      throw new RejectedItem("missing " + CELL_ID);
    }
    String tui = stringAttribute(TUI, own, resource);
    if (tui == null) {
      tui = stringAttribute(AGENT_NAME, own, resource);
    }
    return new CellIdentity(
        cellId,
        stringAttribute(SWEEP_ID, own, resource),
        tui,
        stringAttribute(REQUEST_MODEL, own, resource),
        stringAttribute(TASK_ID, own, resource),
        stringAttribute(TASK_CATEGORY, own, resource));
  }

  /** A non-blank attribute as a string (numbers too), the item's own before the resource's. */
  static String stringAttribute(String key, Map<String, Object> own, Map<String, Object> resource) {
    Object v = own.get(key);
    if (v == null) {
      v = resource.get(key);
    }
    if (v == null || v instanceof List<?> || v instanceof Map<?, ?>) {
      return null;
    }
    String s = String.valueOf(v);
    return s.isBlank() ? null : s;
  }

  private static String statusCode(Status status) {
    return switch (status.getCode()) {
      case STATUS_CODE_OK -> "OK";
      case STATUS_CODE_ERROR -> "ERROR";
      case STATUS_CODE_UNSET, UNRECOGNIZED -> "UNSET";
    };
  }

  /** Nanoseconds since the epoch (fixed64) as an Instant; 0 (unset) is null. */
  static Instant instant(long unixNanos) {
    if (unixNanos == 0) {
      return null;
    }
    if (unixNanos < 0) {
      // beyond year 2262 as unsigned: not a real timestamp
      return null;
    }
    return Instant.ofEpochSecond(0, unixNanos);
  }

  private static String requiredId(ByteString id, int length, String field) throws RejectedItem {
    if (id.size() != length) {
      throw new RejectedItem(field + " must be " + length + " bytes, not " + id.size());
    }
    if (isAllZero(id)) {
      throw new RejectedItem(field + " must not be all zero");
    }
    return HEX.formatHex(id.toByteArray());
  }

  private static String optionalId(ByteString id, int length, String field) throws RejectedItem {
    if (id.isEmpty() || isAllZero(id)) {
      return null;
    }
    if (id.size() != length) {
      throw new RejectedItem(field + " must be " + length + " bytes, not " + id.size());
    }
    return HEX.formatHex(id.toByteArray());
  }

  private static boolean isAllZero(ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static String describeId(ByteString id) {
    return id.isEmpty() ? "(no span id)" : HEX.formatHex(id.toByteArray());
  }

  /** An item that cannot be stored; the message says why and never quotes a value. */
  static final class RejectedItem extends Exception {
    private static final long serialVersionUID = 1L;

    RejectedItem(String reason) {
      super(reason, null, false, false);
    }
  }
}
