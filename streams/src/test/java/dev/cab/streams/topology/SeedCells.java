package dev.cab.streams.topology;

import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.WireAttributes;
import dev.cab.model.wire.WireAttributes.Axes;
import dev.cab.model.wire.WireAttributes.SpanKinds;
import dev.cab.testing.SeedPages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed cells of the runner's fixture ({@code seed-cells.json}, transcribed from the published
 * pages) as the spans and scorer events the collector would write: trace id = the root page span
 * id, span id = the first 16 hex characters of the page span id; the root span covers [started_at,
 * ended_at], the others sit inside it with their page durations.
 */
public record SeedCells(Map<String, Object> page) {
  /** The seed cells in page order (001, 003, 004). */
  public static List<SeedCells> load() {
    return SeedPages.cells().stream().map(SeedCells::new).toList();
  }

  public static SeedCells first() {
    return load().getFirst();
  }

  public String cellId() {
    return (String) page.get("cell_id");
  }

  public String string(String key) {
    return (String) page.get(key);
  }

  public Instant startedAt() {
    return Instant.parse(string("started_at"));
  }

  public Instant endedAt() {
    return Instant.parse(string("ended_at"));
  }

  public CellIdentity identity() {
    return new CellIdentity(
        cellId(),
        string("sweep_id"),
        string("tui"),
        string("model"),
        string("task"),
        string("category"));
  }

  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> pageSpans() {
    return (List<Map<String, Object>>) page.get("spans");
  }

  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> pageScores() {
    return (List<Map<String, Object>>) page.get("scores");
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> expectedComposite() {
    return (Map<String, Object>) page.get("expected_composite");
  }

  public String traceId() {
    return pageSpans().stream()
        .filter(s -> SpanKinds.ADAPTER_RUN.equals(s.get("kind")))
        .map(s -> (String) s.get("page_span_id"))
        .findFirst()
        .orElseThrow();
  }

  public String rootSpanId() {
    return spanId(traceId());
  }

  /** The same span, moved to another cell (tests that share one broker keep their cells apart). */
  public static SpanRecord rekey(SpanRecord s, String cellId) {
    return s.withCell(s.cell().withCellId(cellId));
  }

  public static String spanId(String pageSpanId) {
    return pageSpanId == null ? null : pageSpanId.substring(0, 16);
  }

  /** The cell's spans in page order. */
  @SuppressWarnings("unchecked")
  public List<SpanRecord> spans() {
    List<SpanRecord> spans = new ArrayList<>();
    for (Map<String, Object> s : pageSpans()) {
      String kind = (String) s.get("kind");
      Map<String, Object> attributes =
          new LinkedHashMap<>((Map<String, Object>) s.get("attributes"));
      attributes.put(WireAttributes.SPAN_KIND, kind);
      Instant start;
      Instant end;
      if (SpanKinds.ADAPTER_RUN.equals(kind)) {
        start = startedAt();
        end = endedAt();
        attributes.put(WireAttributes.CONTAINER_IMAGE_NAME, string("container_image"));
        attributes.put(WireAttributes.CONTAINER_IMAGE_ID, string("image_digest"));
        attributes.put(WireAttributes.MODEL_BUILD_ID, string("model_build_id"));
        attributes.put(
            WireAttributes.PROCESS_EXIT_CODE, ((Number) page.get("exit_code")).longValue());
      } else {
        Duration d = Duration.ofMillis(((Number) s.get("duration_ms")).longValue());
        if (SpanKinds.CLEANUP.equals(kind)) {
          end = endedAt();
          start = end.minus(d);
        } else {
          start = startedAt();
          end = start.plus(d);
        }
      }
      spans.add(
          new SpanRecord(
              SpanRecord.SCHEMA_VERSION,
              identity(),
              traceId(),
              spanId((String) s.get("page_span_id")),
              spanId((String) s.get("page_parent_span_id")),
              (String) s.get("name"),
              kind,
              start,
              end,
              "OK",
              null,
              attributes,
              Map.of("service.name", "cab-runner")));
    }
    return spans;
  }

  /** The root ({@code adapter_run}) span. */
  public SpanRecord rootSpan() {
    return spans().stream()
        .filter(s -> SpanKinds.ADAPTER_RUN.equals(s.kind()))
        .findFirst()
        .orElseThrow();
  }

  /** The scorer events in page order; the latency one carries the runner's efficiency. */
  @SuppressWarnings("unchecked")
  public List<ScoreEvent> scores() {
    List<ScoreEvent> events = new ArrayList<>();
    for (Map<String, Object> s : pageScores()) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      if (s.get("latency_efficiency") instanceof Number n) {
        attributes.put(WireAttributes.LATENCY_EFFICIENCY, n.doubleValue());
      }
      events.add(
          new ScoreEvent(
              ScoreEvent.SCHEMA_VERSION,
              identity(),
              traceId(),
              rootSpanId(),
              (String) s.get("axis"),
              s.get("score_value") instanceof Number n ? n.doubleValue() : null,
              null,
              null,
              (Map<String, Object>) s.get("breakdown"),
              attributes,
              endedAt()));
    }
    return events;
  }

  public ScoreEvent score(String axis) {
    return scores().stream().filter(e -> e.axis().equals(axis)).findFirst().orElseThrow();
  }

  /** Every scorer event except those of the given axes. */
  public List<ScoreEvent> scoresWithout(String... axes) {
    List<String> skip = List.of(axes);
    return scores().stream().filter(e -> !skip.contains(e.axis())).toList();
  }

  /** The axes in page order, as the fixture lists them. */
  public List<String> axisOrder() {
    List<String> order = pageScores().stream().map(s -> (String) s.get("axis")).toList();
    return order.isEmpty() ? Axes.REQUIRED : order;
  }
}
