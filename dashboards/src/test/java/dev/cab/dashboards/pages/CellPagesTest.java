package dev.cab.dashboards.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.dashboards.query.CellRow;
import dev.cab.dashboards.query.Dashboards;
import dev.cab.dashboards.query.SpanRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CellPagesTest {
  private static final long T0 = 1_781_636_737_658_695L; // 2026-06-16T19:05:37.658695Z in µs

  private static CellRow cell(String digest) {
    Map<String, String> axes = new LinkedHashMap<>();
    axes.put("pass_rate", "{\"pass\":1,\"exit_code\":0}");
    axes.put("refusal", "{\"refusal\":0,\"not_applicable\":true}");
    axes.put("integrity", "{\"integrity\":1,\"not_applicable\":true}");
    return new CellRow(
        "s/openhands/stepfun-ai/step-3.5-flash/mutations/x",
        "s",
        "openhands",
        "stepfun-ai/step-3.5-flash",
        "mutations/x",
        "mutations",
        "codingagentbench/openhands:1.7.0",
        digest,
        "stepfun-ai/step-3.5-flash",
        0,
        T0,
        T0 + 145_118_041,
        145118.041,
        "complete",
        List.of(),
        0.9184724428873083,
        "{\"composite\":0.9184724428873083,\"weights_version\":\"cab-composite-v1\"}",
        1.0,
        0.0,
        145118.041,
        0.0,
        0.0,
        1.0,
        axes,
        2,
        "root",
        null,
        null,
        null,
        null,
        3,
        0,
        "passed");
  }

  private static final List<SpanRow> SPANS =
      List.of(
          new SpanRow(
              "root",
              "",
              "openhands:x",
              "adapter_run",
              T0 * 1000,
              (T0 + 145_118_041) * 1000,
              145118.041,
              "UNSET",
              "",
              "{\"cab.cell.id\":\"s/...\",\"timeout_s\":600,\"exit_code\":0}"),
          new SpanRow(
              "child",
              "root",
              "<script>alert(1)</script>",
              "tool_call",
              T0 * 1000,
              T0 * 1000,
              0.0,
              "ERROR",
              "boom",
              "{\"note\":\"<script>alert('x')</script>\",\"cab.span.kind\":\"tool_call\"}"));

  private static final Dashboards.Related NONE =
      new Dashboards.Related(List.of("aider"), List.of(), List.of());

  @Test
  void imageIsPulledByDigestWithOneSha256Prefix() {
    CellPage page = CellPages.build(cell("sha256:7fcaf2226"), SPANS, NONE, "https://x");
    assertThat(page.imageRef()).isEqualTo("codingagentbench/openhands:1.7.0@sha256:7fcaf2226");
    assertThat(page.shortDigest()).isEqualTo("sha256:7fcaf2226…");
    // a digest stored without its algorithm gets one, not two
    assertThat(CellPages.build(cell("abc"), SPANS, NONE, "").imageRef())
        .isEqualTo("codingagentbench/openhands:1.7.0@sha256:abc");
  }

  @Test
  void headlineIsBlankWhereNotRecordedOrNotApplicable() {
    CellPage page = CellPages.build(cell("sha256:a"), SPANS, NONE, "");
    assertThat(page.headline())
        .extracting(CellPage.Field::value)
        .containsExactly("1.000", "", "145.1s", "0.000", "", "1.000", "0.918");
    assertThat(page.timing())
        .extracting(CellPage.Field::value)
        .containsExactly(
            "2026-06-16T19:05:37.658695Z",
            "2026-06-16T19:08:02.776736Z",
            "145.12 s",
            "not recorded");
    assertThat(page.embed().alt())
        .isEqualTo("CodingAgentBench: openhands × stepfun-ai/step-3.5-flash 92%");
    assertThat(page.breakdown().getLast().values()).doesNotContain("weights_version");
  }

  @Test
  void spanAttributesDropTheIdentityKeysAndErrorsAreShown() {
    CellPage page = CellPages.build(cell("sha256:a"), SPANS, NONE, "");
    assertThat(page.spans().getFirst().attrs()).isEqualTo("{\"timeout_s\":600,\"exit_code\":0}");
    assertThat(page.spans().get(1).attrs()).startsWith("error: boom ");
    assertThat(page.waterfall()).extracting(CellPage.WaterfallRow::depth).containsExactly(0, 1);
    assertThat(page.waterfall().getFirst().hasChildren()).isTrue();
  }

  @Test
  void untrustedTextIsEscapedByTheTemplate() {
    String html =
        new Templates().render("cell.jte", CellPages.build(cell("sha256:a"), SPANS, NONE, ""));
    assertThat(html).doesNotContain("<script>alert");
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }

  /** A root and {@code children} tool calls under it, every seventh an error. */
  private static List<SpanRow> longTrace(int children) {
    List<SpanRow> spans = new java.util.ArrayList<>();
    spans.add(SPANS.getFirst());
    for (int i = 0; i < children; i++) {
      long at = (T0 + i * 1000L) * 1000;
      spans.add(
          new SpanRow(
              "s" + i,
              "root",
              "bash " + i,
              i % 3 == 0 ? "model_call" : "tool_call",
              at,
              at + 500_000,
              0.5,
              i % 7 == 0 ? "ERROR" : "UNSET",
              "",
              "{}"));
    }
    return spans;
  }

  @Test
  void aLongSpansTableIsSplitInPagesTheWaterfallKeepsEverySpan() {
    List<SpanRow> spans = longTrace(449); // 450 spans: pages of 200, 200, 50

    CellPage first = CellPages.build(cell("sha256:a"), spans, NONE, "");
    assertThat(first.waterfall()).hasSize(450);
    assertThat(CellPages.parse(first.traceJson()).size()).isEqualTo(450);
    assertThat(CellPages.parse(first.traceJson()).get(8).toString())
        .isEqualTo(
            "[\"s7\",\"root\",1,0,\"tool_call\",\"bash 7\",7,0.5,\"7 ms\",\"0 ms\",1,[[\"error\",\"(no message)\"]]]");
    assertThat(first.spans()).hasSize(200);
    assertThat(first.spansPager())
        .isEqualTo(new CellPage.Pager(1, 3, 1, 200, 450, "", "?spans=2&calls=1#spans"));
    assertThat(first.errorSpans()).isEqualTo(65); // i = 0, 7, ..., 448
    assertThat(first.kinds()).containsExactly("adapter_run", "model_call", "tool_call");

    CellPage last = CellPages.build(cell("sha256:a"), spans, NONE, "", new CellPages.Paging(3, 1));
    assertThat(last.spans()).hasSize(50);
    assertThat(last.spans().getLast().spanId()).isEqualTo("s448");
    assertThat(last.spansPager().prev()).isEqualTo("?spans=2&calls=1#spans");
    assertThat(last.spansPager().next()).isEmpty();
    // the model calls have their own pages: 150 calls fit in one
    assertThat(last.modelCalls()).hasSize(150);
    assertThat(last.callsPager().split()).isFalse();

    // a page past the end shows the last one (a link kept from a longer version of the cell)
    assertThat(
            CellPages.build(cell("sha256:a"), spans, NONE, "", new CellPages.Paging(9, 1))
                .spansPager())
        .isEqualTo(last.spansPager());
  }

  @Test
  void thePageOfALongTraceSaysWhichRowsItShowsAndLinksTheOthers() {
    String html =
        new Templates()
            .render(
                "cell.jte",
                CellPages.build(
                    cell("sha256:a"), longTrace(449), NONE, "", new CellPages.Paging(2, 1)));
    assertThat(html)
        .contains("Trace spans (450)", "spans 201–400 of 450 (page 2 of 3)")
        .contains("href=\"?spans=1&amp;calls=1#spans\"", "href=\"?spans=3&amp;calls=1#spans\"")
        .contains("errors only (65)", "<option value=\"tool_call\">tool_call</option>");
    // the waterfall's rows travel as JSON in an attribute, escaped like any value
    assertThat(html).contains("data-trace=\"[[&#34;root&#34;,&#34;&#34;,0,1,&#34;adapter_run&#34;");
    assertThat(html.split("<tr data-span=", -1)).hasSize(201);
  }
}
