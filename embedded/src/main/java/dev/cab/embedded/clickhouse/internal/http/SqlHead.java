package dev.cab.embedded.clickhouse.internal.http;

import java.util.Locale;

/**
 * What the HTTP layer needs to know about a query before the engine runs it, found by a small lexer
 * that skips comments, string literals and quoted identifiers (parsing and execution stay with the
 * engine):
 *
 * <ul>
 *   <li>the statement's first keyword, and the output format it names ({@code ... FORMAT JSON}),
 *       for the response's {@code X-ClickHouse-Format} and {@code Content-Type};
 *   <li>for an {@code INSERT} with inline data ({@code FORMAT x <data>} or {@code VALUES <data>}):
 *       where the data clause starts, where the data itself starts (ClickHouse's rule: after the
 *       format name, spaces and tabs, then one optional CR and one optional LF), and where a {@code
 *       SETTINGS} clause before it starts;
 *   <li>whether the text holds more than one statement, or names a file ({@code FROM INFILE},
 *       {@code INTO OUTFILE}), which a ClickHouse server refuses over HTTP.
 * </ul>
 *
 * Offsets are character offsets into the scanned text; scan bytes decoded as ISO-8859-1 to make
 * them byte offsets. The scan of an INSERT stops where its data starts. Immutable.
 *
 * @param keyword the first keyword, upper case ("" for an empty text)
 * @param outputFormat the format named by a top-level FORMAT clause of a non-INSERT, or null
 * @param inputFormat an INSERT's inline data format ("Values" for VALUES), or null
 * @param dataClauseStart offset of an INSERT's FORMAT or VALUES keyword, or -1
 * @param dataStart offset of an INSERT's first data character, or -1
 * @param settingsStart offset of the SETTINGS keyword before an INSERT's data clause, or -1
 * @param multiStatement more than one statement (a top-level ';' followed by more)
 * @param namesFile a FROM INFILE or INTO OUTFILE clause
 */
public record SqlHead(
    String keyword,
    String outputFormat,
    String inputFormat,
    int dataClauseStart,
    int dataStart,
    int settingsStart,
    boolean multiStatement,
    boolean namesFile) {

  /** Scans {@code sql}. */
  public static SqlHead of(String sql) {
    Lexer lexer = new Lexer(sql);
    String keyword = null;
    String format = null;
    int depth = 0;
    Token previous = null;
    Token candidate = null;
    boolean semicolon = false;
    boolean multi = false;
    boolean file = false;
    boolean selectSeen = false;
    int settingsStart = -1;
    for (Token token = lexer.next(); token != null; token = lexer.next()) {
      String upper = token.text().toUpperCase(Locale.ROOT);
      if (semicolon) {
        multi = true;
        break;
      }
      if (keyword == null) {
        if (token.text().equals("(")) {
          continue; // a parenthesised SELECT: the keyword is inside
        }
        keyword = upper;
      }
      switch (token.text()) {
        case "(" -> depth++;
        case ")" -> depth = Math.max(0, depth - 1);
        default -> {}
      }
      if (depth == 0 && token.text().equals(";")) {
        semicolon = true;
        if (candidate != null) {
          format = candidate.text();
          candidate = null;
        }
        continue;
      }
      if (candidate != null) {
        // FORMAT <name> counts only when the clause ends there: end, ';', SETTINGS or INTO.
        if (upper.equals("SETTINGS") || upper.equals("INTO")) {
          format = candidate.text();
        }
        candidate = null;
      }
      if (depth == 0 && previous != null && token.word()) {
        String before = previous.text().toUpperCase(Locale.ROOT);
        if ((before.equals("FROM") && upper.equals("INFILE"))
            || (before.equals("INTO") && upper.equals("OUTFILE"))) {
          file = true;
        }
      }
      if ("INSERT".equals(keyword) && depth == 0 && token.word()) {
        if (upper.equals("SELECT") || upper.equals("WITH")) {
          selectSeen = true;
        } else if (!selectSeen && upper.equals("SETTINGS") && settingsStart < 0) {
          settingsStart = token.start();
        } else if (!selectSeen && upper.equals("VALUES")) {
          return new SqlHead(
              keyword, null, "Values", token.start(), token.end(), settingsStart, false, file);
        } else if (!selectSeen
            && previous != null
            && previous.text().equalsIgnoreCase("FORMAT")
            && previous.word()) {
          return new SqlHead(
              keyword,
              null,
              token.text(),
              previous.start(),
              dataStart(sql, token.end()),
              settingsStart,
              false,
              file);
        }
      } else if (depth == 0
          && previous != null
          && previous.text().equalsIgnoreCase("FORMAT")
          && token.word()) {
        candidate = token;
      }
      previous = depth == 0 ? token : null;
    }
    if (candidate != null) {
      format = candidate.text();
    }
    return new SqlHead(keyword == null ? "" : keyword, format, null, -1, -1, -1, multi, file);
  }

  /** Whether this is an INSERT (its body, if any, is data). */
  public boolean isInsert() {
    return "INSERT".equals(keyword);
  }

  /** Whether this is an INSERT followed by inline data (FORMAT or VALUES). */
  public boolean hasInlineData() {
    return dataStart >= 0;
  }

  /** ClickHouse's rule: data follows the format name after spaces/tabs, one CR, one LF. */
  private static int dataStart(String s, int pos) {
    while (pos < s.length()
        && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\f')) {
      pos++;
    }
    if (pos < s.length() && s.charAt(pos) == '\r') {
      pos++;
    }
    if (pos < s.length() && s.charAt(pos) == '\n') {
      pos++;
    }
    return pos;
  }

  private record Token(String text, int start, int end) {
    boolean word() {
      return !text.isEmpty()
          && (Character.isLetter(text.charAt(0)) || text.charAt(0) == '_')
          && start >= 0;
    }
  }

  private static final class Lexer {
    private final String s;
    private int pos;

    Lexer(String s) {
      this.s = s;
    }

    /** The next significant token, or null at the end (an unterminated literal ends the scan). */
    Token next() {
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
              if (pos + 1 < s.length() && s.charAt(pos + 1) == c) {
                pos += 2; // a doubled quote is an escaped quote
              } else {
                pos++;
                if (c == '\'') {
                  return new Token("'", start, pos);
                }
                // A quoted identifier stands for a word (FORMAT `JSON`) unless it is empty.
                String name = s.substring(start + 1, pos - 1);
                return new Token(name.isEmpty() ? "\"\"" : name, start, pos);
              }
            } else {
              pos++;
            }
          }
          return null;
        } else if (isWordChar(c)) {
          int start = pos;
          while (pos < s.length() && isWordChar(s.charAt(pos))) {
            pos++;
          }
          return new Token(s.substring(start, pos), start, pos);
        } else {
          pos++;
          return new Token(String.valueOf(c), pos - 1, pos);
        }
      }
      return null;
    }

    private static boolean isWordChar(char c) {
      // ASCII letters, digits and _, plus any non-ASCII (UTF-8 bytes read as ISO-8859-1).
      return c == '_' || c >= 0x80 || Character.isLetterOrDigit(c);
    }
  }
}
