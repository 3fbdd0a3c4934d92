package dev.cab.cli.clickhouse;

import dev.cab.cli.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * The launcher's read-only window on ClickHouse: one query over the HTTP interface, streamed as
 * TSV. Used by {@code cab sql}, {@code cab status} and {@code cab demo}; the sink writes through
 * clickhouse-jdbc instead. Thread-safe.
 *
 * @param url base URL, e.g. {@code http://127.0.0.1:8123}
 * @param database default database for unqualified names
 * @param user user name
 * @param password password (never logged)
 */
public record ClickHouseHttp(String url, String database, String user, String password) {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** From {@code CAB_CLICKHOUSE_URL}, {@code _USER}, {@code _PASSWORD}, database {@code cab}. */
  public static ClickHouseHttp fromEnv() {
    var env = System.getenv();
    return new ClickHouseHttp(
        env.getOrDefault(
            "CAB_CLICKHOUSE_URL",
            // The port ./cab up was given in the same shell: sql and status find that stack.
            "http://127.0.0.1:" + env.getOrDefault("CAB_CLICKHOUSE_PORT", "8123")),
        env.getOrDefault("CAB_CLICKHOUSE_DATABASE", "cab"),
        env.getOrDefault("CAB_CLICKHOUSE_USER", "default"),
        env.getOrDefault("CAB_CLICKHOUSE_PASSWORD", ""));
  }

  public ClickHouseHttp withUrl(String newUrl) {
    return new ClickHouseHttp(newUrl, database, user, password);
  }

  public ClickHouseHttp withDatabase(String newDatabase) {
    return new ClickHouseHttp(url, newDatabase, user, password);
  }

  /** Runs a query and streams its body (in {@code format}) to {@code sink}. */
  public void stream(String query, String format, Consumer<InputStream> sink) {
    URI uri =
        URI.create(
            url.replaceAll("/+$", "")
                + "/?database="
                + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "&default_format="
                + URLEncoder.encode(format, StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(10))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(query, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<InputStream> response =
          CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          String error = new String(body.readAllBytes(), StandardCharsets.UTF_8).strip();
          throw new UserError(error.isEmpty() ? "HTTP " + response.statusCode() : error);
        }
        sink.accept(body);
      }
    } catch (ConnectException e) {
      throw new UserError(
          "cannot reach ClickHouse at "
              + url
              + ": start it with ./cab up (or ./cab clickhouse), or set CAB_CLICKHOUSE_URL",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("query to " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while querying ClickHouse", e);
    }
  }

  /** Runs a query and returns its rows as TSV fields (unescaped), without a header. */
  public List<List<String>> rows(String query) {
    List<List<String>> rows = new ArrayList<>();
    stream(
        query,
        "TabSeparated",
        in -> {
          try {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
              if (!line.isEmpty()) {
                rows.add(
                    Arrays.stream(line.split("\t", -1)).map(ClickHouseHttp::unescape).toList());
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return rows;
  }

  /** A ClickHouse string literal: quoted, backslashes and quotes escaped. */
  public static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The single value of a one-row, one-column query. */
  public String scalar(String query) {
    List<List<String>> rows = rows(query);
    return rows.isEmpty() ? null : rows.getFirst().getFirst();
  }

  private static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 1 < field.length()) {
        char n = field.charAt(++i);
        out.append(
            switch (n) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case '0' -> '\0';
              default -> n;
            });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
