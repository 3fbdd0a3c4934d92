package dev.cab.collector.otlp;

import static dev.cab.model.wire.WireAttributes.EVENT_NAME;
import static dev.cab.model.wire.WireAttributes.SWEEP_BASELINE;
import static dev.cab.model.wire.WireAttributes.SWEEP_ID;
import static dev.cab.model.wire.WireAttributes.SWEEP_MODELS;
import static dev.cab.model.wire.WireAttributes.SWEEP_PLAN_EVENT_NAME;
import static dev.cab.model.wire.WireAttributes.SWEEP_TASKS;
import static dev.cab.model.wire.WireAttributes.SWEEP_TUIS;

import dev.cab.model.wire.SweepPlan;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps {@code cab.sweep.plan} log records (LogRecord {@code event_name}, or the {@code event.name}
 * attribute) of a logs export request to {@link SweepPlan}s for {@code cab.sweep-plans.v1}. A plan
 * needs {@code cab.sweep.id} and non-empty string arrays {@code cab.sweep.tuis}, {@code
 * cab.sweep.models} and {@code cab.sweep.tasks}; one without them is rejected with a reason while
 * the rest of the request is kept. Other log records are not counted here. Pure and thread-safe.
 */
public final class SweepPlanMapper {
  private static final Set<String> PLAN_FIELDS =
      Set.of(EVENT_NAME, SWEEP_ID, SWEEP_TUIS, SWEEP_MODELS, SWEEP_TASKS, SWEEP_BASELINE);

  private SweepPlanMapper() {}

  /** Maps every sweep plan of a logs export request; {@code ignored} counts nothing. */
  public static MappedBatch<SweepPlan> plans(ExportLogsServiceRequest request) {
    List<SweepPlan> accepted = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Map<String, Object> resource = AnyValues.toMap(rl.getResource().getAttributesList());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          Map<String, Object> attributes = AnyValues.toMap(log.getAttributesList());
          if (!SWEEP_PLAN_EVENT_NAME.equals(OtlpMapper.eventName(log, attributes))) {
            continue;
          }
          try {
            accepted.add(plan(log, attributes, resource));
          } catch (OtlpMapper.RejectedItem e) {
            rejections.add("sweep plan: " + e.getMessage());
          }
        }
      }
    }
    return new MappedBatch<>(accepted, rejections, 0);
  }

  static SweepPlan plan(LogRecord log, Map<String, Object> attributes, Map<String, Object> resource)
      throws OtlpMapper.RejectedItem {
    String sweepId = OtlpMapper.stringAttribute(SWEEP_ID, attributes, resource);
    if (sweepId == null) {
      throw new OtlpMapper.RejectedItem("missing " + SWEEP_ID);
    }
    List<String> tuis = names(SWEEP_TUIS, attributes, sweepId);
    List<String> models = names(SWEEP_MODELS, attributes, sweepId);
    List<String> tasks = names(SWEEP_TASKS, attributes, sweepId);
    String baseline = OtlpMapper.stringAttribute(SWEEP_BASELINE, attributes, resource);
    Map<String, Object> rest = new LinkedHashMap<>();
    attributes.forEach(
        (k, v) -> {
          if (!PLAN_FIELDS.contains(k)) {
            rest.put(k, v);
          }
        });
    long time = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
    return new SweepPlan(
        SweepPlan.SCHEMA_VERSION,
        sweepId,
        tuis,
        models,
        tasks,
        baseline,
        (long) tuis.size() * models.size() * tasks.size(),
        Instant.ofEpochSecond(time / 1_000_000_000L, time % 1_000_000_000L),
        Collections.unmodifiableMap(rest));
  }

  /** A non-empty array of distinct non-blank strings. */
  private static List<String> names(String key, Map<String, Object> attributes, String sweepId)
      throws OtlpMapper.RejectedItem {
    if (!(attributes.get(key) instanceof List<?> list) || list.isEmpty()) {
      throw new OtlpMapper.RejectedItem(
          "plan of sweep " + sweepId + " needs " + key + " as a non-empty string array");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new OtlpMapper.RejectedItem(
            "plan of sweep " + sweepId + ": " + key + " holds a blank or non-string entry");
      }
      names.add(s);
    }
    return List.copyOf(names);
  }
}
