package dev.cab.embedded.clickhouse.internal.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error the engine reported, reduced to what a ClickHouse server would send: the code and the
 * text {@code Code: N. DB::Exception: <message> (NAME) (version V)}.
 *
 * <p>chdb wraps an exception once per layer it crosses, so its text can read {@code Code: 73.
 * DB::Exception: Code: 73. DB::Exception: Unknown format X. (UNKNOWN_FORMAT) (version 26.5.1.1).
 * (UNKNOWN_FORMAT)}; {@link #parse} keeps the innermost message and its name once.
 */
public record EngineError(int code, String message) {

  /** ClickHouse's code for an exception that is not a DB::Exception. */
  public static final int UNKNOWN_EXCEPTION = 1002;

  private static final Pattern PREFIX = Pattern.compile("^\\s*Code: (\\d+)\\. DB::Exception: ");
  private static final Pattern VERSION_SUFFIX = Pattern.compile(" \\(version [^)]*\\)");

  /** Parses chdb's error text. */
  public static EngineError parse(String raw) {
    String text = raw.strip();
    int code = UNKNOWN_EXCEPTION;
    Matcher m = PREFIX.matcher(text);
    boolean first = true;
    while (m.find()) {
      if (first) {
        code = Integer.parseInt(m.group(1));
        first = false;
      }
      text = text.substring(m.end());
      m = PREFIX.matcher(text);
    }
    Matcher v = VERSION_SUFFIX.matcher(text);
    if (v.find()) {
      text = text.substring(0, v.start());
    }
    return new EngineError(code, text);
  }

  /** The body a ClickHouse server sends for this error, newline-terminated. */
  public String toHttpBody(String version) {
    return "Code: " + code + ". DB::Exception: " + message + " (version " + version + ")\n";
  }
}
