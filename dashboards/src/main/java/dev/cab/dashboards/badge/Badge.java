package dev.cab.dashboards.badge;

/**
 * A shields.io "flat" badge: grey label on the left, coloured message on the right, each half the
 * text's width plus 10 px, 20 px high. Geometry only; {@code badge.jte} draws it (and escapes the
 * text). Immutable.
 *
 * @param label left text ({@code CodingAgentBench})
 * @param message right text ({@code 92%}, {@code no result})
 * @param color message background
 * @param title accessible name: {@code <title>} and {@code aria-label}
 */
public record Badge(String label, String message, String color, String title) {

  public static final String LABEL = "CodingAgentBench";
  public static final String GREY = "#9f9f9f";

  /** A badge for a composite score in [0, 1], coloured on shields.io's scale. */
  public static Badge forScore(double composite, String title) {
    long pct = Math.round(composite * 100);
    return new Badge(LABEL, pct + "%", colorFor(composite), title);
  }

  /** The grey badge of an unknown cell. */
  public static Badge noResult(String title) {
    return new Badge(LABEL, "no result", GREY, title);
  }

  static String colorFor(double score) {
    if (score >= 0.9) {
      return "#4c1"; // brightgreen
    }
    if (score >= 0.75) {
      return "#97ca00"; // green
    }
    if (score >= 0.6) {
      return "#a4a61d"; // yellowgreen
    }
    if (score >= 0.45) {
      return "#dfb317"; // yellow
    }
    if (score >= 0.3) {
      return "#fe7d37"; // orange
    }
    return "#e05d44"; // red
  }

  private static int textWidth(String s) {
    return (int) Math.ceil(VerdanaWidths.width(s));
  }

  /** Width of the label half: text + 10. */
  public int labelWidth() {
    return textWidth(label) + 10;
  }

  public int messageWidth() {
    return textWidth(message) + 10;
  }

  public int width() {
    return labelWidth() + messageWidth();
  }

  /** Text positions and lengths in the badge's 10x coordinate system ({@code scale(.1)}). */
  public int labelX() {
    return labelWidth() * 10 / 2;
  }

  public int messageX() {
    return labelWidth() * 10 + messageWidth() * 10 / 2;
  }

  public int labelTextLength() {
    return textWidth(label) * 10;
  }

  public int messageTextLength() {
    return textWidth(message) * 10;
  }
}
