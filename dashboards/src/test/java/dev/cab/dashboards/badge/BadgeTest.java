package dev.cab.dashboards.badge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.dashboards.pages.Templates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class BadgeTest {
  private final Templates templates = new Templates();

  private Document render(Badge b) throws Exception {
    String svg = templates.render("badge.jte", b).strip();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void scoreBadgeIsAFlatShieldsBadgeWithItsAccessibleName() throws Exception {
    Badge b =
        Badge.forScore(
            0.9184724428873083, "CodingAgentBench: openhands × stepfun-ai/step-3.5-flash 92%");
    Document svg = render(b);
    Element root = svg.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("svg");
    assertThat(root.getAttribute("role")).isEqualTo("img");
    assertThat(root.getAttribute("height")).isEqualTo("20");
    assertThat(root.getAttribute("aria-label"))
        .isEqualTo("CodingAgentBench: openhands × stepfun-ai/step-3.5-flash 92%");
    assertThat(svg.getElementsByTagName("title").item(0).getTextContent())
        .isEqualTo(root.getAttribute("aria-label"));
    assertThat(b.message()).isEqualTo("92%");
    assertThat(b.color()).isEqualTo("#4c1");
    assertThat(Integer.parseInt(root.getAttribute("width"))).isEqualTo(b.width());
  }

  @Test
  void widthFollowsTheTextEachHalfTextPlusTen() {
    // 11px Verdana: "CodingAgentBench" is about 105 px, digits are 6.99 px each
    assertThat(VerdanaWidths.width("0")).isCloseTo(6.99, org.assertj.core.data.Offset.offset(0.01));
    Badge b = Badge.forScore(0.5, "t");
    assertThat(b.labelWidth())
        .isEqualTo((int) Math.ceil(VerdanaWidths.width("CodingAgentBench")) + 10);
    assertThat(b.messageWidth()).isEqualTo((int) Math.ceil(VerdanaWidths.width("50%")) + 10);
    assertThat(Badge.forScore(1.0, "t").width()).isGreaterThan(Badge.forScore(0.5, "t").width());
    assertThat(VerdanaWidths.width("WWW")).isGreaterThan(VerdanaWidths.width("iii"));
  }

  @Test
  void unknownCellIsGreyNoResultAndTextIsEscaped() throws Exception {
    Badge b = Badge.noResult("CodingAgentBench: <script>alert(1)</script> & co no result");
    Document svg = render(b);
    assertThat(b.message()).isEqualTo("no result");
    assertThat(b.color()).isEqualTo(Badge.GREY);
    assertThat(svg.getElementsByTagName("script").getLength()).isZero();
    assertThat(svg.getElementsByTagName("title").item(0).getTextContent())
        .isEqualTo("CodingAgentBench: <script>alert(1)</script> & co no result");
  }

  @Test
  void colourScaleFollowsTheScore() {
    assertThat(Badge.colorFor(0.95)).isEqualTo("#4c1");
    assertThat(Badge.colorFor(0.8)).isEqualTo("#97ca00");
    assertThat(Badge.colorFor(0.55)).isEqualTo("#dfb317");
    assertThat(Badge.colorFor(0.1)).isEqualTo("#e05d44");
  }
}
