package dev.cab.embedded.clickhouse.internal.http;

import java.util.Locale;

/**
 * What the HTTP layer needs to know about a query before the engine runs it: the statement's first
 * keyword and the output format it names ({@code ... FORMAT JSON}), found by a small lexer that
 * skips comments, string literals and quoted identifiers. Parsing and execution stay with the
 * engine; this only picks the response's {@code X-ClickHouse-Format} and {@code Content-Type}.
 *
 * <p>For an {@code INSERT} the scan stops at its {@code FORMAT} clause (what follows is data, and
 * names the input format, not the output). Immutable.
 */
public record SqlHead(String keyword, String outputFormat) {

  /** Scans {@code sql} (typically the first kilobytes of the query). */
  public static SqlHead of(String sql) {
    Lexer lexer = new Lexer(sql);
    String keyword = null;
    String format = null;
    int depth = 0;
    String previous = null;
    String candidate = null;
    for (String token = lexer.next(); token != null; token = lexer.next()) {
      if (keyword == null) {
        if (token.equals("(")) {
          // A parenthesised SELECT: the keyword is inside.
          continue;
        }
        keyword = token.toUpperCase(Locale.ROOT);
      }
      switch (token) {
        case "(" -> depth++;
        case ")" -> depth = Math.max(0, depth - 1);
        default -> {}
      }
      if (candidate != null) {
        // FORMAT <name> counts only when the clause ends there: end, ';', SETTINGS or INTO.
        String upper = token.toUpperCase(Locale.ROOT);
        if (token.equals(";") || upper.equals("SETTINGS") || upper.equals("INTO")) {
          format = candidate;
        }
        candidate = null;
      }
      if (depth == 0
          && previous != null
          && previous.equalsIgnoreCase("FORMAT")
          && Lexer.isWord(token)) {
        if ("INSERT".equals(keyword)) {
          break;
        }
        candidate = token;
      }
      previous = depth == 0 ? token : null;
    }
    if (candidate != null) {
      format = candidate;
    }
    return new SqlHead(keyword == null ? "" : keyword, format);
  }

  /** Whether this is an INSERT (its body, if any, is data). */
  public boolean isInsert() {
    return "INSERT".equals(keyword);
  }

  private static final class Lexer {
    private final String s;
    private int pos;

    Lexer(String s) {
      this.s = s;
    }

    static boolean isWord(String token) {
      return !token.isEmpty() && (Character.isLetter(token.charAt(0)) || token.charAt(0) == '_');
    }

    /** The next significant token, or null at the end (an unterminated literal ends the scan). */
    String next() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isWhitespace(c)) {
          pos++;
        } else if (c == '-' && s.startsWith("--", pos) || c == '#') {
          int end = s.indexOf('\n', pos);
          pos = end < 0 ? s.length() : end + 1;
        } else if (c == '/' && s.startsWith("/*", pos)) {
          int end = s.indexOf("*/", pos + 2);
          pos = end < 0 ? s.length() : end + 2;
        } else if (c == '\'' || c == '"' || c == '`') {
          int start = pos;
          pos++;
          while (pos < s.length()) {
            char d = s.charAt(pos);
            if (d == '\\') {
              pos += 2;
            } else if (d == c) {
              // A doubled quote is an escaped quote.
              if (pos + 1 < s.length() && s.charAt(pos + 1) == c) {
                pos += 2;
              } else {
                pos++;
                return c == '\'' ? "'" : unquote(s.substring(start + 1, pos - 1));
              }
            } else {
              pos++;
            }
          }
          return null;
        } else if (Character.isLetterOrDigit(c) || c == '_') {
          int start = pos;
          while (pos < s.length()
              && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
            pos++;
          }
          return s.substring(start, pos);
        } else {
          pos++;
          return String.valueOf(c);
        }
      }
      return null;
    }

    private static String unquote(String quotedIdentifier) {
      // A quoted identifier stands for a word (e.g. FORMAT `JSON`), unless it is empty.
      return quotedIdentifier.isEmpty() ? "\"\"" : quotedIdentifier;
    }
  }
}
