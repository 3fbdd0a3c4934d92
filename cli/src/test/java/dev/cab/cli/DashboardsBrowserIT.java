package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.cli.browser.DashboardsUi;
import dev.cab.cli.browser.RsvgConvert;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.dashboards.pages.Urls;
import dev.cab.runner.Axis;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.Cell;
import dev.cab.runner.CellIdentity;
import dev.cab.runner.CellSpan;
import dev.cab.runner.CellSpanKind;
import dev.cab.runner.FlushResult;
import dev.cab.runner.SweepPlan;
import dev.cab.runner.TokenUsage;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SeedCells;
import dev.cab.runner.sim.SeedCells.SeedCell;
import dev.cab.runner.sim.SeedCells.SeedScore;
import dev.cab.runner.sim.SeedCells.SeedSpan;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboards in a real browser (headless Debian Chromium through chromedriver) on the real
 * pipeline: the three published seed cells go through the collector, Kafka, streams and the sink
 * into the embedded ClickHouse, and each seed's cell page must show every value of its published
 * page. It lives in {@code cli} because only the composition root sees every stage. Screenshots go
 * to {@code cli/target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardsBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LANDING = Duration.ofSeconds(120);

  /** What the published pages print, transcribed from them (headline row, duration, badge). */
  private record Published(List<String> headline, String duration, String badgeAlt) {}

  private static final Map<String, Published> PUBLISHED =
      Map.of(
          "free-20260527/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated",
          new Published(
              List.of("1.000", "", "145.1s", "0.000", "", "1.000", "0.918"),
              "145.12 s",
              "CodingAgentBench: openhands × stepfun-ai/step-3.5-flash 92%"),
          "expansion-20260616/pi/stepfun-ai/step-3.5-flash/polyglot/rust-error-handling",
          new Published(
              List.of("1.000", "", "26.4s", "0.000", "", "1.000", "0.946"),
              "26.42 s",
              "CodingAgentBench: pi × stepfun-ai/step-3.5-flash 95%"),
          "free-20260527/openhands/meta/llama-3.3-70b-instruct/mutations/rust-error-negated",
          new Published(
              List.of("0.000", "", "19.0s", "0.000", "", "1.000", "0.553"),
              "19.00 s",
              "CodingAgentBench: openhands × meta/llama-3.3-70b-instruct 55%"));

  @TempDir static Path dataDir;
  @TempDir static Path profile;
  static LocalStack stack;
  static DashboardsUi ui;
  static ChromeDriver browser;
  static String base;
  static List<SeedCell> seeds;
  static Path screenshots;

  @BeforeAll
  static void startPipelineAndBrowser() throws Exception {
    stack = TestStacks.start(dataDir);
    ui = DashboardsUi.start(stack, profile, LANDING);
    browser = ui.browser();
    base = ui.base();
    seeds = SeedCells.load();
    try (CabTelemetry telemetry = ui.telemetry()) {
      SimulationReport report = new SweepSimulator(telemetry).replaySeeds(ProgressListener.NONE);
      FlushResult flush = report.flush();
      assertThat(flush.allExported()).as("seed cells exported: %s", flush).isTrue();
    }
    for (SeedCell seed : seeds) {
      ui.awaitTrue(
          () -> {
            JsonNode cell = apiCell(seed.identity().cellId());
            return cell != null && cell.path("cell").path("status").asText().equals("complete");
          },
          "seed " + seed.page() + " complete in ClickHouse");
    }
    screenshots = Path.of("target", "screenshots");
    Files.createDirectories(screenshots);
  }

  @AfterAll
  static void stop() {
    if (ui != null) {
      ui.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void eachSeedPageShowsEveryValueOfItsPublishedPage() throws Exception {
    for (SeedCell seed : seeds) {
      CellIdentity id = seed.identity();
      Published published = PUBLISHED.get(id.cellId());
      browser.get(base + Urls.cell(id.tui(), id.model(), id.task()));

      assertThat(ui.text("#cell-title")).isEqualTo(id.tui() + " × " + id.model());
      assertThat(ui.text(".category")).isEqualTo(id.category());
      assertThat(ui.text(".task")).isEqualTo(id.task());
      assertThat(ui.texts("#scores dd"))
          .as("headline of %s", seed.page())
          .isEqualTo(published.headline());
      assertThat(ui.texts("#scores dt"))
          .containsExactly(
              "Pass", "Tokens/correct", "Wall", "Blast", "Refusal", "Integrity", "Composite");

      assertThat(ui.texts("#identity dd"))
          .containsExactly(
              id.cellId(),
              id.sweepId(),
              seed.containerImage(),
              seed.imageDigest(),
              seed.modelBuildId(),
              Long.toString(seed.exitCode()));
      assertThat(ui.texts("#timing dd"))
          .containsExactly(
              seed.startedAt().toString(),
              seed.endedAt().toString(),
              published.duration(),
              "not recorded");

      // every axis: its keys in page order and every value
      for (SeedScore score : seed.scores()) {
        WebElement row =
            browser.findElement(By.cssSelector("#breakdown tr[data-axis='" + score.axis() + "']"));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertThat(cells.get(1).getText()).isEqualTo(String.join(", ", score.breakdown().keySet()));
        assertThat(JSON.readTree(cells.get(2).getText()))
            .as("%s %s", seed.page(), score.axis())
            .isEqualTo(JSON.valueToTree(score.breakdown()));
      }
      WebElement composite =
          browser.findElement(By.cssSelector("#breakdown tr[data-axis='composite']"));
      JsonNode compositeJson =
          JSON.readTree(composite.findElements(By.tagName("td")).get(2).getText());
      assertThat(composite.findElements(By.tagName("td")).get(1).getText())
          .isEqualTo("composite, weights, components, note");
      assertThat(Formats3.of(compositeJson.path("composite").asDouble()))
          .isEqualTo(published.headline().getLast());
      assertThat(compositeJson.path("components").path("refusal_factor").asDouble()).isEqualTo(1.0);

      // all five spans, with parent, kind, name, duration and every harness attribute
      assertThat(ui.text("#spans h2")).isEqualTo("Trace spans (5)");
      for (SeedSpan span : seed.spans()) {
        WebElement row =
            browser.findElement(By.cssSelector("#spans tr[data-span='" + span.spanId() + "']"));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        String parent =
            span.pageParentSpanId() == null ? "" : "↳ " + span.pageParentSpanId().substring(0, 16);
        assertThat(cells.get(0).getText()).isEqualTo((span.spanId() + "\n" + parent).strip());
        assertThat(cells.get(1).getText()).isEqualTo(span.kind());
        assertThat(cells.get(2).getText()).isEqualTo(span.name());
        // The root (adapter_run) runs from started_at to ended_at (SeedCellMapper); the published
        // tables print it up to 11 ms shorter than their own timing block (seed 003: 26407 ms vs
        // 26.418 s), so the root is checked against the timing the page also shows.
        long expectedMs =
            "adapter_run".equals(span.kind())
                ? Math.round(Duration.between(seed.startedAt(), seed.endedAt()).toNanos() / 1e6)
                : span.durationMs();
        assertThat(cells.get(3).getText()).isEqualTo(expectedMs + " ms");
        JsonNode attrs = JSON.readTree(cells.get(4).getText());
        span.attributes()
            .forEach(
                (k, v) -> {
                  if (String.valueOf(v).contains("sk-")) {
                    // seed 003 leaked an API key: the collector masked it, the page shows the mask
                    assertThat(attrs.get(k).toString())
                        .doesNotContain("sk-ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK");
                  } else {
                    assertThat(attrs.get(k))
                        .as("%s.%s", span.name(), k)
                        .isEqualTo(JSON.valueToTree(v));
                  }
                });
      }
      assertThat(browser.findElements(By.cssSelector("#waterfall details.span"))).hasSize(5);

      // run it yourself: by digest, one sha256: prefix
      String docker = ui.text("#docker-run");
      String hex = seed.imageDigest().replaceFirst("^sha256:", "");
      assertThat(docker)
          .contains("docker pull " + seed.containerImage() + "@sha256:" + hex)
          .doesNotContain("sha256:sha256:")
          .contains("--tui " + id.tui(), "--model " + id.model(), "--task " + id.task());
      assertThat(ui.text("#model-calls"))
          .contains("Per-call token capture is not available for this run.");
      assertThat(browser.findElements(By.cssSelector("#model-calls table")))
          .as("no table of no model calls, only its header")
          .isEmpty();

      // embed: the published alt text, a badge that the browser drew
      WebElement badge = browser.findElement(By.id("badge"));
      assertThat(badge.getDomAttribute("alt")).isEqualTo(published.badgeAlt());
      ui.awaitTrue(
          () ->
              ((Number) ui.js("return document.getElementById('badge').naturalWidth")).intValue()
                  > 100,
          "badge image rendered");
      assertThat(ui.text("#embed-markdown"))
          .startsWith(
              "[!["
                  + published.badgeAlt()
                  + "]("
                  + base
                  + Urls.badge(id.tui(), id.model(), id.task())
                  + ")]");
      HttpResponse<String> svg = ui.get(Urls.badge(id.tui(), id.model(), id.task()));
      assertThat(svg.statusCode()).isEqualTo(200);
      assertThat(svg.body())
          .contains("<title>" + published.badgeAlt() + "</title>", "role=\"img\"");
      assertThat(svg.headers().firstValue("ETag")).isPresent();
      assertThat(svg.headers().firstValue("Cache-Control"))
          .hasValueSatisfying(v -> assertThat(v).contains("max-age"));
      assertRsvgConvertDrawsIt(svg.body());
      if (id.cellId().contains("step-3.5-flash/mutations")) {
        Files.write(screenshots.resolve("seed-001-cell-page.png"), fullPage());
      }
    }
  }

  @Test
  @Order(2)
  void traceReplayReactsToItsKeys() {
    SeedCell seed = seeds.getFirst();
    CellIdentity id = seed.identity();
    browser.get(base + Urls.cell(id.tui(), id.model(), id.task()));
    assertThat(ui.text("#clock")).isEqualTo("t = 0 ms / 145.12 s");
    ui.press(".");
    assertThat(ui.text("#clock")).isEqualTo("t = 100 ms / 145.12 s");
    ui.press(".");
    ui.press(",");
    assertThat(ui.text("#clock")).isEqualTo("t = 100 ms / 145.12 s");
    ui.press(Keys.ARROW_RIGHT);
    assertThat(selectedSpan()).isEqualTo(seed.spans().getFirst().spanId());
    ui.press(Keys.ARROW_RIGHT);
    String second = selectedSpan();
    assertThat(second).isNotEqualTo(seed.spans().getFirst().spanId());
    ui.press(Keys.ARROW_LEFT);
    assertThat(selectedSpan()).isEqualTo(seed.spans().getFirst().spanId());
    // space plays: the playhead moves on its own; space again pauses it
    ui.press(Keys.SPACE);
    ui.awaitTrue(
        () ->
            !ui.text("#clock").startsWith("t = 0 ms")
                && !ui.text("#clock").startsWith("t = 100 ms"),
        "playhead moves");
    ui.press(Keys.SPACE);
    String paused = ui.text("#clock");
    long until = System.nanoTime() + Duration.ofMillis(400).toNanos();
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(ui.text("#clock")).isEqualTo(paused);
    // collapse and filter
    browser.findElement(By.id("collapse-all")).click();
    assertThat(visibleSpans()).isEqualTo(3); // task_setup, adapter_run, cleanup
    browser.findElement(By.id("expand-all")).click();
    browser.findElement(By.id("span-filter")).sendKeys("container");
    assertThat(visibleSpans()).isEqualTo(1);
    assertThat(ui.text("#filter-count")).isEqualTo("1 of 5 spans");
  }

  @Test
  @Order(3)
  void aSpanAttributeHoldingScriptIsShownAsText() throws Exception {
    CellIdentity id = CellIdentity.of("xss-sweep", "aider", "test/model", "xss/script-attribute");
    try (CabTelemetry telemetry = ui.telemetry()) {
      Cell cell = telemetry.startCell(id);
      try (CellSpan tool =
          cell.span(CellSpanKind.TOOL_CALL, "<img src=x onerror=window.cabXss=2>")) {
        tool.set("note", "<script>window.cabXss = 1</script>");
      }
      cell.root()
          .containerImage("codingagentbench/aider:1.0", "sha256:abc")
          .modelBuildId("m")
          .exitCode(0)
          .end();
      cell.score(Axis.PASS_RATE, 1, Map.of("pass", 1));
      cell.end();
      assertThat(telemetry.flush(Duration.ofSeconds(20)).allExported()).isTrue();
    }
    ui.awaitTrue(
        () -> apiCell(id.cellId()) != null && apiCell(id.cellId()).path("spans").size() == 2,
        "xss cell landed");
    browser.get(base + Urls.cellById(id.cellId()));
    assertThat(ui.js("return window.cabXss === undefined")).isEqualTo(true);
    assertThat(ui.text("#spans"))
        .contains("<script>window.cabXss = 1</script>", "<img src=x onerror=window.cabXss=2>");
    assertThat(browser.findElements(By.cssSelector("#spans script, #spans img"))).isEmpty();
  }

  @Test
  @Order(4)
  void theBoardUpdatesAsCellsLandWithoutAReload() throws Exception {
    String sweep = "board-live";
    SimulationOptions first =
        SimulationOptions.builder()
            .sweepId(sweep)
            .seed(7)
            .taskCount(1)
            .noFaults()
            .tuis(List.of("aider"))
            .models(List.of("m1"))
            .build();
    ui.send(first);
    ui.awaitTrue(
        () -> ui.get(Urls.sweep(sweep)).statusCode() == 200,
        "first cell of the sweep on the board");
    browser.get(base + Urls.sweep(sweep));
    ui.awaitTrue(() -> ui.text("#connection").startsWith("live"), "board connected");
    ui.js("window.cabMarker = 'same page'; return 1");
    ui.awaitTrue(
        () -> ((Number) ui.js("return window.cabBoardEvents")).intValue() >= 1,
        "first board event");
    // a sweep of one cell so far lies at one instant: minutes of time axis, not years
    assertThat(apiBoard(sweep).path("timeline").path("seconds")).hasSize(1);
    assertTheTimeChartsFitTheTimeline(sweep);
    ui.js("window.cabPushLatencies = []; return 1");

    // when 2 x 2 x 5 = 20 more cells arrive at the demo's pace
    SimulationOptions more =
        SimulationOptions.builder()
            .sweepId(sweep)
            .seed(8)
            .taskCount(5)
            .noFaults()
            .tuis(List.of("openhands", "pi"))
            .models(List.of("m2", "m3"))
            .rate(5)
            .build();
    ui.send(more);

    // then the open board shows all 21 without a reload
    ui.awaitTrue(() -> ui.text("#n-landed").equals("21"), "board shows 21 landed cells");
    ui.awaitTrue(() -> ui.text("#n-running").equals("0"), "every landed cell decided");
    assertThat(ui.js("return window.cabMarker")).isEqualTo("same page");
    assertThat(ui.text("#alerts h2")).startsWith("Active alerts (");
    // the counts and squares come first (the quick push), the leaderboard view's rows right after
    ui.awaitTrue(
        () ->
            ((Number)
                        ui.js(
                            "return [...document.querySelectorAll('#leaderboard tbody tr')]"
                                + ".reduce((n, r) => n + Number(r.querySelectorAll('td')[3]"
                                + ".dataset.v), 0)"))
                    .intValue()
                == 21,
        "the leaderboard counts the 21 cells");
    assertThat(browser.findElements(By.cssSelector("#leaderboard tbody tr"))).hasSize(5);
    assertThat(browser.findElements(By.cssSelector("#heatmap a.sq"))).hasSize(21);
    assertThat(ui.texts("#leaderboard tbody tr:first-child td.ci").getFirst())
        .matches("\\d+\\.\\d–\\d+\\.\\d%");
    @SuppressWarnings("unchecked")
    List<Number> latencies = (List<Number>) ui.js("return window.cabPushLatencies");
    assertThat(latencies).isNotEmpty();
    List<Long> sorted = new ArrayList<>(latencies.stream().map(Number::longValue).toList());
    Collections.sort(sorted);
    System.out.printf(
        "whole-board refresh latency (newest cell row in ClickHouse -> a whole board showing it, leaderboard"
            + " statistics included; a cell's own square comes sooner, by push from Kafka): n=%d p50=%d ms p99=%d ms max=%d ms%n",
        sorted.size(),
        sorted.get(sorted.size() / 2),
        sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
        sorted.getLast());
    // each row's badge says the row's pass rate (revalidated, not a stale cached one)
    // read in one script: a late push may re-render the table between two WebDriver calls
    @SuppressWarnings("unchecked")
    List<List<String>> rows =
        (List<List<String>>)
            ui.js(
                "return [...document.querySelectorAll('#leaderboard tbody tr')]"
                    + ".map(r => [r.querySelectorAll('td')[4].innerText.trim(),"
                    + " r.querySelector('img').src])");
    assertThat(rows).hasSize(5);
    for (List<String> row : rows) {
      String rate = row.get(0);
      String badge = URI.create(row.get(1)).getRawPath();
      String expectedPct = Math.round(Double.parseDouble(rate.replace("%", ""))) + "%";
      assertThat(ui.get(badge).body()).contains(">" + expectedPct + "</text>");
    }
    // a heatmap square links to its cell page
    String href = (String) ui.js("return document.querySelector('#heatmap a.sq').href");
    assertThat(ui.get(URI.create(href).getPath()).statusCode()).isEqualTo(200);
    assertTheTimeChartsFitTheTimeline(sweep);
    Files.write(screenshots.resolve("board.png"), fullPage());
  }

  @Test
  @Order(6)
  void theBoardShowsPlannedCellsAsPendingTheViewsLeaderboardAndTheCostParetoFront()
      throws Exception {
    // given a sweep whose 12 cells ran, then a plan with two more tasks that have not run yet
    String sweep = "board-plan";
    SimulationOptions ran =
        SimulationOptions.builder()
            .sweepId(sweep)
            .seed(21)
            .taskCount(3)
            .noFaults()
            .tuis(List.of("aider", "opencode"))
            .models(List.of("meta/llama-3.3-70b-instruct", "openai/gpt-oss-120b"))
            .build();
    ui.send(ran);
    List<String> plannedTasks = new ArrayList<>(ran.tasks());
    plannedTasks.addAll(List.of("later/task-a", "later/task-b"));
    try (CabTelemetry telemetry = ui.telemetry()) {
      telemetry.declareSweep(SweepPlan.of(sweep, ran.tuis(), ran.models(), plannedTasks));
      assertThat(telemetry.flush(Duration.ofSeconds(20)).allExported()).isTrue();
    }

    // when the board is opened (read in one script: a push may re-render it between two calls)
    browser.get(base + Urls.sweep(sweep));
    String read =
        "var q = s => [...document.querySelectorAll(s)], t = s => q(s).map(e =>"
            + " e.textContent.trim());"
            + "return JSON.stringify({planned: t('#n-planned')[0], landed: t('#n-landed')[0],"
            + " expected: t('#n-expected')[0], pending: t('#n-pending')[0],"
            + " pendingSquares: q('#heatmap td span.sq.o-pending').length,"
            + " links: q('#heatmap a.sq').length, tasks: t('#heatmap tbody th'),"
            + " rows: q('#leaderboard tbody tr').map(r => [r.dataset.tui + ' × ' + r.dataset.model,"
            + " r.querySelectorAll('td')[4].dataset.v, r.querySelectorAll('td')[11].textContent.trim()]),"
            + " points: q('#cost-chart circle.pt').map(c => [c.dataset.tui + ' × ' + c.dataset.model,"
            + " c.dataset.pareto]),"
            + " front: q('#cost-chart line.front').length})";
    JsonNode[] board = new JsonNode[1];
    Map<String, JsonNode> view = new java.util.HashMap<>();
    ui.awaitTrue(
        () -> {
          try {
            board[0] = JSON.readTree((String) ui.js(read));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          if (board[0].path("planned").isMissingNode() || board[0].path("planned").isNull()) {
            browser.get(base + Urls.sweep(sweep)); // no board yet: its first cell has not landed
            return false;
          }
          if (!board[0].path("planned").asText().equals("20")
              || !board[0].path("landed").asText().equals("12")) {
            return false;
          }
          // The counts come by push from Kafka, the leaderboard from ClickHouse's view once the
          // rows landed there: wait for the board to show the view of all 12 cells too.
          view.clear();
          view.putAll(leaderboardView(sweep));
          return leaderboardIsTheViews(board[0], view);
        },
        "the board counts the bigger plan and the 12 landed cells, its leaderboard the view's");
    JsonNode b = board[0];

    // then the 8 planned cells that have not run are pending squares, the 12 others link to pages
    assertThat(b.path("expected").asText()).isEqualTo("20");
    assertThat(b.path("pending").asText()).isEqualTo("8");
    assertThat(b.path("pendingSquares").asInt()).isEqualTo(8);
    assertThat(b.path("links").asInt()).isEqualTo(12);
    List<String> taskRows = new ArrayList<>();
    b.path("tasks").forEach(t -> taskRows.add(t.asText()));
    assertThat(taskRows).containsExactlyElementsOf(plannedTasks);

    // the leaderboard is the leaderboard view's, row for row
    assertThat(view).hasSize(4);
    assertThat(b.path("rows").size()).isEqualTo(4);
    for (JsonNode row : b.path("rows")) {
      JsonNode expected = view.get(row.get(0).asText());
      assertThat(Double.parseDouble(row.get(1).asText()))
          .as(row.get(0).asText())
          .isCloseTo(expected.path("pass_rate").asDouble(), within(1e-9));
      assertThat(row.get(2).asText()).isEqualTo(expected.path("infra_errors").asText());
    }

    // and the cost chart has a point per priced pair, the Pareto front being the undominated ones
    assertThat(b.path("points").size()).isEqualTo(4);
    List<String> front = new ArrayList<>();
    for (JsonNode x : view.values()) {
      boolean dominated = false;
      for (JsonNode y : view.values()) {
        double cx = x.path("cost_per_cell_usd").asDouble();
        double cy = y.path("cost_per_cell_usd").asDouble();
        double px = x.path("pass_rate").asDouble();
        double py = y.path("pass_rate").asDouble();
        dominated |= cy <= cx && py >= px && (cy < cx || py > px);
      }
      if (!dominated) {
        front.add(x.path("tui").asText() + " × " + x.path("model").asText());
      }
    }
    List<String> drawnFront = new ArrayList<>();
    b.path("points")
        .forEach(
            pt -> {
              if (pt.get(1).asText().equals("true")) {
                drawnFront.add(pt.get(0).asText());
              }
            });
    assertThat(drawnFront).isNotEmpty().containsExactlyInAnyOrderElementsOf(front);
    assertThat(b.path("front").asInt()).as("segments of the front").isEqualTo(front.size() - 1);

    // its x axis reads in round steps with one precision (CI run 8483be6: "$0 $0.00873 $0.017
    // $0.026 $0.035") and it takes its column's width (it took 560 px of 1,352)
    JsonNode cost =
        JSON.readTree(
            (String)
                ui.js(
                    "return JSON.stringify({ticks: [...document.querySelectorAll("
                        + "'#cost-chart text.tick[text-anchor=middle]')].map(t => t.textContent.trim()),"
                        + " chart: document.getElementById('cost-chart').getBoundingClientRect().width,"
                        + " column: document.getElementById('cost').getBoundingClientRect().width})"));
    List<String> costTicks = new ArrayList<>();
    cost.path("ticks").forEach(t -> costTicks.add(t.asText()));
    assertTicksAreRoundSteps(costTicks);
    assertThat(cost.path("chart").asDouble())
        .as("the cost chart's width against its section's")
        .isGreaterThan(0.85 * cost.path("column").asDouble());
    assertTheTimeChartsFitTheTimeline(sweep);

    // and the leaderboard sorts by a column when its header is clicked: pass rate highest first,
    // then lowest first
    String passRates =
        "return [...document.querySelectorAll('#leaderboard tbody tr')]"
            + ".map(r => parseFloat(r.querySelectorAll('td')[4].dataset.v))";
    ui.js("document.querySelectorAll('#leaderboard thead th')[4].click()");
    ui.awaitTrue(
        () -> isSorted(numbers(ui.js(passRates)), -1), "the leaderboard by pass rate, descending");
    ui.js("document.querySelectorAll('#leaderboard thead th')[4].click()");
    ui.awaitTrue(
        () -> isSorted(numbers(ui.js(passRates)), 1), "the leaderboard by pass rate, ascending");
    assertThat(numbers(ui.js(passRates))).hasSize(4);
    Files.write(screenshots.resolve("board-plan.png"), fullPage());
  }

  /**
   * Both time charts of the board draw on the server's time axis, which holds every point of the
   * timeline and spans minutes to a day for a sweep that landed within minutes (CI run 8483be6 drew
   * a board-plan sweep that landed within a second on a Dec 2026 - Sep 2029 axis), with 24-hour
   * tick labels (it printed ":18 :19 ..." for board-live).
   */
  private static void assertTheTimeChartsFitTheTimeline(String sweep) throws IOException {
    JsonNode timeline = apiBoard(sweep).path("timeline");
    List<Long> seconds = new ArrayList<>();
    timeline.path("seconds").forEach(t -> seconds.add(t.asLong()));
    assertThat(seconds).isNotEmpty();
    for (String chart : List.of("chart-landed", "chart-pass")) {
      // the labels are uPlot's own (the axis' _values: it draws them on a canvas, not in the DOM)
      String read =
          "var u = window.cabCharts['"
              + chart
              + "']; return u ? JSON.stringify({min: u.scales.x.min, max: u.scales.x.max,"
              + " xs: Array.from(u.data[0]), ticks: u.axes[0]._values}) : null";
      JsonNode[] drawn = new JsonNode[1];
      ui.awaitTrue(
          () -> {
            String json = (String) ui.js(read);
            if (json == null) {
              return false;
            }
            try {
              drawn[0] = JSON.readTree(json);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return drawn[0].path("xs").size() == seconds.size();
          },
          chart + " drawn with the whole timeline");
      JsonNode c = drawn[0];
      double min = c.path("min").asDouble();
      double max = c.path("max").asDouble();
      assertThat(max - min)
          .as("%s: seconds of its time axis (%s)", chart, c)
          .isLessThan(86_400)
          .isGreaterThanOrEqualTo(60);
      assertThat(List.of(min, max))
          .as("%s: the server's time axis", chart)
          .containsExactly(
              timeline.path("fromSeconds").asDouble(), timeline.path("toSeconds").asDouble());
      c.path("xs").forEach(x -> assertThat(x.asDouble()).isBetween(min, max));
      assertThat(c.path("ticks").size()).as("%s: ticks", chart).isGreaterThanOrEqualTo(2);
      c.path("ticks")
          .forEach(
              t ->
                  assertThat(t.asText())
                      .as("%s: a tick", chart)
                      .matches("\\d{2}:\\d{2}(:\\d{2})?(\\n\\d{4}-\\d{2}-\\d{2})?"));
    }
  }

  /**
   * Ticks {@code $0}, then steps of 1, 2 or 5 times a power of ten, every one with the same
   * decimals.
   */
  private static void assertTicksAreRoundSteps(List<String> ticks) {
    assertThat(ticks).hasSizeGreaterThanOrEqualTo(3).first().isEqualTo("$0");
    List<java.math.BigDecimal> usd =
        ticks.stream().skip(1).map(t -> new java.math.BigDecimal(t.replace("$", ""))).toList();
    java.math.BigDecimal step = usd.getFirst();
    assertThat(step.stripTrailingZeros().unscaledValue().intValue())
        .as("the step of %s", ticks)
        .isIn(1, 2, 5);
    for (int i = 0; i < usd.size(); i++) {
      assertThat(usd.get(i))
          .as("tick %d of %s", i + 1, ticks)
          .isEqualByComparingTo(step.multiply(java.math.BigDecimal.valueOf(i + 1)));
      assertThat(usd.get(i).scale()).as("the decimals of %s", ticks).isEqualTo(step.scale());
    }
  }

  /**
   * librsvg draws the badge at its declared size, the label's grey on the left and the message's
   * fill colour on the right (the other renderer the issue names, beside the browser's).
   */
  private static void assertRsvgConvertDrawsIt(String svg) throws IOException {
    Matcher size = Pattern.compile("<svg [^>]*width=\"(\\d+)\" height=\"(\\d+)\"").matcher(svg);
    Matcher fills =
        Pattern.compile(
                "<rect width=\"(\\d+)\" height=\"20\" fill=\"#555\"/><rect x=\"\\d+\""
                    + " width=\"\\d+\" height=\"20\" fill=\"#([0-9a-f]{6}|[0-9a-f]{3})\"/>")
            .matcher(svg);
    assertThat(size.find()).as("the badge's size in %s", svg).isTrue();
    assertThat(fills.find()).as("the badge's two fills in %s", svg).isTrue();
    BufferedImage png = RsvgConvert.render(svg, Files.createDirectories(screenshots));
    assertThat(png.getWidth()).isEqualTo(Integer.parseInt(size.group(1)));
    assertThat(png.getHeight()).isEqualTo(Integer.parseInt(size.group(2)));
    int labelWidth = Integer.parseInt(fills.group(1));
    assertCloseColour(png.getRGB(1, 2), 0x555555);
    String hex = fills.group(2);
    if (hex.length() == 3) {
      hex = hex.replaceAll("(.)", "$1$1");
    }
    assertCloseColour(png.getRGB(labelWidth + 1, 2), Integer.parseInt(hex, 16));
  }

  /** Within the gradient's light overlay of {@code rgb}, channel by channel. */
  private static void assertCloseColour(int argb, int rgb) {
    assertThat((argb >>> 24) & 0xff).as("opacity").isEqualTo(0xff);
    for (int shift : new int[] {16, 8, 0}) {
      assertThat((argb >> shift) & 0xff)
          .as("colour %06x against %06x", argb & 0xffffff, rgb)
          .isCloseTo((rgb >> shift) & 0xff, within(40));
    }
  }

  private static List<Double> numbers(Object jsArray) {
    return ((List<?>) jsArray).stream().map(n -> ((Number) n).doubleValue()).toList();
  }

  /** Whether {@code xs} (at least two, not all equal) is in order: 1 ascending, -1 descending. */
  private static boolean isSorted(List<Double> xs, int direction) {
    for (int i = 1; i < xs.size(); i++) {
      if (Double.compare(xs.get(i), xs.get(i - 1)) * direction < 0) {
        return false;
      }
    }
    return xs.size() > 1 && !xs.getFirst().equals(xs.getLast());
  }

  /** The {@code leaderboard} view's rows of {@code sweep}, by "tui × model". */
  private Map<String, JsonNode> leaderboardView(String sweep) {
    Map<String, JsonNode> view = new java.util.HashMap<>();
    for (JsonNode r :
        ui.clickhouseRows(
            "SELECT tui, model, pass_rate, infra_errors, cost_per_cell_usd FROM leaderboard"
                + " WHERE sweep_id = '"
                + sweep
                + "'")) {
      view.put(r.path("tui").asText() + " × " + r.path("model").asText(), r);
    }
    return view;
  }

  /** Whether the board's leaderboard rows (pair, pass rate, infra errors) are the view's. */
  private static boolean leaderboardIsTheViews(JsonNode board, Map<String, JsonNode> view) {
    if (board.path("rows").size() != view.size()) {
      return false;
    }
    for (JsonNode row : board.path("rows")) {
      JsonNode expected = view.get(row.get(0).asText());
      if (expected == null
          || Math.abs(
                  Double.parseDouble(row.get(1).asText()) - expected.path("pass_rate").asDouble())
              > 1e-9
          || !row.get(2).asText().equals(expected.path("infra_errors").asText())) {
        return false;
      }
    }
    return true;
  }

  @Test
  @Order(5)
  void badInputGetsAClearFourHundredNeverAFiveHundred() throws IOException {
    String longName = "x".repeat(2000);
    Map<String, Integer> expected =
        Map.of(
            "/sweeps/no-such-sweep",
            404,
            "/cells/no/such/cell",
            404,
            "/cell/openhands/x/y/z",
            404,
            "/cell/openhands/%27%20OR%201=1%20--",
            404,
            "/cells/%7Bx:String%7D",
            404,
            "/api/cells/%27)%20OR%20(1=1",
            404,
            "/badge/nope/m/t.svg",
            404,
            "/badge/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated.png",
            404,
            "/sweeps/" + longName,
            414,
            "/no/such/page",
            404);
    expected.forEach(
        (path, status) -> {
          HttpResponse<String> r = ui.get(path);
          assertThat(r.statusCode()).as(path).isGreaterThanOrEqualTo(400).isLessThan(500);
          if (path.length() < 1000) {
            assertThat(r.statusCode()).as(path).isEqualTo(status);
          }
        });
    try {
      assertThat(JSON.readTree(ui.get("/api/cells/nope").body()))
          .isEqualTo(JSON.readTree("{\"status\":404,\"error\":\"No cell with id 'nope'.\"}"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(ui.get("/badge/nope/m/t.svg").body()).contains(">no result<");
    assertRsvgConvertDrawsIt(ui.get("/badge/nope/m/t.svg").body());
    assertThat(ui.get("/cells/%7Bx:String%7D").body()).contains("No cell with id '{x:String}'.");
  }

  @Test
  @Order(7)
  void aSweepIdWithSlashAndReservedCharactersWorksThroughEveryLink() throws Exception {
    // given a sweep whose id holds '/', space, '#', '%', '?' and unicode, and in it a cell whose
    // agent CLI, model and task hold them too
    String sweep = "team/nightly #7 50%?é";
    CellIdentity odd = CellIdentity.of(sweep, "my cli/β", "org/model #1", "cat/task 100%?");
    // (the simulator keeps '/' out of its sweep ids: these cells come from the runner SDK)
    sendCells(
        CellIdentity.of(sweep, "aider", "meta/llama-3.3-70b-instruct", "cat/a"),
        CellIdentity.of(sweep, "aider", "meta/llama-3.3-70b-instruct", "cat/b"),
        odd);
    ui.awaitTrue(
        () -> apiBoard(sweep).path("progress").path("landed").asLong() == 3,
        "three cells of the reserved-character sweep on its board");

    // when the user opens its board from the sweeps list
    browser.get(base + "/");
    WebElement link =
        browser.findElements(By.cssSelector("#sweeps tbody tr")).stream()
            .filter(r -> sweep.equals(r.getDomAttribute("data-sweep")))
            .findFirst()
            .orElseThrow()
            .findElement(By.tagName("a"));
    assertThat(link.getDomAttribute("href"))
        .isEqualTo("/sweeps/team%2Fnightly%20%237%2050%25%3F%C3%A9")
        .isEqualTo(Urls.sweep(sweep));
    link.click();
    ui.awaitTrue(() -> ui.text("#sweep-id").equals(sweep), "the board of the sweep opened");
    assertThat(URI.create(browser.getCurrentUrl()).getRawPath()).isEqualTo(Urls.sweep(sweep));
    ui.awaitTrue(() -> ui.text("#connection").startsWith("live"), "board connected to its events");
    ui.js("window.cabMarker = 'reserved'; return 1");

    // then it updates by push when more cells land
    sendCells(
        CellIdentity.of(sweep, "pi", "m/2", "cat/a"), CellIdentity.of(sweep, "pi", "m/2", "cat/b"));
    ui.awaitTrue(() -> ui.text("#n-landed").equals("5"), "the open board shows 5 landed cells");
    assertThat(ui.js("return window.cabMarker")).isEqualTo("reserved");

    // every row's badge, the JSON API and the charts' URL answer for this sweep
    @SuppressWarnings("unchecked")
    List<String> badges =
        (List<String>)
            ui.js(
                "return [...document.querySelectorAll('#leaderboard tbody img')].map(i => i.src)");
    assertThat(badges).isNotEmpty();
    for (String badge : badges) {
      HttpResponse<String> svg = ui.get(URI.create(badge).getRawPath());
      assertThat(svg.statusCode()).as(badge).isEqualTo(200);
      assertThat(svg.body()).contains("pass rate", "(" + sweep + ")");
    }
    assertThat(apiBoard(sweep).path("sweepId").asText()).isEqualTo(sweep);
    assertThat(browser.findElement(By.id("board")).getDomAttribute("data-api"))
        .isEqualTo(Urls.apiSweep(sweep));
    // a raw '/' in the address is read as part of the id and sent to its one spelling
    HttpResponse<String> raw = ui.get("/sweeps/team/nightly%20%237%2050%25%3F%C3%A9");
    assertThat(raw.statusCode()).isEqualTo(308);
    assertThat(raw.headers().firstValue("Location")).hasValue(Urls.sweep(sweep));

    // and the heatmap square of the odd cell leads to its page, whose own links work
    WebElement square =
        browser.findElements(By.cssSelector("#heatmap a.sq")).stream()
            .filter(a -> Urls.cellById(odd.cellId()).equals(a.getDomAttribute("href")))
            .findFirst()
            .orElseThrow();
    square.click();
    ui.awaitTrue(
        () -> ui.text("#cell-title").equals(odd.tui() + " × " + odd.model()),
        "the odd cell's page");
    assertThat(ui.texts("#identity dd").subList(0, 2)).containsExactly(odd.cellId(), sweep);
    assertThat(ui.text(".task")).isEqualTo(odd.task());
    String crumb =
        browser.findElement(By.cssSelector(".crumbs a:nth-of-type(2)")).getDomAttribute("href");
    assertThat(crumb).isEqualTo(Urls.sweep(sweep));
    assertThat(ui.get(crumb).statusCode()).isEqualTo(200);
    HttpResponse<String> byTriple = ui.get(Urls.cell(odd.tui(), odd.model(), odd.task()));
    assertThat(byTriple.statusCode()).isEqualTo(200);
    assertThat(byTriple.body()).contains(odd.cellId());
    assertThat(Urls.cell(odd.tui(), odd.model(), odd.task()))
        .isEqualTo("/cell/my%20cli%2F%CE%B2/org/model%20%231/cat/task%20100%25%3F");
    HttpResponse<String> badge = ui.get(Urls.badge(odd.tui(), odd.model(), odd.task()));
    assertThat(badge.statusCode()).isEqualTo(200);
    assertThat(badge.body()).contains("<title>CodingAgentBench: my cli/β × org/model #1");
    ui.awaitTrue(
        () ->
            ((Number) ui.js("return document.getElementById('badge').naturalWidth")).intValue()
                > 100,
        "the odd cell's badge drawn on its page");
  }

  /** Kinds of tool calls a long run makes, in turn. */
  private static final List<String> TOOLS =
      List.of("bash: cargo test", "read_file src/lib.rs", "edit_file src/lib.rs");

  @Test
  @Order(8)
  void aCellOfFiveThousandSpansKeepsItsWaterfallUsable() throws Exception {
    // given a long agent run through the real pipeline: 1,249 turns of a model call and three
    // tool calls under it, a container span, setup and cleanup: 5,000 spans, every 97th tool
    // call failing
    CellIdentity id =
        CellIdentity.of("long-run", "openhands", "stepfun-ai/step-3.5-flash", "polyglot/long-run");
    int turns = 1249;
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    int errors = 0;
    String rootId;
    String firstTurn = null;
    try (CabTelemetry telemetry = ui.telemetry()) {
      Cell cell = telemetry.startCell(id);
      rootId = cell.traceIds().rootSpanId();
      cell.spanBuilder(CellSpanKind.TASK_SETUP, "prepare:" + id.task())
          .noParent()
          .startAt(t0)
          .start()
          .end(t0.plusSeconds(2));
      Instant runStart = t0.plusSeconds(2);
      Instant runEnd = runStart.plusMillis(1000 + turns * 1900L);
      CellSpan root =
          cell.rootBuilder(id.tui() + ":" + id.task())
              .startAt(runStart)
              .start()
              .containerImage("codingagentbench/openhands:1.7.0", "sha256:" + "7f".repeat(32))
              .modelBuildId("step-3.5-flash");
      cell.spanBuilder(CellSpanKind.CONTAINER, "container: openhands")
          .parent(root)
          .startAt(runStart)
          .start()
          .end(runEnd);
      for (int turn = 0; turn < turns; turn++) {
        Instant at = runStart.plusMillis(500 + turn * 1900L);
        CellSpan call =
            cell.modelCallBuilder()
                .parent(root)
                .startAt(at)
                .start()
                .usage(TokenUsage.of(1200 + turn, 80));
        if (firstTurn == null) {
          firstTurn = call.spanId();
        }
        for (int k = 0; k < TOOLS.size(); k++) {
          CellSpan tool =
              cell.spanBuilder(CellSpanKind.TOOL_CALL, TOOLS.get(k))
                  .parent(call)
                  .startAt(at.plusMillis(600 + k * 400))
                  .start()
                  .set("turn", turn);
          if ((turn * TOOLS.size() + k) % 97 == 0) {
            tool.error("exit status 1");
            errors++;
          }
          tool.end(at.plusMillis(900 + k * 400));
        }
        call.end(at.plusMillis(1800));
      }
      root.exitCode(0).end(runEnd);
      cell.spanBuilder(CellSpanKind.CLEANUP, "cleanup")
          .noParent()
          .startAt(runEnd)
          .start()
          .end(runEnd.plusSeconds(1));
      scoreEveryAxis(cell);
      cell.end();
      assertThat(telemetry.flush(Duration.ofSeconds(60)).allExported()).isTrue();
    }
    int spans = 4 + turns * (1 + TOOLS.size());
    assertThat(spans).isEqualTo(5000);
    String countSql = "SELECT count() AS n FROM spans FINAL WHERE cell_id = '" + id.cellId() + "'";
    String cellSql = "SELECT status FROM cells FINAL WHERE cell_id = '" + id.cellId() + "'";
    ui.awaitTrue(
        () -> {
          try {
            return ui.clickhouseRows(countSql).getFirst().path("n").asLong() == spans
                && ui.clickhouseRows(cellSql).getFirst().path("status").asText().equals("complete");
          } catch (Exception e) {
            return false;
          }
        },
        "5,000 spans of the long cell and the complete cell in ClickHouse");

    // server render time, warm: median of 15 (Server-Timing is the server's part)
    String page = Urls.cellById(id.cellId());
    ui.get(page);
    List<Double> server = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < 15; i++) {
      long started = System.nanoTime();
      HttpResponse<String> r = ui.get(page);
      wall.add((System.nanoTime() - started) / 1e6);
      assertThat(r.statusCode()).isEqualTo(200);
      bytes = r.body().length();
      server.add(
          Double.parseDouble(
              r.headers().firstValue("Server-Timing").orElseThrow().replaceAll(".*dur=", "")));
    }
    Collections.sort(server);
    Collections.sort(wall);

    // when the page is opened in the browser
    browser.get(base + page);
    ui.awaitTrue(() -> ui.js("return window.cabReplayReady") != null, "the replay script ran");
    Object nav =
        ui.js(
            "var n = performance.getEntriesByType('navigation')[0];"
                + " return [n.responseEnd, n.domInteractive, n.domContentLoadedEventEnd,"
                + " n.loadEventEnd, window.cabReplayReady];");
    // then it shows every span in the waterfall and the spans table a page at a time
    // every span is in the replay, and only the rows in view are drawn (a windowed list)
    assertThat(shownSpans()).isEqualTo(spans);
    int drawn = browser.findElements(By.cssSelector("#waterfall details.span")).size();
    assertThat(drawn).isBetween(20, 200);
    assertThat(ui.text("#spans h2")).isEqualTo("Trace spans (5000)");
    assertThat(browser.findElements(By.cssSelector("#spans tbody tr"))).hasSize(200);
    assertThat(ui.text("#spans .pager .showing")).isEqualTo("spans 1–200 of 5,000 (page 1 of 25)");
    assertThat(ui.text("#model-calls h2")).isEqualTo("Model calls (1249)");
    assertThat(browser.findElements(By.cssSelector("#model-calls tbody tr"))).hasSize(200);
    Files.write(screenshots.resolve("cell-5000-spans.png"), viewport());

    // the replay keys work on it, and each press is timed from the key event to the next frame
    ui.press(Keys.ARROW_RIGHT);
    assertThat(selectedSpan()).isNotEmpty();
    ui.press(Keys.ARROW_RIGHT);
    ui.press(Keys.ARROW_RIGHT);
    String third = selectedSpan();
    ui.press(Keys.ARROW_LEFT);
    ui.press(Keys.ARROW_RIGHT);
    assertThat(selectedSpan()).isEqualTo(third);
    for (int i = 0; i < 10; i++) {
      ui.press(".");
    }
    for (int i = 0; i < 10; i++) {
      ui.press(Keys.ARROW_RIGHT);
    }
    ui.awaitTrue(
        () -> ((Number) ui.js("return window.cabKeyLatencies.length")).intValue() >= 25,
        "every key press measured");
    @SuppressWarnings("unchecked")
    List<Number> keys = (List<Number>) ui.js("return window.cabKeyLatencies");

    // errors only: exactly the error spans
    browser.findElement(By.id("errors-only")).click();
    assertThat(shownSpans()).isEqualTo(errors);
    assertThat(
            ui.js("return document.querySelectorAll('#waterfall details.span:not(.error)').length"))
        .isEqualTo(0L);
    assertThat(ui.text("#filter-count")).isEqualTo(errors + " of 5000 spans");
    browser.findElement(By.id("errors-only")).click();
    // by kind, and by name
    browser.findElement(By.cssSelector("#kind-filter option[value='tool_call']")).click();
    assertThat(shownSpans()).isEqualTo(turns * TOOLS.size());
    browser.findElement(By.cssSelector("#kind-filter option[value='']")).click();
    long typed = System.nanoTime();
    browser.findElement(By.id("span-filter")).sendKeys("cargo test");
    double filterMs = (System.nanoTime() - typed) / 1e6;
    assertThat(shownSpans()).isEqualTo(turns);
    browser.findElement(By.id("span-filter")).clear();
    ui.js(
        "var f = document.getElementById('span-filter'); f.value = '';"
            + " f.dispatchEvent(new Event('input')); return 1");
    assertThat(shownSpans()).isEqualTo(spans);

    // collapsing the root hides everything under it; a turn collapses its three tool calls
    browser
        .findElement(By.cssSelector("#waterfall details.span[data-span='" + rootId + "'] .fold"))
        .click();
    assertThat(shownSpans()).isEqualTo(3); // task_setup, adapter_run, cleanup
    assertThat(ui.text("#filter-count")).isEqualTo("3 of 5000 spans shown");
    browser
        .findElement(By.cssSelector("#waterfall details.span[data-span='" + rootId + "'] .fold"))
        .click();
    assertThat(shownSpans()).isEqualTo(spans);
    browser
        .findElement(By.cssSelector("#waterfall details.span[data-span='" + firstTurn + "'] .fold"))
        .click();
    assertThat(shownSpans()).isEqualTo(spans - TOOLS.size());
    // a collapsed turn stays collapsed when its parent is collapsed and expanded again
    browser
        .findElement(By.cssSelector("#waterfall details.span[data-span='" + rootId + "'] .fold"))
        .click();
    browser
        .findElement(By.cssSelector("#waterfall details.span[data-span='" + rootId + "'] .fold"))
        .click();
    assertThat(shownSpans()).isEqualTo(spans - TOOLS.size());

    // the spans table's next page
    browser.findElement(By.cssSelector("#spans .pager a.next")).click();
    ui.awaitTrue(
        () -> ui.text("#spans .pager .showing").equals("spans 201–400 of 5,000 (page 2 of 25)"),
        "second page of the spans table");
    assertThat(browser.findElements(By.cssSelector("#spans tbody tr"))).hasSize(200);

    List<Double> keyMs = new ArrayList<>(keys.stream().map(Number::doubleValue).toList());
    Collections.sort(keyMs);
    @SuppressWarnings("unchecked")
    List<Number> n = (List<Number>) nav;
    System.out.printf(
        "5,000-span cell page: server render (Server-Timing) median %.0f ms, max %.0f ms;"
            + " request median %.0f ms (n=15, warm); %,d characters of HTML%n"
            + "5,000-span cell page in Chromium: response end %.0f ms, DOM interactive %.0f ms,"
            + " DOMContentLoaded %.0f ms, load %.0f ms, replay ready %.0f ms (from navigation start)%n"
            + "5,000-span cell page: key press to next frame median %.1f ms, max %.1f ms (n=%d);"
            + " typing a 10-character filter %.0f ms (WebDriver round trips included)%n",
        server.get(server.size() / 2),
        server.getLast(),
        wall.get(wall.size() / 2),
        bytes,
        n.get(0).doubleValue(),
        n.get(1).doubleValue(),
        n.get(2).doubleValue(),
        n.get(3).doubleValue(),
        n.get(4).doubleValue(),
        keyMs.get(keyMs.size() / 2),
        keyMs.getLast(),
        keyMs.size(),
        filterMs);
  }

  // ---- helpers

  /** A pass, and a score on every other axis, so the cell is complete and decided. */
  private static void scoreEveryAxis(Cell cell) {
    cell.score(Axis.PASS_RATE, 1, Map.of("pass", 1, "exit_code", 0));
    cell.score(Axis.TOKENS, 0, Map.of("total_tokens", 0));
    cell.score(Axis.LATENCY, 1000, Map.of("wall_clock_ms", 1000));
    cell.score(Axis.BLAST_RADIUS, 0, Map.of("blast_radius", 0));
    cell.score(Axis.REFUSAL, 0, Map.of("refusal", 0, "not_applicable", true));
    cell.score(Axis.INTEGRITY, 1, Map.of("integrity", 1, "not_applicable", true));
  }

  /**
   * Minimal complete cells (a root that exited 0, every axis scored) straight from the runner SDK.
   */
  private static void sendCells(CellIdentity... ids) {
    try (CabTelemetry telemetry = ui.telemetry()) {
      for (CellIdentity id : ids) {
        Cell cell = telemetry.startCell(id);
        cell.root()
            .containerImage("codingagentbench/" + id.tui().replace('/', '-') + ":1", "sha256:abc")
            .modelBuildId("m")
            .exitCode(0)
            .end();
        scoreEveryAxis(cell);
        cell.end();
      }
      assertThat(telemetry.flush(Duration.ofSeconds(20)).allExported()).isTrue();
    }
  }

  private static String selectedSpan() {
    return browser
        .findElement(By.cssSelector("#waterfall details.span.sel"))
        .getDomAttribute("data-span");
  }

  /** How many spans the replay shows (drawn or not: it draws only the rows in view). */
  private static int shownSpans() {
    return ((Number) ui.js("return window.cabShownSpans")).intValue();
  }

  private static int visibleSpans() {
    return ((Number)
            ui.js(
                "return document.querySelectorAll('#waterfall details.span:not(.hidden)').length"))
        .intValue();
  }

  /** What a user sees on opening the page: the browser window only. */
  private static byte[] viewport() {
    return browser.getScreenshotAs(OutputType.BYTES);
  }

  private static byte[] fullPage() {
    // the window's height is the page's and the browser's own (outer - inner); again while the
    // page grows in the taller window (charts laid out again)
    for (int i = 0; i < 3; i++) {
      @SuppressWarnings("unchecked")
      List<Number> heights =
          (List<Number>)
              ui.js(
                  "return [Math.min(document.documentElement.scrollHeight, 6000),"
                      + " window.innerHeight, window.outerHeight - window.innerHeight]");
      if (i > 0 && heights.get(1).intValue() >= heights.get(0).intValue()) {
        break;
      }
      browser
          .manage()
          .window()
          .setSize(
              new org.openqa.selenium.Dimension(
                  1400, heights.get(0).intValue() + heights.get(2).intValue()));
    }
    byte[] png = browser.getScreenshotAs(OutputType.BYTES);
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1800));
    return png;
  }

  static JsonNode apiBoard(String sweepId) {
    return ui.getJson(Urls.apiSweep(sweepId));
  }

  /** The cell's JSON, null while the dashboards do not have it. */
  static JsonNode apiCell(String cellId) {
    JsonNode cell = ui.getJson("/api" + Urls.cellById(cellId));
    return cell.isMissingNode() ? null : cell;
  }

  /** Three decimals as the pages print them. */
  private static final class Formats3 {
    static String of(double v) {
      return new java.math.BigDecimal(v)
          .setScale(3, java.math.RoundingMode.HALF_EVEN)
          .toPlainString();
    }
  }
}
