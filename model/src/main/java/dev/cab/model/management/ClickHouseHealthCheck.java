package dev.cab.model.management;

import dev.cab.model.config.ClickHouseConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * ClickHouse answers {@code SELECT 1} as the stage's user over the HTTP interface: the server is
 * up, the engine answers and the credentials are accepted. Thread-safe.
 */
public final class ClickHouseHealthCheck implements HealthCheck {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI uri;
  private final String authorization;
  private final String where;

  public ClickHouseHealthCheck(ClickHouseConfig config) {
    String base = ClickHouseConfig.withoutJdbcPrefix(config.url());
    int q = base.indexOf('?');
    base = q < 0 ? base : base.substring(0, q);
    base = base.endsWith("/") ? base : base + "/";
    this.uri = URI.create(base + "?query=SELECT%201");
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (config.user() + ":" + config.password()).getBytes(StandardCharsets.UTF_8));
    this.where = ClickHouseConfig.redact(config.url());
  }

  @Override
  public void check(Duration timeout) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", authorization)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().strip().equals("1")) {
      String body = response.body().strip();
      throw new IllegalStateException(
          "ClickHouse at "
              + where
              + " answered "
              + response.statusCode()
              + ": "
              + (body.length() > 200 ? body.substring(0, 200) : body));
    }
  }
}
