package dev.cab.embedded.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Plain HTTP requests to a ClickHouse HTTP interface, for the protocol tests. */
final class HttpCalls {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final String baseUrl;

  HttpCalls(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A request being built: URL parameters, headers, a body. */
  final class Call {
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String path = "/";
    private String method = "POST";
    private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();

    Call path(String p) {
      this.path = p;
      return this;
    }

    Call param(String name, String value) {
      params.put(name, value);
      return this;
    }

    Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Call get() {
      this.method = "GET";
      return this;
    }

    Call method(String m) {
      this.method = m;
      return this;
    }

    Call body(String text) {
      return body(text.getBytes(StandardCharsets.UTF_8));
    }

    Call body(byte[] bytes) {
      this.body = HttpRequest.BodyPublishers.ofByteArray(bytes);
      return this;
    }

    Call body(HttpRequest.BodyPublisher publisher) {
      this.body = publisher;
      return this;
    }

    HttpResponse<byte[]> send() {
      StringJoiner query = new StringJoiner("&");
      params.forEach(
          (k, v) ->
              query.add(
                  URLEncoder.encode(k, StandardCharsets.UTF_8)
                      + "="
                      + URLEncoder.encode(v, StandardCharsets.UTF_8)));
      String uri = baseUrl + path + (params.isEmpty() ? "" : "?" + query);
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(URI.create(uri))
              .timeout(Duration.ofMinutes(2))
              .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : body);
      headers.forEach(builder::header);
      try {
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** The body as text; fails unless the status is 200. */
    String ok() {
      HttpResponse<byte[]> response = send();
      String text = new String(response.body(), StandardCharsets.UTF_8);
      if (response.statusCode() != 200) {
        throw new AssertionError("HTTP " + response.statusCode() + ": " + text);
      }
      return text;
    }
  }

  Call call() {
    return new Call();
  }

  /** POSTs {@code sql} in {@code database} and returns the body; fails unless 200. */
  String query(String database, String sql) {
    return call().param("database", database).body(sql).ok();
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
