package dev.cab.dashboards.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.dashboards.config.DashboardsSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads ClickHouse over its HTTP interface. Every query is an HTTP GET (ClickHouse runs those with
 * {@code readonly=2}: a dashboards bug cannot write), the SQL is a constant of our code, and every
 * value from a request is bound as a {@code param_<name>} URL parameter ({@link SqlParams}). Rows
 * come back as {@code JSONEachRow}. Thread-safe.
 */
public final class ClickHouseReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String database;
  private final String authorization;
  private final Duration timeout;
  private final HttpClient http;

  public ClickHouseReader(DashboardsSettings settings) {
    String url = settings.clickhouseUrl();
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
    this.database = settings.database();
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (settings.clickhouseUser() + ":" + settings.clickhousePassword())
                        .getBytes(StandardCharsets.UTF_8));
    this.timeout = settings.queryTimeout();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * Runs one query and returns its rows.
   *
   * @param sql a constant with {@code {name:Type}} placeholders
   * @throws ClickHouseUnavailableException when ClickHouse cannot be reached or fails
   */
  public List<JsonNode> rows(String sql, SqlParams params) {
    StringBuilder q = new StringBuilder();
    q.append("database=").append(encode(database));
    q.append("&default_format=JSONEachRow");
    q.append("&query=").append(encode(sql));
    for (Map.Entry<String, String> p : params.values().entrySet()) {
      q.append("&param_").append(p.getKey()).append('=').append(encode(p.getValue()));
    }
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("?" + q))
            .timeout(timeout)
            .header("Authorization", authorization)
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ClickHouseUnavailableException("ClickHouse is not reachable at " + host(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClickHouseUnavailableException("interrupted while querying ClickHouse", e);
    }
    if (response.statusCode() != 200) {
      String code = response.headers().firstValue("X-ClickHouse-Exception-Code").orElse("?");
      throw new ClickHouseUnavailableException(
          "ClickHouse answered " + response.statusCode() + " (code " + code + ")",
          code,
          new IOException(firstLine(response.body())));
    }
    List<JsonNode> rows = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (!line.isBlank()) {
        try {
          rows.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new ClickHouseUnavailableException("ClickHouse sent a row that is not JSON", e);
        }
      }
    }
    return rows;
  }

  /** The first row, if any. */
  public JsonNode firstRow(String sql, SqlParams params) {
    List<JsonNode> rows = rows(sql, params);
    return rows.isEmpty() ? null : rows.getFirst();
  }

  /** Whether ClickHouse answers {@code SELECT 1} right now. */
  public boolean reachable() {
    try {
      rows("SELECT 1 AS ok", SqlParams.none());
      return true;
    } catch (ClickHouseUnavailableException e) {
      return false;
    }
  }

  private String host() {
    return base.getScheme() + "://" + base.getHost() + ":" + base.getPort();
  }

  private static String firstLine(String body) {
    String s = body == null ? "" : body.strip();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
