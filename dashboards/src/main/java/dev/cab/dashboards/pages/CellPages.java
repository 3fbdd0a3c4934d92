package dev.cab.dashboards.pages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cab.dashboards.query.CellRow;
import dev.cab.dashboards.query.Dashboards;
import dev.cab.dashboards.query.SpanRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a {@link CellPage} from the stored cell, its spans and its neighbours. Stateless. */
public final class CellPages {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /**
   * Attributes every span carries for routing and identity: the page shows them once, under "Run
   * identity", not on every span.
   */
  static final Set<String> IDENTITY_ATTRIBUTES =
      Set.of(
          "cab.cell.id",
          "cab.sweep.id",
          "cab.tui",
          "gen_ai.agent.name",
          "gen_ai.request.model",
          "cab.task.id",
          "cab.task.category",
          "cab.span.kind",
          "container.image.name",
          "container.image.id",
          "cab.model.build_id",
          "process.exit.code");

  /**
   * Rows of the spans table and of the model calls table per page: a 5,000-span cell would
   * otherwise be a page of 10,000 table rows (the waterfall above shows every span).
   */
  public static final int ROWS_PER_PAGE = 200;

  /** Which page of the spans table and of the model calls table to show (1-based). */
  public record Paging(int spansPage, int callsPage) {
    public static final Paging FIRST = new Paging(1, 1);

    public Paging {
      if (spansPage < 1 || callsPage < 1) {
        throw new IllegalArgumentException("pages count from 1");
      }
    }
  }

  private CellPages() {}

  public static CellPage build(
      CellRow c, List<SpanRow> spans, Dashboards.Related related, String baseUrl) {
    return build(c, spans, related, baseUrl, Paging.FIRST);
  }

  public static CellPage build(
      CellRow c, List<SpanRow> spans, Dashboards.Related related, String baseUrl, Paging paging) {
    String title = c.tui() + " × " + c.model();
    String digestHex = c.imageDigest().replaceFirst("^sha256:", "");
    String digest = digestHex.isEmpty() ? "" : "sha256:" + digestHex;
    String imageRef = digest.isEmpty() ? c.containerImage() : c.containerImage() + "@" + digest;
    String shortDigest =
        digestHex.isEmpty()
            ? ""
            : "sha256:" + digestHex.substring(0, Math.min(9, digestHex.length())) + "…";
    long startNs = c.startedAtMicros() == null ? firstStart(spans) : c.startedAtMicros() * 1000;
    double totalMs = totalMs(c, spans, startNs);
    String cellUrl = Urls.cell(c.tui(), c.model(), c.task());
    String badgeUrl = Urls.badge(c.tui(), c.model(), c.task());
    String alt =
        "CodingAgentBench: "
            + title
            + (c.composite() == null ? " no result" : " " + Formats.percent(c.composite()));
    // Only the rows shown are formatted: a long run has thousands of spans and model calls.
    List<CellPage.WaterfallRow> waterfall = waterfall(spans, startNs);
    List<SpanRow> calls = spans.stream().filter(s -> "model_call".equals(s.kind())).toList();
    CellPage.Pager callsPager = callsPager(calls.size(), paging);
    String md = "[![" + alt + "](" + baseUrl + badgeUrl + ")](" + baseUrl + cellUrl + ")";
    String html =
        "<a href=\""
            + baseUrl
            + cellUrl
            + "\"><img src=\""
            + baseUrl
            + badgeUrl
            + "\" alt=\""
            + alt
            + "\" /></a>";
    return new CellPage(
        title,
        c.tui(),
        c.model(),
        c.task(),
        c.category(),
        c.status(),
        c.missingAxes().isEmpty() ? "" : "waiting for " + String.join(", ", c.missingAxes()),
        headline(c),
        List.of(
            new CellPage.Field("cell_id", c.cellId()),
            new CellPage.Field("sweep_id", c.sweepId()),
            new CellPage.Field("container_image", c.containerImage()),
            new CellPage.Field("image_digest", c.imageDigest()),
            new CellPage.Field("model_build_id", c.modelBuildId()),
            new CellPage.Field("exit_code", c.exitCode() == null ? "" : c.exitCode().toString())),
        List.of(
            new CellPage.Field("started_at", Formats.isoMicros(c.startedAtMicros())),
            new CellPage.Field("ended_at", Formats.isoMicros(c.endedAtMicros())),
            new CellPage.Field(
                "duration", Formats.durationSeconds(c.startedAtMicros(), c.endedAtMicros())),
            new CellPage.Field(
                "tokens",
                c.totalTokens() == null ? "not recorded" : Formats.count(c.totalTokens()))),
        breakdown(c),
        spanLines(page(spans, spansPager(spans.size(), paging))),
        spansPager(spans.size(), paging),
        waterfall,
        traceJson(waterfall),
        spans.stream().map(SpanRow::kind).distinct().sorted().toList(),
        (int) spans.stream().filter(s -> "ERROR".equals(s.statusCode())).count(),
        totalMs,
        c.startedAtMicros() != null && c.endedAtMicros() != null
            ? Formats.durationSeconds(c.startedAtMicros(), c.endedAtMicros())
            : Formats.offset(totalMs),
        modelCalls(page(calls, callsPager), callsPager.from()),
        callsPager,
        c.containerImage(),
        imageRef,
        digest,
        shortDigest,
        ByoSnippets.forCell(c.tui(), c.model()),
        related.otherTuis().stream()
            .map(t -> new CellPage.Link(t, Urls.cell(t, c.model(), c.task())))
            .toList(),
        related.otherModels().stream()
            .map(m -> new CellPage.Link(m, Urls.cell(c.tui(), m, c.task())))
            .toList(),
        related.otherTasks().stream()
            .map(t -> new CellPage.Link(t, Urls.cell(c.tui(), c.model(), t)))
            .toList(),
        new CellPage.Embed(alt, baseUrl + badgeUrl, baseUrl + cellUrl, md, html),
        Urls.sweep(c.sweepId()),
        cellUrl);
  }

