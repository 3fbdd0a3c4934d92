package dev.cab.model.config;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The ClickHouse settings of every stage that uses ClickHouse.
 *
 * @param url {@value CommonSettings#CLICKHOUSE_URL} (required): HTTP(S) URL such as {@code
 *     http://localhost:8123}, with or without a {@code jdbc:clickhouse:} prefix
 * @param user {@value CommonSettings#CLICKHOUSE_USER}
 * @param password {@value CommonSettings#CLICKHOUSE_PASSWORD}: masked in every log
 * @param database {@value CommonSettings#CLICKHOUSE_DATABASE}: a plain identifier
 */
public record ClickHouseConfig(String url, String user, String password, String database) {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /** Reads the ClickHouse keys; problems go to {@code values}. */
  public static ClickHouseConfig read(ConfigValues values) {
    String url =
        values.required(
            CommonSettings.CLICKHOUSE_URL, "the ClickHouse HTTP URL, e.g. http://localhost:8123");
    String user =
        values.string(CommonSettings.CLICKHOUSE_USER, CommonSettings.DEFAULT_CLICKHOUSE_USER);
    String password = values.string(CommonSettings.CLICKHOUSE_PASSWORD, "");
    String database =
        values.string(
            CommonSettings.CLICKHOUSE_DATABASE, CommonSettings.DEFAULT_CLICKHOUSE_DATABASE);
    if (url != null) {
      String problem = urlProblem(url);
      if (problem != null) {
        values.problem(CommonSettings.CLICKHOUSE_URL, problem);
      }
    }
    if (!IDENTIFIER.matcher(database).matches()) {
      values.problem(
          CommonSettings.CLICKHOUSE_DATABASE,
          "must be a plain identifier (letters, digits, _), not '" + database + "'");
    }
    return new ClickHouseConfig(url, user, password, database);
  }

  private static String urlProblem(String url) {
    String plain = withoutJdbcPrefix(url);
    try {
      URI uri = URI.create(plain);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "must be an http:// or https:// URL, not '" + redact(url) + "'";
      }
      if (uri.getHost() == null) {
        return "has no host: '" + redact(url) + "'";
      }
      return null;
    } catch (IllegalArgumentException e) {
      return "is not a URL: '" + redact(url) + "'";
    }
  }

  /** The URL without a {@code jdbc:clickhouse:} or {@code jdbc:ch:} prefix. */
  public static String withoutJdbcPrefix(String url) {
    return url.startsWith("jdbc:clickhouse:")
        ? url.substring("jdbc:clickhouse:".length())
        : url.startsWith("jdbc:ch:") ? url.substring("jdbc:ch:".length()) : url;
  }

  /** A URL with any {@code user:password@} and query string removed: safe for logs. */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String s = url.replaceAll("//[^/@]*@", "//");
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q) + "?...";
  }

  @Override
  public String toString() {
    return "ClickHouseConfig[url="
        + redact(url)
        + ", user="
        + user
        + ", password="
        + (password == null || password.isEmpty() ? "" : "******")
        + ", database="
        + database
        + "]";
  }
}
