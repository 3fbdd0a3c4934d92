package dev.cab.sink;

import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.Composite;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.SpanSummary;
import dev.cab.model.wire.WireAttributes;
import dev.cab.testing.SeedPages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wire records built from the seed-cell fixture the runner ships (transcribed from the seed pages):
 * the cell record the streams stage would fold, its spans and its scorer events.
 */
public final class SeedFixture {
  private SeedFixture() {}

  /** The raw fixture cells, in page order (001, 003, 004). */
  public static List<Map<String, Object>> cells() {
    return SeedPages.cells();
  }

  public static CellIdentity identity(Map<String, Object> cell) {
    return new CellIdentity(
        (String) cell.get("cell_id"),
        (String) cell.get("sweep_id"),
        (String) cell.get("tui"),
        (String) cell.get("model"),
        (String) cell.get("task"),
        (String) cell.get("category"));
  }

  /** The complete cell record of a fixture cell at a version. */
  @SuppressWarnings("unchecked")
  public static CellRecord cellRecord(Map<String, Object> cell, long version) {
    Map<String, Map<String, Object>> axes = new LinkedHashMap<>();
    Map<String, Double> axisScores = new LinkedHashMap<>();
    for (Map<String, Object> s : (List<Map<String, Object>>) cell.get("scores")) {
      axes.put((String) s.get("axis"), (Map<String, Object>) s.get("breakdown"));
      axisScores.put((String) s.get("axis"), ((Number) s.get("score_value")).doubleValue());
    }
    Map<String, Object> ec = (Map<String, Object>) cell.get("expected_composite");
    Map<String, Double> weights = new LinkedHashMap<>();
    ((Map<String, Object>) ec.get("weights"))
        .forEach((k, v) -> weights.put(k, ((Number) v).doubleValue()));
    Composite composite =
        new Composite(
            ((Number) ec.get("composite")).doubleValue(),
            weights,
            (Map<String, Object>) ec.get("components"),
            (String) ec.get("note"),
            "cab-composite-v1");
    List<SpanRecord> spans = spans(cell);
    String root =
        spans.stream()
            .filter(s -> WireAttributes.SpanKinds.ADAPTER_RUN.equals(s.kind()))
            .map(SpanRecord::spanId)
            .findFirst()
            .orElseThrow();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    spans.forEach(s -> kinds.merge(s.kind(), 1, Integer::sum));
    Instant started = Instant.parse((String) cell.get("started_at"));
    Instant ended = Instant.parse((String) cell.get("ended_at"));
    return new CellRecord(
        CellRecord.SCHEMA_VERSION,
        (String) cell.get("cell_id"),
        (String) cell.get("sweep_id"),
        (String) cell.get("tui"),
        (String) cell.get("model"),
        (String) cell.get("task"),
        (String) cell.get("category"),
        (String) cell.get("container_image"),
        (String) cell.get("image_digest"),
        (String) cell.get("model_build_id"),
        ((Number) cell.get("exit_code")).intValue(),
        started,
        ended,
        Duration.between(started, ended).toNanos() / 1e6,
        axes,
        axisScores,
        composite,
        new SpanSummary(spans.size(), root, List.of(), kinds),
        null,
        CellStatus.COMPLETE,
        List.of(),
        axisScores.get("pass_rate") >= 1 ? CellOutcome.PASSED : CellOutcome.FAILED,
        "pass_rate " + axisScores.get("pass_rate"),
        version,
        ended.plusSeconds(1));
  }

  /** The spans of a fixture cell (trace id = root page id; span id = first 16 hex of page id). */
  @SuppressWarnings("unchecked")
  public static List<SpanRecord> spans(Map<String, Object> cell) {
    List<Map<String, Object>> pageSpans = (List<Map<String, Object>>) cell.get("spans");
    String traceId =
        pageSpans.stream()
            .filter(s -> "adapter_run".equals(s.get("kind")))
            .map(s -> (String) s.get("page_span_id"))
            .findFirst()
            .orElseThrow();
    Instant start = Instant.parse((String) cell.get("started_at"));
    List<SpanRecord> out = new ArrayList<>();
    for (Map<String, Object> s : pageSpans) {
      String parent = (String) s.get("page_parent_span_id");
      long durationMs = ((Number) s.get("duration_ms")).longValue();
      out.add(
          new SpanRecord(
              SpanRecord.SCHEMA_VERSION,
              identity(cell),
              traceId,
              ((String) s.get("page_span_id")).substring(0, 16),
              parent == null ? null : parent.substring(0, 16),
              (String) s.get("name"),
              (String) s.get("kind"),
              start,
              start.plusMillis(durationMs),
              "OK",
              null,
              (Map<String, Object>) s.get("attributes"),
              Map.of("service.name", "cab-runner", "cab.tui", (String) cell.get("tui"))));
    }
    return out;
  }

  /** The scorer events of a fixture cell, one per axis. */
  @SuppressWarnings("unchecked")
  public static List<ScoreEvent> scores(Map<String, Object> cell) {
    List<ScoreEvent> out = new ArrayList<>();
    Instant at = Instant.parse((String) cell.get("ended_at"));
    String trace = spans(cell).getFirst().traceId();
    for (Map<String, Object> s : (List<Map<String, Object>>) cell.get("scores")) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      if (s.get("latency_efficiency") != null) {
        attributes.put(WireAttributes.LATENCY_EFFICIENCY, s.get("latency_efficiency"));
      }
      out.add(
          new ScoreEvent(
              ScoreEvent.SCHEMA_VERSION,
              identity(cell),
              trace,
              trace.substring(0, 16),
              (String) s.get("axis"),
              ((Number) s.get("score_value")).doubleValue(),
              null,
              null,
              (Map<String, Object>) s.get("breakdown"),
              attributes,
              at));
    }
    return out;
  }
}
