package dev.cab.model.management;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cab.model.config.ManagementConfig;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management endpoint of a process: {@code GET /metrics} (Prometheus text, or OpenMetrics when
 * asked for), {@code GET /health/live} and {@code GET /health/ready}, on {@value
 * dev.cab.model.config.CommonSettings#MANAGEMENT_PORT} (default 9464). One per JVM: under {@code
 * ./cab up} every stage of the process gets a {@link StageManagement} from the same server, and
 * every meter carries a {@code stage} label; JVM metrics are bound once, without it.
 *
 * <p>{@code /health/live} answers 200 while the process serves HTTP at all. {@code /health/ready}
 * runs every stage's checks (its Kafka, its ClickHouse) with a bounded timeout and answers 200 only
 * when all pass and at least one stage is registered, 503 otherwise; the JSON body names each
 * check. Thread-safe; {@link #close()} stops the listener.
 */
public final class ManagementServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  /** A readiness probe must answer well inside a typical 5 s probe timeout. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

  private final PrometheusMeterRegistry registry;
  private final Map<String, StageManagement> stages = new ConcurrentHashMap<>();
  private final HttpServer http;
  private final ExecutorService executor;

  private ManagementServer(HttpServer http, ExecutorService executor) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    this.http = http;
    this.executor = executor;
    if (http != null) {
      http.createContext("/metrics", this::metrics);
      http.createContext("/health/live", this::live);
      http.createContext("/health/ready", this::ready);
      http.setExecutor(executor);
      http.start();
    }
    this.gc = gc;
  }

  private final JvmGcMetrics gc;

  /**
   * Starts the server on {@code config.address():config.port()}; a disabled config (port -1) gives
   * a server that counts but serves nothing.
   *
   * @throws UncheckedIOException with a {@link java.net.BindException} cause when the port is taken
   */
  public static ManagementServer start(ManagementConfig config) {
    if (!config.enabled()) {
      return detached();
    }
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(config.address(), config.port()), 0);
      ManagementServer server =
          new ManagementServer(http, Executors.newVirtualThreadPerTaskExecutor());
      LOG.info(
          "management: http://{}:{}/metrics, /health/live, /health/ready",
          config.address(),
          server.port());
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on "
              + config.address()
              + ":"
              + config.port()
              + " for metrics and health (set cab.management.port, -1 turns it off)",
          e);
    }
  }

  /** A server that counts but serves nothing. */
  public static ManagementServer detached() {
    return new ManagementServer(null, null);
  }

  /**
   * The share of a stage: meters labelled {@code stage=<name>} and its readiness checks.
   *
   * @throws IllegalStateException when the stage is already registered on this server
   */
  public StageManagement stage(String name) {
    StageManagement stage = new StageManagement(name, registry, () -> stages.remove(name));
    if (stages.putIfAbsent(name, stage) != null) {
      throw new IllegalStateException("stage " + name + " is already registered");
    }
    return stage;
  }

  /** The bound port, or -1 when detached. */
  public int port() {
    return http == null ? -1 : http.getAddress().getPort();
  }

  /** The registry behind {@code /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** What {@code /metrics} answers: the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Runs every check of every stage.
   *
   * @return by {@code stage/check}: {@code UP} or {@code DOWN: <reason>}; empty without stages
   */
  public Map<String, String> readiness() {
    Map<String, Future<String>> running = new LinkedHashMap<>();
    try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
      new TreeMap<>(stages)
          .forEach(
              (stageName, stage) ->
                  new TreeMap<>(stage.checks())
                      .forEach(
                          (checkName, check) ->
                              running.put(
                                  stageName + "/" + checkName, probes.submit(() -> probe(check)))));
      Map<String, String> out = new LinkedHashMap<>();
      running.forEach(
          (name, future) -> {
            try {
              out.put(name, future.get(CHECK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
              future.cancel(true);
              out.put(name, "DOWN: no answer within " + CHECK_TIMEOUT.toMillis() + " ms");
            }
          });
      return out;
    }
  }

  private static String probe(HealthCheck check) {
    try {
      check.check(CHECK_TIMEOUT);
      return "UP";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "DOWN: interrupted";
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return "DOWN: " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (!get(exchange)) {
      return;
    }
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    String contentType =
        accept != null && accept.contains("application/openmetrics-text")
            ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
            : "text/plain; version=0.0.4; charset=utf-8";
    String body = registry.scrape(contentType.substring(0, contentType.indexOf(';')));
    send(exchange, 200, contentType, body);
  }

  private void live(HttpExchange exchange) throws IOException {
    if (get(exchange)) {
      send(exchange, 200, "application/json", "{\"status\":\"UP\"}");
    }
  }

  private void ready(HttpExchange exchange) throws IOException {
    if (!get(exchange)) {
      return;
    }
    Map<String, String> checks = readiness();
    boolean up = !checks.isEmpty() && checks.values().stream().allMatch("UP"::equals);
    StringBuilder json = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN");
    json.append("\",\"checks\":{");
    List<String> parts =
        checks.entrySet().stream().map(e -> quote(e.getKey()) + ":" + quote(e.getValue())).toList();
    json.append(String.join(",", parts)).append("}}");
    send(exchange, up ? 200 : 503, "application/json", json.toString());
  }

  private static boolean get(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    send(exchange, 405, "text/plain", "only GET\n");
    return false;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public void close() {
    if (http != null) {
      http.stop(0);
      executor.close();
    }
    gc.close();
    registry.close();
  }
}
