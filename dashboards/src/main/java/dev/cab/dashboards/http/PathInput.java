package dev.cab.dashboards.http;

/**
 * Checks names taken from a URL before they go anywhere (they only ever reach ClickHouse as bound
 * parameters; this keeps junk out of pages and logs): bounded length, no control characters.
 */
final class PathInput {
  /** Longer than any real cell id (sweep/tui/model/task). */
  static final int MAX_LENGTH = 512;

  private PathInput() {}

  static String check(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new BadRequestException(400, what + " is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new BadRequestException(
          414, what + " is longer than " + MAX_LENGTH + " characters (" + value.length() + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new BadRequestException(400, what + " contains a control character");
      }
    }
    return value;
  }

  /** A page number from the query string ({@code ?spans=2}): absent is 1; else 1 to 100,000. */
  static int pageNumber(String what, String value) {
    if (value == null || value.isEmpty()) {
      return 1;
    }
    if (value.length() <= 6 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int page = Integer.parseInt(value);
      if (page >= 1 && page <= 100_000) {
        return page;
      }
    }
    throw new BadRequestException(
        400,
        what
            + " is a page number from 1 to 100000, not '"
            + (value.length() > 40 ? value.substring(0, 40) + "…" : value)
            + "'");
  }

  /** {@code model/task.svg} without its extension; 404 for another extension. */
  static String stripSvg(String what, String value) {
    if (!value.endsWith(".svg")) {
      throw new BadRequestException(404, what + " must end in .svg");
    }
    return check(what, value.substring(0, value.length() - ".svg".length()));
  }
}
