package dev.cab.runner.sim;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.runner.CellIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three published seed cells, read from the fixture {@value #RESOURCE} on the classpath
 * (transcribed from the seed pages: identity, the five spans with page ids, durations and harness
 * attributes, one scorer event per axis with its breakdown in page order).
 */
public final class SeedCells {
  /** Classpath location of the fixture (the pipeline's model tests read it too). */
  public static final String RESOURCE = "/dev/cab/runner/fixtures/seed-cells.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SeedCells() {}

  /**
   * One published cell.
   *
   * @param page the seed page it was transcribed from
   * @param identity cell, sweep, tui, model, task, category as on the page
   * @param containerImage {@code container.image.name}
   * @param imageDigest {@code container.image.id}
   * @param modelBuildId {@code cab.model.build_id}
   * @param exitCode {@code process.exit.code} of the root
   * @param startedAt start of the root span, to the microsecond
   * @param endedAt end of the root span, to the microsecond
   * @param spans the spans in page order
   * @param scores the scorer events in page (axis) order
   */
  public record SeedCell(
      String page,
      CellIdentity identity,
      String containerImage,
      String imageDigest,
      String modelBuildId,
      long exitCode,
      Instant startedAt,
      Instant endedAt,
      List<SeedSpan> spans,
      List<SeedScore> scores) {

    /** The adapter_run span. */
    public SeedSpan root() {
      return spans.stream()
          .filter(s -> "adapter_run".equals(s.kind()))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(page + " has no adapter_run span"));
    }

    /** The OTLP trace id: the root's 32-hex page id. */
    public String traceId() {
      return root().pageSpanId();
    }
  }

  /**
   * One span as listed on the page.
   *
   * @param pageSpanId 32 hex, as on the page
   * @param pageParentSpanId the parent's page id, or null
   * @param kind {@code cab.span.kind}
   * @param name span name
   * @param durationMs duration as shown (whole milliseconds)
   * @param attributes harness attributes in page order
   */
  public record SeedSpan(
      String pageSpanId,
      String pageParentSpanId,
      String kind,
      String name,
      long durationMs,
      Map<String, Object> attributes) {

    /** The OTLP span id: the first 16 hex characters of the page id. */
    public String spanId() {
      return pageSpanId.substring(0, 16);
    }
  }

  /**
   * One scorer event as on the page.
   *
   * @param axis {@code gen_ai.evaluation.name}
   * @param scoreValue the headline value
   * @param breakdown the page's breakdown, keys in page order
   * @param latencyEfficiency the runner's {@code cab.latency_efficiency} (latency axis), or null
   */
  public record SeedScore(
      String axis, double scoreValue, Map<String, Object> breakdown, Double latencyEfficiency) {}

  /**
   * Reads the fixture.
   *
   * @throws IllegalStateException when it is missing from the classpath
   * @throws UncheckedIOException when it cannot be read
   */
  public static List<SeedCell> load() {
    try (InputStream in = SeedCells.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      JsonNode root = MAPPER.readTree(in);
      List<SeedCell> cells = new ArrayList<>();
      for (JsonNode c : root.get("cells")) {
        cells.add(cell(c));
      }
      return List.copyOf(cells);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static SeedCell cell(JsonNode c) {
    CellIdentity identity =
        new CellIdentity(
            c.get("cell_id").asText(),
            c.get("sweep_id").asText(),
            c.get("tui").asText(),
            c.get("model").asText(),
            c.get("task").asText(),
            c.get("category").asText());
    List<SeedSpan> spans = new ArrayList<>();
    for (JsonNode s : c.get("spans")) {
      JsonNode parent = s.get("page_parent_span_id");
      spans.add(
          new SeedSpan(
              s.get("page_span_id").asText(),
              parent == null || parent.isNull() ? null : parent.asText(),
              s.get("kind").asText(),
              s.get("name").asText(),
              s.get("duration_ms").asLong(),
              map(s.get("attributes"))));
    }
    List<SeedScore> scores = new ArrayList<>();
    for (JsonNode s : c.get("scores")) {
      JsonNode efficiency = s.get("latency_efficiency");
      scores.add(
          new SeedScore(
              s.get("axis").asText(),
              s.get("score_value").asDouble(),
              map(s.get("breakdown")),
              efficiency == null || efficiency.isNull() ? null : efficiency.asDouble()));
    }
    return new SeedCell(
        c.get("page").asText(),
        identity,
        c.get("container_image").asText(),
        c.get("image_digest").asText(),
        c.get("model_build_id").asText(),
        c.get("exit_code").asLong(),
        Instant.parse(c.get("started_at").asText()),
        Instant.parse(c.get("ended_at").asText()),
        List.copyOf(spans),
        List.copyOf(scores));
  }

  private static Map<String, Object> map(JsonNode node) {
    // LinkedHashMap keeps the page's key order; Jackson maps ints to Integer/Long, floats to
    // Double.
    return MAPPER.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {});
  }
}
