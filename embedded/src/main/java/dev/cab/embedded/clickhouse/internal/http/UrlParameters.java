package dev.cab.embedded.clickhouse.internal.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a request URL ({@code ?a=1&b=2}), decoded as HTML forms are ({@code +} is a
 * space), in their order of appearance; when a name repeats, the first value counts, as in
 * ClickHouse's Poco {@code HTMLForm}. Immutable.
 */
record UrlParameters(Map<String, String> values) {

  UrlParameters {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  static UrlParameters parse(String rawQuery) throws RequestFailure {
    Map<String, String> values = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        values.putIfAbsent(name, value);
      }
    }
    return new UrlParameters(values);
  }

  String get(String name) {
    return values.get(name);
  }

  boolean isTrue(String name) {
    String v = values.get(name);
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  private static String decode(String s) throws RequestFailure {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new RequestFailure(
          ErrorCodes.BAD_ARGUMENTS, "Cannot decode URL parameter '" + s + "': " + e.getMessage());
    }
  }
}
