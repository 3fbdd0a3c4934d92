package dev.cab.embedded.junit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The ClickHouse server a test class talks to, and the database it owns: injected by {@link
 * ClickHouseExtension}. The server is the embedded one, or the external server named by {@code
 * CLICKHOUSE_URL} (with {@code CLICKHOUSE_USER} / {@code CLICKHOUSE_PASSWORD}).
 *
 * @param url the HTTP URL, e.g. {@code http://127.0.0.1:35123}
 * @param database a database created for the test class and dropped after it
 * @param user the user to connect as
 * @param password that user's password
 */
public record ClickHouseTestServer(String url, String database, String user, String password) {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A clickhouse-jdbc URL for the test database: {@code jdbc:clickhouse:http://host:port/db}. */
  public String jdbcUrl() {
    return "jdbc:clickhouse:" + url + "/" + database;
  }

  /**
   * Runs {@code sql} in the test database over HTTP and returns the response body (TabSeparated
   * unless the query says otherwise).
   *
   * @throws IllegalStateException with ClickHouse's message if the query fails
   */
  public String query(String sql) {
    return queryIn(database, sql);
  }

  /** Like {@link #query} in another database (e.g. {@code default}, to create the test one). */
  public String queryIn(String db, String sql) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(url + "/?database=" + URLEncoder.encode(db, StandardCharsets.UTF_8)))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.ofString(sql))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "ClickHouse answered "
                + response.statusCode()
                + " to ["
                + sql
                + "]: "
                + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach ClickHouse at " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    // Never print the password.
    return "ClickHouseTestServer[" + url + ", database=" + database + ", user=" + user + "]";
  }
}
