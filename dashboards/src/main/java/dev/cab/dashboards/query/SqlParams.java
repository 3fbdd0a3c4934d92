package dev.cab.dashboards.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values for the {@code {name:Type}} placeholders of one query. They travel to ClickHouse as {@code
 * param_<name>} URL parameters and are bound by the server: user input never becomes SQL text.
 * Names are fixed by our code ({@code [a-z_]+}), never taken from a request.
 */
public final class SqlParams {
  private final Map<String, String> values = new LinkedHashMap<>();

  private SqlParams() {}

  public static SqlParams none() {
    return new SqlParams();
  }

  public static SqlParams of(String name, String value) {
    return new SqlParams().and(name, value);
  }

  /**
   * A scalar value. ClickHouse reads a {@code param_} value in its escaped (TSV) text format, where
   * a backslash starts an escape sequence: a lone backslash would fail the query, and a backslash
   * followed by t would become a tab. So the value is escaped here and arrives exactly as given.
   */
  public SqlParams and(String name, String value) {
    return put(name, escaped(value));
  }

  public SqlParams and(String name, long value) {
    return put(name, Long.toString(value));
  }

  private SqlParams put(String name, String text) {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("parameter names are ours: " + name);
    }
    values.put(name, text);
    return this;
  }

  static String escaped(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (char ch : value.toCharArray()) {
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\0' -> b.append("\\0");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  /** An {@code Array(String)} parameter in ClickHouse's text form: {@code ['a','b']}. */
  public SqlParams andArray(String name, List<String> items) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('\'');
      for (char ch : items.get(i).toCharArray()) {
        if (ch == '\\' || ch == '\'') {
          b.append('\\');
        }
        b.append(ch);
      }
      b.append('\'');
    }
    return put(name, b.append(']').toString());
  }

  Map<String, String> values() {
    return values;
  }
}