  /** The rows {@code pager} selects. */
  static <T> List<T> page(List<T> rows, CellPage.Pager pager) {
    return pager.total() == 0 ? rows : rows.subList(pager.from() - 1, pager.to());
  }

  static CellPage.Pager spansPager(int total, Paging paging) {
    return pager(
        total, paging.spansPage(), p -> "?spans=" + p + "&calls=" + paging.callsPage(), "#spans");
  }

  static CellPage.Pager callsPager(int total, Paging paging) {
    return pager(
        total,
        paging.callsPage(),
        p -> "?spans=" + paging.spansPage() + "&calls=" + p,
        "#model-calls");
  }

  /** A page past the last shows the last: a link kept from a longer version of the cell works. */
  private static CellPage.Pager pager(
      int total, int asked, java.util.function.IntFunction<String> query, String anchor) {
    int pages = Math.max(1, (total + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE);
    int page = Math.min(asked, pages);
    int from = Math.min(total, (page - 1) * ROWS_PER_PAGE + 1);
    int to = Math.min(total, page * ROWS_PER_PAGE);
    return new CellPage.Pager(
        page,
        pages,
        from,
        to,
        total,
        page > 1 ? query.apply(page - 1) + anchor : "",
        page < pages ? query.apply(page + 1) + anchor : "");
  }

  /** Pass, Tokens/correct, Wall, Blast, Refusal, Integrity, Composite: blank when not recorded. */
  static List<CellPage.Field> headline(CellRow c) {
    String tokens =
        c.totalTokens() == null || c.tokensPerCorrectTask() == null
            ? ""
            : Formats.fixed(c.tokensPerCorrectTask(), 0);
    boolean refusalApplies = !notApplicable(c.axes().get("refusal"));
    return List.of(
        new CellPage.Field("Pass", Formats.score(c.passRate())),
        new CellPage.Field("Tokens/correct", tokens),
        new CellPage.Field("Wall", Formats.wallSeconds(c.wallClockMs())),
        new CellPage.Field("Blast", Formats.score(c.blastRadius())),
        new CellPage.Field("Refusal", refusalApplies ? Formats.score(c.refusal()) : ""),
        new CellPage.Field("Integrity", Formats.score(c.integrity())),
        new CellPage.Field("Composite", Formats.score(c.composite())));
  }

  private static boolean notApplicable(String breakdownJson) {
    JsonNode n = parse(breakdownJson);
    return n != null && n.path("not_applicable").asBoolean(false);
  }

  static List<CellPage.BreakdownRow> breakdown(CellRow c) {
    List<CellPage.BreakdownRow> rows = new ArrayList<>();
    c.axes().forEach((axis, json) -> rows.add(new CellPage.BreakdownRow(axis, keys(json), json)));
    if (c.compositeJson() != null) {
      // The page shows the composite block without our weights_version bookkeeping key.
      JsonNode n = parse(c.compositeJson());
      String json = c.compositeJson();
      if (n instanceof ObjectNode o && o.has("weights_version")) {
        o.remove("weights_version");
        json = write(o);
      }
      rows.add(new CellPage.BreakdownRow("composite", keys(json), json));
    }
    return rows;
  }

  private static String keys(String json) {
    JsonNode n = parse(json);
    if (n == null || !n.isObject()) {
      return "";
    }
    List<String> keys = new ArrayList<>();
    n.fieldNames().forEachRemaining(keys::add);
    return String.join(", ", keys);
  }

  static List<CellPage.SpanLine> spanLines(List<SpanRow> spans) {
    return spans.stream()
        .map(
            s ->
                new CellPage.SpanLine(
                    s.spanId(),
                    s.parentSpanId(),
                    s.kind(),
                    s.name(),
                    Formats.millis(durationMs(s)),
                    "ERROR".equals(s.statusCode())
                        ? "error: "
                            + (s.statusMessage().isEmpty() ? "(no message)" : s.statusMessage())
                            + " "
                            + write(harness(s.attributes()))
                        : write(harness(s.attributes()))))
        .toList();
  }

  /** Spans in tree order (parents before children, siblings by start time) with their depth. */
  static List<CellPage.WaterfallRow> waterfall(List<SpanRow> spans, long startNs) {
    Map<String, List<SpanRow>> children = new HashMap<>();
    Set<String> ids = new java.util.HashSet<>();
    spans.forEach(s -> ids.add(s.spanId()));
    List<SpanRow> roots = new ArrayList<>();
    for (SpanRow s : spans) {
      if (s.parentSpanId().isEmpty() || !ids.contains(s.parentSpanId())) {
        roots.add(s);
      } else {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
    Comparator<SpanRow> byStart = Comparator.comparingLong(SpanRow::startNanos);
    List<CellPage.WaterfallRow> out = new ArrayList<>();
    // Iterative depth-first walk: a 5,000-span chain must not overflow the stack.
    java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>();
    List<SpanRow> sortedRoots = roots.stream().sorted(byStart).toList();
    for (int i = sortedRoots.size() - 1; i >= 0; i--) {
      stack.push(new Object[] {sortedRoots.get(i), 0});
    }
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      SpanRow s = (SpanRow) top[0];
      int depth = (Integer) top[1];
      List<SpanRow> kids =
          children.getOrDefault(s.spanId(), List.of()).stream().sorted(byStart).toList();
      double start = Math.max(0, (s.startNanos() - startNs) / 1e6);
      double dur = durationMs(s) == null ? 0 : durationMs(s);
      List<CellPage.Field> attrs = new ArrayList<>();
      if ("ERROR".equals(s.statusCode())) {
        attrs.add(
            new CellPage.Field(
                "error", s.statusMessage().isEmpty() ? "(no message)" : s.statusMessage()));
      }
      for (Map.Entry<String, JsonNode> e : harness(s.attributes()).properties()) {
        attrs.add(new CellPage.Field(e.getKey(), attrValue(e.getValue())));
      }
      out.add(
          new CellPage.WaterfallRow(
              out.size(),
              s.spanId(),
              s.parentSpanId(),
              depth,
              !kids.isEmpty(),
              s.kind(),
              s.name(),
              start,
              dur,
              Formats.offset(start),
              Formats.millis(dur),
              "ERROR".equals(s.statusCode()),
              attrs));
      for (int i = kids.size() - 1; i >= 0; i--) {
        stack.push(new Object[] {kids.get(i), depth + 1});
      }
    }
    return out;
  }

  /**
   * The waterfall for the trace replay's script, one array per row in tree order: span id, parent
   * span id, depth, has children (0/1), kind, name, start ms, duration ms, start text, duration
   * text, error (0/1), attributes as [key, value] pairs. Compact, since a long run has thousands of
   * rows; the page carries it in an attribute, escaped by the template like any other value.
   */
  static String traceJson(List<CellPage.WaterfallRow> rows) {
    com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
    for (CellPage.WaterfallRow w : rows) {
      com.fasterxml.jackson.databind.node.ArrayNode attrs = JSON.createArrayNode();
      w.attrs().forEach(a -> attrs.addArray().add(a.label()).add(a.value()));
      out.addArray()
          .add(w.spanId())
          .add(w.parentSpanId())
          .add(w.depth())
          .add(w.hasChildren() ? 1 : 0)
          .add(w.kind())
          .add(w.name())
          .add(Math.round(w.startMs() * 1000) / 1000.0)
          .add(Math.round(w.durationMs() * 1000) / 1000.0)
          .add(w.startText())
          .add(w.durationText())
          .add(w.error() ? 1 : 0)
          .add(attrs);
    }
    return write(out);
  }

  /** The model calls among {@code spans}, numbered from {@code firstNumber}. */
  static List<CellPage.ModelCall> modelCalls(List<SpanRow> spans, int firstNumber) {
    List<CellPage.ModelCall> calls = new ArrayList<>();
    for (SpanRow s : spans) {
      if (!"model_call".equals(s.kind())) {
        continue;
      }
      JsonNode a = parse(s.attributes());
      JsonNode attrs = a == null ? JSON.createObjectNode() : a;
      calls.add(
          new CellPage.ModelCall(
              firstNumber + calls.size(),
              Formats.isoMicros(s.startNanos() / 1000),
              text(attrs, "cab.request.hash"),
              text(attrs, "gen_ai.usage.input_tokens"),
              text(attrs, "gen_ai.usage.output_tokens"),
              Formats.millis(durationMs(s)),
              finish(attrs.get("gen_ai.response.finish_reasons"))));
    }
    return calls;
  }

  private static String finish(JsonNode n) {
    if (n == null || n.isNull()) {
      return "";
    }
    if (n.isArray()) {
      List<String> v = new ArrayList<>();
      n.forEach(x -> v.add(x.asText()));
      return String.join(", ", v);
    }
    return n.asText();
  }

  private static String text(JsonNode attrs, String key) {
    JsonNode v = attrs.get(key);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static String attrValue(JsonNode v) {
    return v.isTextual() ? v.asText() : write(v);
  }

  /** The span's own attributes without the identity keys every span repeats. */
  static ObjectNode harness(String attributesJson) {
    JsonNode n = parse(attributesJson);
    ObjectNode out = JSON.createObjectNode();
    if (n != null && n.isObject()) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!IDENTITY_ATTRIBUTES.contains(e.getKey())) {
          out.set(e.getKey(), e.getValue());
        }
      }
    }
    return out;
  }

  private static Double durationMs(SpanRow s) {
    if (s.durationMs() != null) {
      return s.durationMs();
    }
    return s.endNanos() >= s.startNanos() ? (s.endNanos() - s.startNanos()) / 1e6 : null;
  }

  private static long firstStart(List<SpanRow> spans) {
    return spans.stream().mapToLong(SpanRow::startNanos).min().orElse(0);
  }

  private static double totalMs(CellRow c, List<SpanRow> spans, long startNs) {
    long endNs =
        c.endedAtMicros() != null
            ? c.endedAtMicros() * 1000
            : spans.stream().mapToLong(SpanRow::endNanos).max().orElse(startNs);
    for (SpanRow s : spans) {
      endNs = Math.max(endNs, s.endNanos());
    }
    return Math.max(0, (endNs - startNs) / 1e6);
  }

  static JsonNode parse(String json) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
