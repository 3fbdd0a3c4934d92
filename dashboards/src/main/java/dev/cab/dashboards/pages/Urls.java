package dev.cab.dashboards.pages;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The URL scheme, the same as the published pages': {@code /cell/<tui>/<model>/<task>}, {@code
 * /badge/<tui>/<model>/<task>.svg}, {@code /cells/<cell id>}, {@code /sweeps/<sweep id>}.
 *
 * <p>Every name is percent-encoded as UTF-8 (space {@code %20}, {@code %} {@code %25}, {@code ?}
 * {@code %3F}, {@code #} {@code %23}, non-ASCII by its bytes). What happens to a {@code /} depends
 * on where the name sits:
 *
 * <ul>
 *   <li>a sweep id and an agent CLI are one path segment each, so a {@code /} in them is written
 *       {@code %2F} ({@code /sweeps/team%2Fnightly}): the routes after them ({@code /events},
 *       {@code /badge/...}) stay unambiguous;
 *   <li>model, task and cell id keep their {@code /} as a separator, as on the published pages
 *       ({@code /cell/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated}); they are
 *       the last part of their route, which takes the rest of the path.
 * </ul>
 */
public final class Urls {
  private Urls() {}

  public static String cell(String tui, String model, String task) {
    return "/cell/" + segment(tui) + "/" + path(model) + "/" + path(task);
  }

  public static String badge(String tui, String model, String task) {
    return "/badge/" + segment(tui) + "/" + path(model) + "/" + path(task) + ".svg";
  }

  public static String cellById(String cellId) {
    return "/cells/" + path(cellId);
  }

  public static String sweep(String sweepId) {
    return "/sweeps/" + segment(sweepId);
  }

  /** The board's Server-Sent Events. */
  public static String sweepEvents(String sweepId) {
    return sweep(sweepId) + "/events";
  }

  /** The board as JSON. */
  public static String apiSweep(String sweepId) {
    return "/api" + sweep(sweepId);
  }

  /** The badge of one leaderboard row of a sweep: its pass rate. */
  public static String sweepBadge(String sweepId, String tui, String model) {
    return sweep(sweepId) + "/badge/" + segment(tui) + "/" + path(model) + ".svg";
  }

  /** Encodes each '/'-separated segment, keeping the separators. */
  static String path(String value) {
    String[] parts = value.split("/", -1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(segment(parts[i]));
    }
    return b.toString();
  }

  /** Encodes the whole value as one path segment: a '/' becomes {@code %2F}. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
