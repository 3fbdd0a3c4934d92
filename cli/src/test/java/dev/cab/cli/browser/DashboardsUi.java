package dev.cab.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.cli.stack.LocalStack;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import dev.cab.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * A headless Chromium on a running stack's dashboards, with what the dashboards' browser tests
 * share: sending cells through the runner SDK, HTTP requests to the dashboards, queries on the
 * stack's ClickHouse, reads of the open page (text, attributes, JavaScript) and waits with a
 * deadline. {@link #close()} quits the browser; the stack is the test's.
 */
public final class DashboardsUi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final LocalStack stack;
  private final ChromeDriver browser;
  private final String base;
  private final Duration patience;

  private DashboardsUi(LocalStack stack, ChromeDriver browser, Duration patience) {
    this.stack = stack;
    this.browser = browser;
    this.base = stack.dashboardsUrl();
    this.patience = patience;
  }

  /**
   * Starts a browser (profile under {@code profile}) on {@code stack}'s dashboards.
   *
   * @param patience how long {@link #awaitTrue} waits
   */
  public static DashboardsUi start(LocalStack stack, Path profile, Duration patience) {
    return new DashboardsUi(stack, Chromium.start(profile), patience);
  }

  public ChromeDriver browser() {
    return browser;
  }

  /** The dashboards' base URL, no trailing slash. */
  public String base() {
    return base;
  }

  /** Opens {@code path} of the dashboards in the browser's current tab. */
  public void open(String path) {
    browser.get(base + path);
  }

  /** A client of the stack's collector (OTLP over HTTP). */
  public CabTelemetry telemetry() {
    return CabTelemetry.create(
        CabTelemetryOptions.builder()
            .endpoint(stack.otlpHttpEndpoint())
            .protocol(CabTelemetryOptions.Protocol.HTTP_PROTOBUF)
            .build());
  }

  /** Runs a simulated sweep through the collector; every record is exported. */
  public void send(SimulationOptions options) throws InterruptedException {
    try (CabTelemetry telemetry = telemetry()) {
      SimulationReport report = new SweepSimulator(telemetry).run(options, ProgressListener.NONE);
      assertThat(report.flush().allExported()).isTrue();
    }
  }

  /** GET of a dashboards path. */
  public HttpResponse<String> get(String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The JSON a dashboards path answers with 200, else a missing node. */
  public JsonNode getJson(String path) {
    HttpResponse<String> r = get(path);
    try {
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.missingNode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer of a statement on the stack's {@code cab} database as ClickHouse's own user. */
  public String clickhouse(String sql) {
    return clickhouse(sql, "");
  }

  private String clickhouse(String sql, String query) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(stack.clickhouseUrl() + "/?database=cab" + query))
                  .POST(HttpRequest.BodyPublishers.ofString(sql))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The rows of a query on the stack's {@code cab} database, as JSON objects. */
  public List<JsonNode> clickhouseRows(String sql) {
    List<JsonNode> rows = new ArrayList<>();
    try {
      JSON.readTree(clickhouse(sql, "&default_format=JSON")).path("data").forEach(rows::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /**
   * Waits until {@code condition} holds; a condition that throws (page loading) is polled again.
   */
  public void awaitTrue(BooleanSupplier condition, String what) {
    Await.until(
        what,
        patience,
        () -> {
          try {
            return condition.getAsBoolean();
          } catch (RuntimeException e) {
            return false; // not there yet (element missing, page loading): poll again
          }
        });
  }

  /** The text of the first element {@code css} selects on the open page. */
  public String text(String css) {
    return current(() -> browser.findElement(By.cssSelector(css)).getText());
  }

  /** The texts of every element {@code css} selects. */
  public List<String> texts(String css) {
    return current(
        () -> browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
  }

  /** An attribute as the page's markup has it. */
  public String attr(String css, String name) {
    return current(() -> browser.findElement(By.cssSelector(css)).getDomAttribute(name));
  }

  /**
   * Reads the page again when a push replaced an element between finding it and reading it (the
   * live board re-renders parts of itself at any time); a few tries, then the error.
   */
  private static <T> T current(Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** Runs {@code script} in the open page; its {@code return} value. */
  public Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  /** Presses keys on the open page. */
  public void press(CharSequence key) {
    new Actions(browser).sendKeys(key).perform();
  }

  @Override
  public void close() {
    browser.quit();
  }
}
