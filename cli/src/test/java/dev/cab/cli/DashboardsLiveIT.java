package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.browser.Chromium;
import dev.cab.cli.stack.LocalStack;
import dev.cab.dashboards.pages.Urls;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import dev.cab.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The live board in a real browser (headless Chromium) on the real pipeline, the demo's stack
 * defaults: how fast a landed cell reaches an open board at the demo's rate, with many boards open
 * on the sweep, and what open boards and pages do while ClickHouse is down and after it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardsLiveIT {
  private static final Duration LANDING = Duration.ofSeconds(180);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Extra boards open on the sweep beside the page under test (event streams read here). */
  private static final int OTHER_BOARDS = 24;

  @TempDir static Path dataDir;
  @TempDir static Path profile;
  static LocalStack stack;
  static ChromeDriver browser;
  static String base;

  @BeforeAll
  static void startPipelineAndBrowser() {
    // ClickHouse on a fixed free port: stopped and started again, it must come back where the
    // stages and the dashboards look for it. The sink batches as in ./cab demo (no test shortcut).
    stack =
        LocalStack.start(
            new LocalStack.Options(
                dataDir, 0, freePort(), 0, 0, 0, "cab", Map.of("cab.management.port", "0")),
            System.err::println);
    base = stack.dashboardsUrl();
    browser = Chromium.start(profile);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void everyOpenBoardIsPushedEachLandedRowAtTheDemosRate() throws Exception {
    // given a board open on a sweep whose first cell landed, and 24 more boards of that sweep
    String sweep = "push-latency";
    send(demoSweep(sweep, 1).toBuilder().tuis(List.of("aider")).models(List.of("m0")).build());
    awaitTrue(() -> get(Urls.sweep(sweep)).statusCode() == 200, "first cell on the board");
    browser.get(base + Urls.sweep(sweep));
    awaitTrue(() -> text("#connection").startsWith("live"), "board connected");
    List<SseBoard> others = new ArrayList<>();
    for (int i = 0; i < OTHER_BOARDS; i++) {
      others.add(SseBoard.open(base + Urls.sweep(sweep) + "/events"));
    }
    awaitTrue(
        () -> others.stream().allMatch(o -> o.events.get() > 0),
        "every other board got its first board");
    js(
        "window.cabMarker = 'same page'; window.cabPushLatencies = []; window.cabPushSplits = [];"
            + " return 1");

    // when the demo's sweep (4 agent CLIs x 4 models x 30 tasks, sent as fast as the collector
    // takes them, as ./cab demo does) lands
    SimulationOptions demo = demoSweep(sweep, 30);
    send(demo);
    long expected = 1 + (long) demo.tuis().size() * demo.models().size() * demo.tasks().size();

    // then the open board shows every cell without a reload, and so does every other board
    awaitTrue(() -> text("#n-landed").equals(Long.toString(expected)), "board shows every cell");
    assertThat(js("return window.cabMarker")).isEqualTo("same page");
    long newest = clickhouseLong("SELECT toUnixTimestamp64Milli(max(inserted_at)) FROM cells");
    awaitTrue(
        () -> others.stream().allMatch(o -> o.newest.get() >= newest),
        "every other board got the newest row");
    others.forEach(SseBoard::close);
    @SuppressWarnings("unchecked")
    List<Number> latencies = (List<Number>) js("return window.cabPushLatencies");
    List<Long> sorted = new ArrayList<>(latencies.stream().map(Number::longValue).toList());
    Collections.sort(sorted);
    // one figure per push that showed new rows: how many depends on how many batches the sink
    // wrote (a quiet machine lands the whole sweep in a handful: 4 in one CI run), so what is
    // certain is more than one, i.e. pushed as rows landed, not once at the end
    assertThat(sorted).as("push latencies measured in the browser").hasSizeGreaterThan(1);
    long p50 = sorted.get(sorted.size() / 2);
    long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    System.out.printf(
        "board push latency (cell row in ClickHouse -> first event showing it in the browser),"
            + " %d cells at the demo's rate, %d boards open: n=%d p50=%d ms p99=%d ms max=%d ms%n",
        expected, OTHER_BOARDS + 1, sorted.size(), p50, p99, sorted.getLast());
    // where the time went: landed -> the server saw the change; seen -> event in the browser
    @SuppressWarnings("unchecked")
    List<List<Number>> splits = (List<List<Number>>) js("return window.cabPushSplits");
    for (int part = 0; part < 2; part++) {
      final int k = part;
      List<Long> p = new ArrayList<>(splits.stream().map(x -> x.get(k).longValue()).toList());
      Collections.sort(p);
      System.out.printf(
          "  of which %s: p50=%d ms max=%d ms%n",
          k == 0 ? "row landed -> change seen by the dashboards' poll" : "seen -> event in browser",
          p.get(p.size() / 2),
          p.getLast());
    }
    // The target is p99 < 1 s; the figure depends on the machine's load (the demo's
    // sweep saturates two cores by itself), so it is printed for docs/PERFORMANCE.md, and what is
    // asserted is that the board was pushed as rows landed, not once at the end.
    assertThat(sorted.getFirst()).as("the fastest push (ms)").isLessThan(sorted.getLast());
  }

  @Test
  @Order(2)
  void whileClickHouseIsDownPagesSaySoAndTheOpenBoardCatchesUpWhenItIsBack() throws Exception {
    // given an open board and an open cell page
    String sweep = "clickhouse-down";
    send(demoSweep(sweep, 2));
    String cellId =
        Await.value(
            "a cell of the sweep",
            () -> {
              try {
                return clickhouse(
                        "SELECT cell_id FROM cells WHERE sweep_id = '"
                            + sweep
                            + "' ORDER BY cell_id LIMIT 1")
                    .trim();
              } catch (RuntimeException e) {
                return "";
              }
            },
            id -> !id.isEmpty());
    browser.get(base + Urls.sweep(sweep));
    awaitTrue(() -> text("#connection").startsWith("live"), "board connected");
    awaitTrue(() -> text("#n-landed").equals("32"), "board shows the 32 cells");
    js("window.cabMarker = 'same page'; return 1");
    String board = browser.getWindowHandle();
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(base + Urls.cellById(cellId));
    assertThat(text("#cell-title")).isNotBlank();
    String cellTab = browser.getWindowHandle();

    // when ClickHouse stops
    stack.clickhouse().stop();

    // then new page loads answer 503 with a page saying so, at once (never a 500, never a hang)
    for (String path :
        List.of(Urls.sweep(sweep), Urls.cellById(cellId), "/", "/api" + Urls.sweep(sweep))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = get(path);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.statusCode()).as(path).isEqualTo(503);
      assertThat(r.body()).as(path).contains("ClickHouse is not reachable");
      assertThat(ms).as("%s answered in (ms)", path).isLessThan(10_000);
    }
    browser.navigate().refresh();
    assertThat(text(".error h1")).isNotBlank();
    assertThat(text(".error .message")).contains("ClickHouse is not reachable");
    // and the open board says so in its banner
    browser.switchTo().window(board);
    awaitTrue(() -> "down".equals(attr("#connection", "data-state")), "board banner says down");
    assertThat(text("#connection")).contains("ClickHouse is not reachable");

    // when cells are sent while it is down (the collector and Kafka take them), then it comes back
    send(
        demoSweep(sweep, 2).toBuilder()
            .tasks(List.of("later/while-down-1", "later/while-down-2"))
            .build());
    stack.clickhouse().start();

    // then the same board, never reloaded, reconnects and shows the cells sent meanwhile
    awaitTrue(() -> text("#n-landed").equals("64"), "board shows the 32 cells sent while down");
    awaitTrue(() -> text("#connection").startsWith("live"), "board banner live again");
    assertThat(js("return window.cabMarker")).isEqualTo("same page");
    // and the cell page works again on reload
    browser.switchTo().window(cellTab);
    browser.navigate().refresh();
    awaitTrue(() -> !text("#cell-title").isBlank(), "cell page back");
    browser.close();
    browser.switchTo().window(board);
  }

  // ---- helpers

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A board open outside the browser (a browser holds at most 6 connections per host): reads the
   * sweep's event stream, counts board events and keeps the newest row any of them showed.
   */
  private static final class SseBoard implements AutoCloseable {
    private static final Pattern LANDED = Pattern.compile("\"lastLandedMillis\":(\\d+)");
    final AtomicInteger events = new AtomicInteger();
    final AtomicLong newest = new AtomicLong();
    private final Thread reader;
    private volatile java.util.stream.Stream<String> lines;

    private SseBoard(URI events) {
      this.reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      HttpResponse<java.util.stream.Stream<String>> r =
                          HTTP.send(
                              HttpRequest.newBuilder(events)
                                  .header("Accept", "text/event-stream")
                                  .build(),
                              HttpResponse.BodyHandlers.ofLines());
                      lines = r.body();
                      lines.forEach(this::line);
                    } catch (java.io.IOException | RuntimeException e) {
                      // closed
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
    }

    static SseBoard open(String url) {
      return new SseBoard(URI.create(url));
    }

    private void line(String line) {
      Matcher m = LANDED.matcher(line);
      if (line.startsWith("data:") && m.find()) {
        events.incrementAndGet();
        newest.accumulateAndGet(Long.parseLong(m.group(1)), Math::max);
      }
    }

    @Override
    public void close() {
      java.util.stream.Stream<String> open = lines;
      if (open != null) {
        open.close();
      }
      reader.interrupt();
    }
  }

  /** The demo's sweep shape (4 agent CLIs x 4 models, no rate limit) with {@code tasks} tasks. */
  private static SimulationOptions demoSweep(String sweep, int tasks) {
    return SimulationOptions.builder().sweepId(sweep).seed(5).taskCount(tasks).noFaults().build();
  }

  private static void send(SimulationOptions options) throws InterruptedException {
    try (CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder()
                .endpoint(stack.otlpHttpEndpoint())
                .protocol(CabTelemetryOptions.Protocol.HTTP_PROTOBUF)
                .build())) {
      SimulationReport report = new SweepSimulator(telemetry).run(options, ProgressListener.NONE);
      assertThat(report.flush().allExported()).isTrue();
    }
  }

  private static String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private static String attr(String css, String name) {
    return browser.findElement(By.cssSelector(css)).getDomAttribute(name);
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static String clickhouse(String sql) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(stack.clickhouseUrl() + "/?database=cab"))
                  .POST(HttpRequest.BodyPublishers.ofString(sql))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(r.body());
      }
      return r.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long clickhouseLong(String sql) {
    return Long.parseLong(clickhouse(sql).trim());
  }

  static HttpResponse<String> get(String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    Await.until(
        what,
        LANDING,
        () -> {
          try {
            return condition.getAsBoolean();
          } catch (RuntimeException e) {
            return false; // not there yet (element missing, page loading): poll again
          }
        });
  }
}
