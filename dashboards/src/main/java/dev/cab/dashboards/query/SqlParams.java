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

  public SqlParams and(String name, String value) {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("parameter names are ours: " + name);
    }
    values.put(name, value);
    return this;
  }

  public SqlParams and(String name, long value) {
    return and(name, Long.toString(value));
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
    return and(name, b.append(']').toString());
  }

  Map<String, String> values() {
    return values;
  }
}
