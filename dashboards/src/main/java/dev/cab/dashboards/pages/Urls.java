package dev.cab.dashboards.pages;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The URL scheme, the same as the published pages': {@code /cell/<tui>/<model>/<task>}, {@code
 * /badge/<tui>/<model>/<task>.svg}, {@code /cells/<cell id>}, {@code /sweeps/<sweep id>}. Each name
 * is percent-encoded segment by segment, so the '/' inside model and task names stays a '/'.
 */
public final class Urls {
  private Urls() {}

  public static String cell(String tui, String model, String task) {
    return "/cell/" + path(tui) + "/" + path(model) + "/" + path(task);
  }

  public static String badge(String tui, String model, String task) {
    return "/badge/" + path(tui) + "/" + path(model) + "/" + path(task) + ".svg";
  }

  public static String cellById(String cellId) {
    return "/cells/" + path(cellId);
  }

  public static String sweep(String sweepId) {
    return "/sweeps/" + path(sweepId);
  }

  /** The badge of one leaderboard row of a sweep: its pass rate. */
  public static String sweepBadge(String sweepId, String tui, String model) {
    return sweep(sweepId) + "/badge/" + path(tui) + "/" + path(model) + ".svg";
  }

  /** Encodes each '/'-separated segment, keeping the separators. */
  static String path(String value) {
    String[] parts = value.split("/", -1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(URLEncoder.encode(parts[i], StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }
}
