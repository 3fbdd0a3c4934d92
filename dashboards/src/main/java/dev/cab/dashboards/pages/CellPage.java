package dev.cab.dashboards.pages;

import java.util.List;

/**
 * Everything a cell page shows, formatted as the published pages format it. Built by {@link
 * CellPages}; rendered by {@code cell.jte}, which escapes every value.
 *
 * @param traceJson the waterfall as JSON for the trace replay's script, which draws only the rows
 *     in view (see {@link CellPages#traceJson})
 */
public record CellPage(
    String title,
    String tui,
    String model,
    String task,
    String category,
    String status,
    String statusNote,
    List<Field> headline,
    List<Field> identity,
    List<Field> timing,
    List<BreakdownRow> breakdown,
    List<SpanLine> spans,
    Pager spansPager,
    List<WaterfallRow> waterfall,
    String traceJson,
    List<String> kinds,
    int errorSpans,
    double totalMs,
    String totalText,
    List<ModelCall> modelCalls,
    Pager callsPager,
    String image,
    String imageRef,
    String digest,
    String shortDigest,
    List<Snippet> byo,
    List<Link> otherTuis,
    List<Link> otherModels,
    List<Link> otherTasks,
    Embed embed,
    String sweepUrl,
    String cellUrl) {

  /** The sweep the cell ran in (its identity's {@code sweep_id}). */
  public String sweepId() {
    return identity.stream()
        .filter(f -> f.label().equals("sweep_id"))
        .map(Field::value)
        .findFirst()
        .orElse("");
  }

  /** A label and its formatted value. */
  public record Field(String label, String value) {}

  /** One row of the scorer breakdown: the axis, its keys, its JSON as scored. */
  public record BreakdownRow(String axis, String keys, String values) {}

  /** One row of the trace spans table. */
  public record SpanLine(
      String spanId,
      String parentSpanId,
      String kind,
      String name,
      String duration,
      String attrs) {}

  /**
   * One row of the trace replay, in tree order.
   *
   * @param attrs the span's harness attributes, key and JSON value
   */
  public record WaterfallRow(
      int index,
      String spanId,
      String parentSpanId,
      int depth,
      boolean hasChildren,
      String kind,
      String name,
      double startMs,
      double durationMs,
      String startText,
      String durationText,
      boolean error,
      List<Field> attrs) {

    /** Left edge in percent of the trace. */
    public String leftPercent(double totalMs) {
      return Formats.fixed(totalMs <= 0 ? 0 : 100.0 * startMs / totalMs, 3);
    }

    /** Width in percent of the trace (at least a sliver, so zero-length spans show). */
    public String widthPercent(double totalMs) {
      double w = totalMs <= 0 ? 100 : 100.0 * durationMs / totalMs;
      return Formats.fixed(Math.max(0.15, Math.min(100, w)), 3);
    }
  }

  /** One model call. */
  public record ModelCall(
      int number,
      String timestamp,
      String requestHash,
      String prompt,
      String completion,
      String latency,
      String finish) {}

  /**
   * Which rows of a long table this page shows: rows {@code from}..{@code to} (1-based, inclusive)
   * of {@code total}, and the links to the pages before and after (empty at the ends).
   */
  public record Pager(int page, int pages, int from, int to, int total, String prev, String next) {
    /** Whether the table is long enough to be split. */
    public boolean split() {
      return pages > 1;
    }
  }

  /** A "bring your own endpoint" snippet for one agent CLI. */
  public record Snippet(String tui, String text) {}

  /** A related page. */
  public record Link(String label, String href) {}

  /** "Embed this result". */
  public record Embed(String alt, String badgeUrl, String pageUrl, String markdown, String html) {}
}
