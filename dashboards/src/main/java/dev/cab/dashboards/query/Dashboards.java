package dev.cab.dashboards.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every query the dashboards run, as constants with {@code {name:Type}} placeholders. Input from a
 * request only ever reaches ClickHouse as a bound parameter. Thread-safe.
 */
public final class Dashboards {
  /** Axes in the order the published pages list them. */
  public static final List<String> PAGE_AXES =
      List.of("pass_rate", "tokens", "latency", "blast_radius", "refusal", "integrity");

  private static final String CELL_COLUMNS =
      """
      cell_id, sweep_id, tui, model, task, category, container_image, image_digest,
      model_build_id, exit_code,
      toUnixTimestamp64Micro(started_at) AS started_us, toUnixTimestamp64Micro(ended_at) AS ended_us,
      duration_ms, status, missing_axes, composite, composite_json,
      pass_rate, tokens_per_correct_task, wall_clock_ms, blast_radius, refusal, integrity,
      axis_pass_rate, axis_tokens, axis_latency, axis_blast_radius, axis_refusal, axis_integrity,
      axes, span_count, root_span_id, total_tokens, input_tokens, output_tokens, model_calls,
      version, toUnixTimestamp64Milli(inserted_at) AS inserted_ms, outcome
      """;

  static final String CELL_BY_ID =
      "SELECT " + CELL_COLUMNS + " FROM cells FINAL WHERE cell_id = {cell_id:String}";

  /** The newest cell of a (tui, model/task) pair: model and task both contain '/'. */
  static final String CELL_BY_TRIPLE =
      "SELECT "
          + CELL_COLUMNS
          + " FROM cells FINAL WHERE tui = {tui:String}"
          + " AND concat(model, '/', task) = {model_task:String}"
          + " ORDER BY started_at DESC NULLS LAST, inserted_at DESC LIMIT 1";

  static final String SPANS =
      """
      SELECT span_id, parent_span_id, name, kind,
             toUnixTimestamp64Nano(start_time) AS start_ns, toUnixTimestamp64Nano(end_time) AS end_ns,
             duration_ms, status_code, status_message, attributes
      FROM spans FINAL WHERE cell_id = {cell_id:String}
      ORDER BY start_time, indexOf(['task_setup', 'tool_call', 'model_call', 'container',
               'adapter_run', 'cleanup'], kind), end_time, span_id
      LIMIT 100000
      """;

  static final String OTHER_TUIS =
      "SELECT DISTINCT tui AS v FROM cells WHERE model = {model:String} AND task = {task:String}"
          + " AND tui != {tui:String} ORDER BY v LIMIT 100";
  static final String OTHER_MODELS =
      "SELECT DISTINCT model AS v FROM cells WHERE tui = {tui:String} AND task = {task:String}"
          + " AND model != {model:String} ORDER BY v LIMIT 100";
  static final String OTHER_TASKS =
      "SELECT DISTINCT task AS v FROM cells WHERE tui = {tui:String} AND model = {model:String}"
          + " AND category = {category:String} AND task != {task:String} ORDER BY v LIMIT 100";

  private final ClickHouseReader reader;

  public Dashboards(ClickHouseReader reader) {
    this.reader = reader;
  }

  public ClickHouseReader reader() {
    return reader;
  }

  public Optional<CellRow> cellById(String cellId) {
    return Optional.ofNullable(reader.firstRow(CELL_BY_ID, SqlParams.of("cell_id", cellId)))
        .map(Dashboards::cell);
  }

  /** The newest cell of {@code tui} whose {@code model + "/" + task} is {@code modelTask}. */
  public Optional<CellRow> cellByTriple(String tui, String modelTask) {
    return Optional.ofNullable(
            reader.firstRow(CELL_BY_TRIPLE, SqlParams.of("tui", tui).and("model_task", modelTask)))
        .map(Dashboards::cell);
  }

  public List<SpanRow> spans(String cellId) {
    List<SpanRow> spans = new ArrayList<>();
    for (JsonNode r : reader.rows(SPANS, SqlParams.of("cell_id", cellId))) {
      spans.add(
          new SpanRow(
              r.path("span_id").asText(),
              r.path("parent_span_id").asText(),
              r.path("name").asText(),
              r.path("kind").asText(),
              r.path("start_ns").asLong(),
              r.path("end_ns").asLong(),
              doubleOrNull(r.get("duration_ms")),
              r.path("status_code").asText(),
              r.path("status_message").asText(),
              r.path("attributes").asText()));
    }
    return spans;
  }

  /**
   * Other cells around this one, for the page's related lists.
   *
   * @param otherTuis other agent CLIs on this task with this model
   * @param otherModels other models with this CLI on this task
   * @param otherTasks other tasks of this category with this CLI and model
   */
  public record Related(
      List<String> otherTuis, List<String> otherModels, List<String> otherTasks) {}

  public Related related(CellRow c) {
    SqlParams p =
        SqlParams.of("tui", c.tui())
            .and("model", c.model())
            .and("task", c.task())
            .and("category", c.category());
    return new Related(values(OTHER_TUIS, p), values(OTHER_MODELS, p), values(OTHER_TASKS, p));
  }

  private List<String> values(String sql, SqlParams p) {
    return reader.rows(sql, p).stream().map(r -> r.path("v").asText()).toList();
  }

  static CellRow cell(JsonNode r) {
    Map<String, String> axes = new LinkedHashMap<>();
    for (String axis : PAGE_AXES) {
      JsonNode v = r.get("axis_" + axis);
      if (v != null && !v.isNull()) {
        axes.put(axis, v.asText());
      }
    }
    JsonNode extra = r.path("axes");
    for (Map.Entry<String, JsonNode> e : extra.properties()) {
      axes.putIfAbsent(e.getKey(), e.getValue().asText());
    }
    List<String> missing = new ArrayList<>();
    r.path("missing_axes").forEach(m -> missing.add(m.asText()));
    return new CellRow(
        r.path("cell_id").asText(),
        r.path("sweep_id").asText(),
        r.path("tui").asText(),
        r.path("model").asText(),
        r.path("task").asText(),
        r.path("category").asText(),
        r.path("container_image").asText(),
        r.path("image_digest").asText(),
        r.path("model_build_id").asText(),
        r.hasNonNull("exit_code") ? r.get("exit_code").asInt() : null,
        longOrNull(r.get("started_us")),
        longOrNull(r.get("ended_us")),
        doubleOrNull(r.get("duration_ms")),
        r.path("status").asText(),
        List.copyOf(missing),
        doubleOrNull(r.get("composite")),
        r.hasNonNull("composite_json") ? r.get("composite_json").asText() : null,
        doubleOrNull(r.get("pass_rate")),
        doubleOrNull(r.get("tokens_per_correct_task")),
        doubleOrNull(r.get("wall_clock_ms")),
        doubleOrNull(r.get("blast_radius")),
        doubleOrNull(r.get("refusal")),
        doubleOrNull(r.get("integrity")),
        axes,
        r.path("span_count").asLong(),
        r.path("root_span_id").asText(),
        longOrNull(r.get("total_tokens")),
        longOrNull(r.get("input_tokens")),
        longOrNull(r.get("output_tokens")),
        longOrNull(r.get("model_calls")),
        r.path("version").asLong(),
        r.path("inserted_ms").asLong(),
        r.path("outcome").asText());
  }

  static Double doubleOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asDouble();
  }

  static Long longOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asLong();
  }
}
