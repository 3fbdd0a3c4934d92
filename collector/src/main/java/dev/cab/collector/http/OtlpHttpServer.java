package dev.cab.collector.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP endpoint: the JDK's HTTP server (chunked bodies included) on virtual threads, one
 * per exchange, so a request blocked on Kafka acknowledgements costs no platform thread. All
 * semantics live in {@link OtlpHttpHandler}; this class only adapts exchanges.
 */
public final class OtlpHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final Duration drainTimeout;

  private OtlpHttpServer(HttpServer server, ExecutorService executor, Duration drainTimeout) {
    this.server = server;
    this.executor = executor;
    this.drainTimeout = drainTimeout;
  }

  /**
   * Binds and starts serving.
   *
   * @param address where to listen; port 0 picks a free port
   * @param drainTimeout how long {@link #close()} waits for requests in progress
   * @throws IOException when the address cannot be bound (e.g. port in use)
   */
  public static OtlpHttpServer start(
      InetSocketAddress address, OtlpHttpHandler handler, Duration drainTimeout)
      throws IOException {
    return start(address, handler, drainTimeout, null);
  }

  /**
   * Binds and starts serving, over TLS when {@code tls} is given.
   *
   * @param tls the server's SSL context, null for plain HTTP
   * @throws IOException when the address cannot be bound
   */
  public static OtlpHttpServer start(
      InetSocketAddress address, OtlpHttpHandler handler, Duration drainTimeout, SSLContext tls)
      throws IOException {
    HttpServer server;
    if (tls == null) {
      server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("otlp-http-", 0).factory());
    server.setExecutor(executor);
    server.createContext("/", exchange -> serve(exchange, handler));
    server.start();
    return new OtlpHttpServer(server, executor, drainTimeout);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange exchange, OtlpHttpHandler handler) throws IOException {
    try (exchange) {
      Map<String, String> headers = new HashMap<>();
      for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
        if (!h.getValue().isEmpty()) {
          headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().getFirst());
        }
      }
      OtlpHttpHandler.Response response =
          handler.handle(
              new OtlpHttpHandler.Request(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  headers,
                  exchange.getRequestBody()));
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      // the client went away mid-exchange; nothing to answer
      LOG.debug("HTTP exchange failed", e);
    }
  }

  /** Stops accepting, waits up to the drain timeout for requests in progress, then stops. */
  @Override
  public void close() {
    server.stop((int) Math.max(0, Math.ceilDiv(drainTimeout.toMillis(), 1000)));
    executor.shutdownNow();
  }
}
