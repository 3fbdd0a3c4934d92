package dev.cab.dashboards.badge;

/**
 * Text width in 11px Verdana, the font shields.io badges are measured in: the advance width of each
 * printable ASCII character in font units (2048 per em) from Verdana's {@code hmtx} table, scaled
 * to 11 px. Characters outside the table count as a capital M's width, so an unusual name makes its
 * badge wider rather than clipped.
 */
public final class VerdanaWidths {
  private VerdanaWidths() {}

  private static final double UNITS_PER_EM = 2048;
  private static final double FONT_PX = 11;

  /** Advance widths of ' ' (0x20) to '~' (0x7e). */
  private static final int[] ADVANCE = {
    720,
    808,
    934,
    1636,
    1302,
    2216,
    1494,
    550,
    909,
    909,
    1302,
    1636,
    745,
    929,
    745,
    920, // ' '../
    1302,
    1302,
    1302,
    1302,
    1302,
    1302,
    1302,
    1302,
    1302,
    1302, // 0..9
    920,
    920,
    1636,
    1636,
    1636,
    1110,
    2000, // :..@
    1401,
    1405,
    1433,
    1577,
    1294,
    1178,
    1587,
    1540,
    862,
    925,
    1424,
    1143,
    1751, // A..M
    1530,
    1612,
    1235,
    1612,
    1435,
    1401,
    1240,
    1500,
    1401,
    2025,
    1403,
    1245,
    1397, // N..Z
    909,
    920,
    909,
    1636,
    1302,
    1302, // [..`
    1229,
    1276,
    1067,
    1276,
    1220,
    720,
    1276,
    1296,
    562,
    705,
    1192,
    562,
    1992, // a..m
    1296,
    1243,
    1276,
    1276,
    874,
    1067,
    807,
    1296,
    1192,
    1646,
    1192,
    1192,
    1071, // n..z
    1300,
    920,
    1300,
    1636 // {..~
  };

  private static final int WIDEST = 1751; // 'M'

  /** The width of {@code text} in pixels at 11px Verdana. */
  public static double width(String text) {
    double units = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      units += cp >= 0x20 && cp <= 0x7e ? ADVANCE[cp - 0x20] : WIDEST;
    }
    return units * FONT_PX / UNITS_PER_EM;
  }
}
