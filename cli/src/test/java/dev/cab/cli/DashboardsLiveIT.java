package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.browser.DashboardsUi;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.dashboards.pages.Urls;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.testing.Await;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The live board in a real browser (headless Chromium) on the real pipeline, the demo's stack
 * defaults (the dashboards read the cell records from Kafka for the push): how fast each cell
 * reaches an open board at the demo's rate, with many boards open on the sweep, and what open
 * boards and pages do while ClickHouse is down and after it is back.
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
  static DashboardsUi ui;
  static ChromeDriver browser;
  static String base;

  @BeforeAll
  static void startPipelineAndBrowser() {
    // the demo's stack: ClickHouse is stopped and started again on its port, the sink batches as
    // in ./cab demo (no test shortcut)
    stack = TestStacks.demo(dataDir);
    ui = DashboardsUi.start(stack, profile, LANDING);
    browser = ui.browser();
    base = ui.base();
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
  void everyOpenBoardIsPushedEachCellAtTheDemosRate() throws Exception {
    // given a board open on a sweep whose first cell landed, and 24 more boards of that sweep
    String sweep = "push-latency";
    ui.send(demoSweep(sweep, 1).toBuilder().tuis(List.of("aider")).models(List.of("m0")).build());
    ui.awaitTrue(() -> ui.get(Urls.sweep(sweep)).statusCode() == 200, "first cell on the board");
    browser.get(base + Urls.sweep(sweep));
    ui.awaitTrue(() -> ui.text("#connection").startsWith("live"), "board connected");
    List<SseBoard> others = new ArrayList<>();
    for (int i = 0; i < OTHER_BOARDS; i++) {
      others.add(SseBoard.open(base + Urls.sweep(sweep) + "/events"));
    }
    ui.awaitTrue(
        () -> others.stream().allMatch(o -> o.events.get() > 0),
        "every other board got its first board");
    ui.js("window.cabMarker = 'same page'; window.cabPushLatencies = []; return 1");
    Set<String> shownBefore = browserTimes("cabShown").keySet();

    // when the demo's sweep (4 agent CLIs x 4 models x 30 tasks, sent as fast as the collector
    // takes them, as ./cab demo does) lands
    SimulationOptions demo = demoSweep(sweep, 30);
    ui.send(demo);
    long expected = 1 + (long) demo.tuis().size() * demo.models().size() * demo.tasks().size();

    // then the open board shows every cell without a reload, and so does every other board
    ui.awaitTrue(
        () -> ui.text("#n-landed").equals(Long.toString(expected)), "board shows every cell");
    assertThat(ui.js("return window.cabMarker")).isEqualTo("same page");
    // (the board may count a cell before its row is in ClickHouse: wait for every row, decided)
    Map<String, long[]> rows = // cell id -> first row's insert, decided (1/0)
        Await.value(
            "every cell of the sweep in ClickHouse, decided",
            () -> cellRows(sweep),
            r -> r.size() == expected && r.values().stream().allMatch(v -> v[1] == 1));
    ui.awaitTrue(
        () -> browserTimes("cabShown").keySet().containsAll(rows.keySet()),
        "the board showed every cell's square");
    ui.awaitTrue(
        () -> others.stream().allMatch(o -> o.cells.keySet().containsAll(rows.keySet())),
        "every other board got every cell");
    long newest = clickhouseLong("SELECT toUnixTimestamp64Milli(max(inserted_at)) FROM cells");
    ui.awaitTrue(
        () -> others.stream().allMatch(o -> o.newest.get() >= newest),
        "every other board got a whole board with the newest row");
    others.forEach(SseBoard::close);

    // per cell: its first row in ClickHouse -> its square first shown, from the browser's record
    Map<String, Long> shown = browserTimes("cabShown");
    Map<String, Long> decided = browserTimes("cabDecided");
    List<Long> rowToShown = new ArrayList<>();
    rows.forEach(
        (cell, r) -> {
          if (!shownBefore.contains(cell)) {
            rowToShown.add(shown.get(cell) - r[0]);
          }
        });
    long early = rowToShown.stream().filter(ms -> ms <= 0).count();
    System.out.printf(
        "board push latency per cell (its first row in ClickHouse -> its square first shown in the"
            + " browser), %d cells at the demo's rate, %d boards open: %s; %d of them shown before"
            + " their row was in ClickHouse (counted as <= 0)%n",
        expected, OTHER_BOARDS + 1, figures(rowToShown), early);
    // and the project's own figure: the cell's last scorer event (its Kafka timestamp) -> its
    // decided square shown
    Map<String, Long> lastScore = lastScorerEvents(rows.keySet());
    List<Long> scoreToShown = new ArrayList<>();
    rows.forEach(
        (cell, r) -> {
          if (r[1] == 1 && !shownBefore.contains(cell) && lastScore.containsKey(cell)) {
            assertThat(decided).as("decided square of %s shown", cell).containsKey(cell);
            scoreToShown.add(decided.get(cell) - lastScore.get(cell));
          }
        });
    System.out.printf(
        "  scorer event (Kafka timestamp of the cell's last score) -> decided square shown: %s%n",
        figures(scoreToShown));
    // and the dashboards' own part: the cell record on Kafka (streams' output) -> shown
    Map<String, long[]> records = cellRecords(rows.keySet());
    List<Long> recordToShown = new ArrayList<>();
    List<Long> decidedRecordToShown = new ArrayList<>();
    records.forEach(
        (cell, t) -> {
          if (!shownBefore.contains(cell)) {
            recordToShown.add(shown.get(cell) - t[0]);
            if (t[1] != Long.MAX_VALUE && decided.containsKey(cell)) {
              decidedRecordToShown.add(decided.get(cell) - t[1]);
            }
          }
        });
    System.out.printf(
        "  cell record on Kafka (its timestamp, which Kafka Streams takes from the input record:"
            + " the event's) -> square shown: %s; first decided record -> decided square shown:"
            + " %s%n",
        figures(recordToShown), figures(decidedRecordToShown));
    // the dashboards' own part: the record read from Kafka (the event's seenMillis) -> shown
    Map<String, Long> shownSeen = browserTimes("cabShownSeen");
    Map<String, Long> decidedSeen = browserTimes("cabDecidedSeen");
    List<Long> readToShown = new ArrayList<>();
    List<Long> readToDecided = new ArrayList<>();
    rows.keySet().stream()
        .filter(cell -> !shownBefore.contains(cell))
        .forEach(
            cell -> {
              readToShown.add(shown.get(cell) - shownSeen.get(cell));
              if (decided.containsKey(cell)) {
                readToDecided.add(decided.get(cell) - decidedSeen.get(cell));
              }
            });
    System.out.printf(
        "  of which in the dashboards (record read from Kafka -> shown in the browser): square %s;"
            + " decided square %s%n",
        figures(readToShown), figures(readToDecided));
    // where that part goes, per kind of event that first showed the square: read -> the sender
    // starts writing the event (server), -> its handler runs in the page, -> square shown
    Map<String, String> shownBy = browserStrings("cabShownBy");
    Map<String, Long> sent = browserTimes("cabShownSent");
    Map<String, Long> arrived = browserTimes("cabShownArrived");
    Map<String, List<List<Long>>> split = new java.util.TreeMap<>();
    rows.keySet().stream()
        .filter(cell -> !shownBefore.contains(cell))
        .forEach(
            cell -> {
              List<List<Long>> s =
                  split.computeIfAbsent(
                      shownBy.get(cell),
                      k -> List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
              s.get(0).add(sent.get(cell) - shownSeen.get(cell));
              s.get(1).add(arrived.get(cell) - sent.get(cell));
              s.get(2).add(shown.get(cell) - arrived.get(cell));
            });
    split.forEach(
        (kind, s) ->
            System.out.printf(
                "  squares first shown by a '%s' event: read -> sent %s; sent -> in the page %s;"
                    + " -> shown %s%n",
                kind, figures(s.get(0)), figures(s.get(1)), figures(s.get(2))));
    // the slowest five: when in the sweep they were read (ms after its first read) and their split
    long firstRead =
        rows.keySet().stream()
            .filter(cell -> !shownBefore.contains(cell))
            .mapToLong(shownSeen::get)
            .min()
            .orElse(0);
    rows.keySet().stream()
        .filter(cell -> !shownBefore.contains(cell))
        .sorted(
            java.util.Comparator.comparingLong(
                    (String cell) -> shown.get(cell) - shownSeen.get(cell))
                .reversed())
        .limit(5)
        .forEach(
            cell ->
                System.out.printf(
                    "  slow square: read at +%d ms, by '%s': read -> sent %d ms, -> in the page %d"
                        + " ms, -> shown %d ms%n",
                    shownSeen.get(cell) - firstRead,
                    shownBy.get(cell),
                    sent.get(cell) - shownSeen.get(cell),
                    arrived.get(cell) - sent.get(cell),
                    shown.get(cell) - arrived.get(cell)));
    System.out.printf(
        "  events the page got during the sweep: %s whole boards, %s cell deltas%n",
        ui.js("return window.cabBoardEvents"), ui.js("return window.cabCellEvents"));
    @SuppressWarnings("unchecked")
    List<Number> whole = (List<Number>) ui.js("return window.cabPushLatencies");
    System.out.printf(
        "  whole boards (the reconciler: newest row in ClickHouse -> board showing it): %s%n",
        figures(whole.stream().map(Number::longValue).toList()));
    // The target is p99 < 1 s; the figure depends on the machine's load (the demo's
    // sweep saturates two cores by itself), so it is printed for docs/PERFORMANCE.md, and what is
    // asserted is what the push does: every board got every cell, the page was never reloaded,
    // and every cell of this sweep was measured.
    assertThat(rowToShown).hasSizeGreaterThanOrEqualTo((int) expected - shownBefore.size());
    assertThat(scoreToShown).isNotEmpty();
    // and how: the sweep's plan came from Kafka and laid the page out, so every new square was
    // patched in (a delta, or a whole board's heatmap delta); no cell waited for the heatmap to
    // be rendered and sent whole
    Map<String, Long> byKind = new java.util.TreeMap<>();
    rows.keySet().stream()
        .filter(cell -> !shownBefore.contains(cell))
        .forEach(cell -> byKind.merge(shownBy.get(cell), 1L, Long::sum));
    System.out.printf("  squares first shown, by event: %s%n", byKind);
    assertThat(byKind.keySet()).isSubsetOf("cells", "board-patch").contains("cells");
  }

  /** n, p50, p99 and max of {@code ms}. */
  private static String figures(List<Long> ms) {
    if (ms.isEmpty()) {
      return "n=0";
    }
    List<Long> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    return String.format(
        "n=%d p50=%d ms p99=%d ms max=%d ms",
        sorted.size(),
        sorted.get(sorted.size() / 2),
        sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
        sorted.getLast());
  }

  /** The board's record of when each cell id first showed ({@code cabShown}, ...), epoch ms. */
  private static Map<String, Long> browserTimes(String name) {
    @SuppressWarnings("unchecked")
    List<List<Object>> entries =
        (List<List<Object>>) ui.js("return Object.entries(window." + name + ")");
    Map<String, Long> out = new HashMap<>();
    entries.forEach(e -> out.put((String) e.get(0), ((Number) e.get(1)).longValue()));
    return out;
  }

  /** A string the board records per cell id ({@code cabShownBy}). */
  private static Map<String, String> browserStrings(String name) {
    @SuppressWarnings("unchecked")
    List<List<Object>> entries =
        (List<List<Object>>) ui.js("return Object.entries(window." + name + ")");
    Map<String, String> out = new HashMap<>();
    entries.forEach(e -> out.put((String) e.get(0), String.valueOf(e.get(1))));
    return out;
  }

  /** Per cell of the sweep: its first row's {@code inserted_at} and whether it is decided. */
  private static Map<String, long[]> cellRows(String sweep) {
    Map<String, long[]> out = new HashMap<>();
    String tsv =
        ui.clickhouse(
            "SELECT cell_id, toUnixTimestamp64Milli(min(inserted_at)),"
                + " argMax(outcome, version) IN ('passed', 'failed', 'infra_error')"
                + " FROM cells WHERE sweep_id = '"
                + sweep
                + "' GROUP BY cell_id FORMAT TSV");
    for (String line : tsv.strip().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      out.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
    }
    return out;
  }

  /** The Kafka timestamp of the last scorer event of each cell in {@code cells}. */
  private static Map<String, Long> lastScorerEvents(Set<String> cells) {
    Map<String, Long> out = new HashMap<>();
    readTopic(
        Topics.SCORES.name(),
        r -> {
          if (cells.contains(r.key())) {
            out.merge(r.key(), r.timestamp(), Math::max);
          }
        });
    return out;
  }

  /**
   * Per cell in {@code cells}, the Kafka timestamps of its first cell record and of its first
   * decided one on the cell topic (when streams wrote them).
   */
  private static Map<String, long[]> cellRecords(Set<String> cells) {
    Map<String, long[]> out = new HashMap<>();
    var values = Topics.CELLS.valueSerde().deserializer();
    readTopic(
        Topics.CELLS.name(),
        r -> {
          if (cells.contains(r.key())) {
            long[] t =
                out.computeIfAbsent(r.key(), k -> new long[] {Long.MAX_VALUE, Long.MAX_VALUE});
            t[0] = Math.min(t[0], r.timestamp());
            CellRecord cell = values.deserialize(r.topic(), r.value());
            if (cell != null
                && cell.outcome() != null
                && cell.outcome() != dev.cab.model.wire.CellOutcome.PENDING) {
              t[1] = Math.min(t[1], r.timestamp());
            }
          }
        });
    return out;
  }

  /** Reads {@code topic} from its beginning to its end as of now (read_committed). */
  private static void readTopic(String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Await.until(
          "every record of " + topic + " read",
          LANDING,
          () -> {
            consumer.poll(Duration.ofMillis(200)).forEach(each);
            return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
          });
    }
  }

  @Test
  @Order(2)
  void whileClickHouseIsDownPagesSaySoAndTheOpenBoardCatchesUpWhenItIsBack() throws Exception {
    // given an open board and an open cell page
    String sweep = "clickhouse-down";
    ui.send(demoSweep(sweep, 2));
    String cellId =
        Await.value(
            "a cell of the sweep",
            () -> {
              try {
                return ui.clickhouse(
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
    ui.awaitTrue(() -> ui.text("#connection").startsWith("live"), "board connected");
    ui.awaitTrue(() -> ui.text("#n-landed").equals("32"), "board shows the 32 cells");
    ui.js("window.cabMarker = 'same page'; return 1");
    String board = browser.getWindowHandle();
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(base + Urls.cellById(cellId));
    assertThat(ui.text("#cell-title")).isNotBlank();
    String cellTab = browser.getWindowHandle();

    // when ClickHouse stops
    stack.clickhouse().stop();

    // then new page loads answer 503 with a page saying so, at once (never a 500, never a hang)
    for (String path :
        List.of(Urls.sweep(sweep), Urls.cellById(cellId), "/", "/api" + Urls.sweep(sweep))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = ui.get(path);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.statusCode()).as(path).isEqualTo(503);
      assertThat(r.body()).as(path).contains("ClickHouse is not reachable");
      assertThat(ms).as("%s answered in (ms)", path).isLessThan(10_000);
    }
    browser.navigate().refresh();
    assertThat(ui.text(".error h1")).isNotBlank();
    assertThat(ui.text(".error .message")).contains("ClickHouse is not reachable");
    // and the open board says so in its banner
    browser.switchTo().window(board);
    ui.awaitTrue(
        () -> "down".equals(ui.attr("#connection", "data-state")), "board banner says down");
    assertThat(ui.text("#connection")).contains("ClickHouse is not reachable");

    // when cells are sent while it is down (the collector and Kafka take them), then it comes back
    ui.send(
        demoSweep(sweep, 2).toBuilder()
            .tasks(List.of("later/while-down-1", "later/while-down-2"))
            .build());
    stack.clickhouse().start();

    // then the same board, never reloaded, reconnects and shows the cells sent meanwhile
    ui.awaitTrue(
        () -> ui.text("#n-landed").equals("64"), "board shows the 32 cells sent while down");
    ui.awaitTrue(() -> ui.text("#connection").startsWith("live"), "board banner live again");
    assertThat(ui.js("return window.cabMarker")).isEqualTo("same page");
    // and the cell page works again on reload
    browser.switchTo().window(cellTab);
    browser.navigate().refresh();
    ui.awaitTrue(() -> !ui.text("#cell-title").isBlank(), "cell page back");
    browser.close();
    browser.switchTo().window(board);
  }

  // ---- helpers

  /**
   * A board open outside the browser (a browser holds at most 6 connections per host): reads the
   * sweep's event stream, counts board events and keeps the newest row any of them showed.
   */
  private static final class SseBoard implements AutoCloseable {
    private static final Pattern LANDED = Pattern.compile("\"lastLandedMillis\":(\\d+)");
    private static final Pattern DELTA_CELL = Pattern.compile("\"cellId\":\"([^\"]+)\"");
    private static final Pattern HTML_CELL =
        Pattern.compile("href=\\\\\"/cells/([^\\\\\"]+)\\\\\"");
    final AtomicInteger events = new AtomicInteger();
    final AtomicLong newest = new AtomicLong();

    /** Cell ids whose square this board got, whole or as a delta. */
    final Map<String, Boolean> cells = new ConcurrentHashMap<>();

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
      if (!line.startsWith("data:")) {
        return;
      }
      Matcher m = LANDED.matcher(line);
      if (m.find()) {
        events.incrementAndGet();
        newest.accumulateAndGet(Long.parseLong(m.group(1)), Math::max);
      }
      for (Pattern cell : List.of(DELTA_CELL, HTML_CELL)) {
        Matcher c = cell.matcher(line);
        while (c.find()) {
          cells.put(URLDecoder.decode(c.group(1), StandardCharsets.UTF_8), true);
        }
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

  private static long clickhouseLong(String sql) {
    return Long.parseLong(ui.clickhouse(sql).trim());
  }
}
