package dev.cab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) on loopback for tests:
 * installed with apt-get when missing and running as root, else the test fails with one line saying
 * what to install. Never skipped.
 */
public final class AlertmanagerProcess implements AutoCloseable {
  static final String BINARY = "/usr/bin/prometheus-alertmanager";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final int port;

  private AlertmanagerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts one on {@code port} with a configuration that routes everything to a null receiver. */
  public static AlertmanagerProcess start(int port, Path dir)
      throws IOException, InterruptedException {
    ensureInstalled();
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        """
        route:
          receiver: 'null'
          group_wait: 1s
        receivers:
          - name: 'null'
        """);
    Path storage = Files.createDirectories(dir.resolve("data"));
    Process p =
        new ProcessBuilder(
                BINARY,
                "--config.file=" + config,
                "--storage.path=" + storage,
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    AlertmanagerProcess am = new AlertmanagerProcess(p, port);
    Await.until(
        "Alertmanager ready on port " + port,
        Duration.ofSeconds(30),
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError("Alertmanager exited; see " + dir.resolve("alertmanager.log"));
          }
          return am.ready();
        });
    return am;
  }

  private static void ensureInstalled() throws IOException, InterruptedException {
    if (Files.isExecutable(Path.of(BINARY))) {
      return;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Process install =
          new ProcessBuilder(
                  "sh", "-c", "apt-get update -q && apt-get install -y -q prometheus-alertmanager")
              .inheritIO()
              .start();
      if (install.waitFor() == 0 && Files.isExecutable(Path.of(BINARY))) {
        return;
      }
    }
    throw new AssertionError(
        "this test needs a real Alertmanager: run `apt-get install prometheus-alertmanager`"
            + " (as root)");
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  boolean ready() {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create(url() + "/-/ready")).GET().build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code GET /api/v2/alerts}: the alerts Alertmanager holds as active. */
  public List<JsonNode> activeAlerts() {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts?active=true"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode a : JSON.readTree(r.body())) {
        if ("active".equals(a.path("status").path("state").asText())) {
          out.add(a);
        }
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot read Alertmanager's alerts", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * The active alerts as {@code rule:tui:model:task} keys (an absent label as empty), the form the
   * ITs compare with what the alerts stage says is firing.
   */
  public Set<String> activeAlertKeys() {
    Set<String> out = new TreeSet<>();
    for (JsonNode a : activeAlerts()) {
      JsonNode l = a.path("labels");
      out.add(
          String.join(
              ":",
              l.path("rule").asText(),
              l.path("tui").asText(),
              l.path("model").asText(),
              l.path("task").asText()));
    }
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
