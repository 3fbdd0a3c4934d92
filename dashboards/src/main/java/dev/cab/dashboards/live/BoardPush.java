package dev.cab.dashboards.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.dashboards.query.Board;
import dev.cab.dashboards.query.ClickHouseUnavailableException;
import dev.cab.dashboards.query.SweepMarker;
import dev.cab.dashboards.query.Sweeps;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.SweepPlan;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes sweep boards to open browsers over Server-Sent Events, in one of two ways.
 *
 * <p>With the Kafka push on ({@code dashboards.kafka.bootstrap}), {@link #arrived} gets each cell
 * record as the streams stage commits it, and {@link #planned} each sweep plan as the collector
 * writes it; the board of its sweep (the cached board plus the cells and plan read from Kafka, no
 * ClickHouse read) is compared with what the sweep's browsers show and only the difference goes
 * out, as a {@code cells} event (changed heatmap squares, added rows and columns, the progress
 * counts: {@link BoardDelta}); the page patches itself. So a cell reaches an open board without
 * waiting for the sink's batch, its insert or a query. ClickHouse stays the truth: a timer thread
 * looks, every {@code interval}, at the change marker of every sweep with a browser open (one query
 * for all, on the sort key, no {@code FINAL}), and when it moved a second thread reads the full
 * board (leaderboard view, plan, alerts) at most once a second per sweep and sends it whole ({@code
 * board} event) when it differs: the reconciler.
 *
 * <p>Without Kafka, a moved marker sends a quick board at once (the cached board plus only the
 * cells inserted since: one small read), then the full refresh as above.
 *
 * <p>Either way, one poll and at most two reads per changed sweep, however many browsers watch it.
 * Every event is made by one sender thread, in order, so a whole board never overtakes a newer
 * delta, and written to each browser by that browser's own writer ({@link Outbox}), so a browser
 * that reads slowly holds up only itself. When ClickHouse cannot be reached each browser gets one
 * {@code status} event saying so, and the next successful look sends fresh boards. Browsers
 * reconnect by themselves (EventSource); a reconnected browser gets the current board at once.
 * Thread-safe.
 */
public final class BoardPush implements CellFeed.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoardPush.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long KEEPALIVE_MS = 15_000;

  private final Sweeps sweeps;
  private final BiFunction<Board, Boolean, String> fragment;
  private final Map<String, Set<SseClient>> clients = new ConcurrentHashMap<>();

  /** Events waiting for one browser beyond which it is let go (it reconnects). */
  static final int OUTBOX_LIMIT = 64;

  /** Per browser, its events waiting to be written, in order. */
  private final Map<SseClient, Outbox> outboxes = new ConcurrentHashMap<>();

  /** Per browser, the board content it got last: a refresh that changed nothing is not sent. */
  private final Map<SseClient, String> lastSent = new ConcurrentHashMap<>();

  private final Map<String, SweepMarker> sentMarkers = new ConcurrentHashMap<>();
  private final Set<String> refreshPending = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final ScheduledExecutorService refresher;

  /** Writes every event and keeps {@link #shown}: one thread, so events leave in order. */
  private final ExecutorService sender;

  /** Per sweep, the board all its browsers show (whole or patched), what a delta starts from. */
  private final Map<String, Board> shown = new ConcurrentHashMap<>();

  private final boolean kafkaPush;

  /** Sweeps with a delta waiting for the sender, and the earliest read time it carries. */
  private final Map<String, Long> deltaPending = new ConcurrentHashMap<>();

  private final Set<String> deltaQueued = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastRefresh = new ConcurrentHashMap<>();

  /**
   * A sweep's full refresh (four reads) runs at most this often: while cells land every poll, the
   * quick boards keep the counts and squares current and the leaderboard follows once a second,
   * leaving ClickHouse (whose embedded engine runs one query at a time) to the quick reads.
   */
  static final long REFRESH_EVERY_MS = 1_000;

  private volatile boolean clickhouseDown;
  private volatile long lastKeepAlive = System.currentTimeMillis();

  /**
   * @param fragment renders the live part of a board page (escaped by the template engine), with
   *     its heatmap or without it (an empty {@code #heatmap} section)
   * @param kafkaPush whether cell records come from Kafka ({@link #arrived}): then a moved marker
   *     brings only the full refresh, no quick board
   */
  public BoardPush(
      Sweeps sweeps,
      BiFunction<Board, Boolean, String> fragment,
      Duration interval,
      boolean kafkaPush) {
    this.sweeps = sweeps;
    this.fragment = fragment;
    this.kafkaPush = kafkaPush;
    this.sender =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "cab-dashboards-push-send");
              t.setDaemon(true);
              return t;
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cab-dashboards-push");
              t.setDaemon(true);
              return t;
            });
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cab-dashboards-push-refresh");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Registers a browser for {@code sweepId}; it gets the current board right away. */
  public void open(String sweepId, SseClient client) {
    client.keepAlive();
    outboxes.put(client, new Outbox(sweepId, client));
    clients.computeIfAbsent(sweepId, k -> ConcurrentHashMap.newKeySet()).add(client);
    client.onClose(() -> remove(sweepId, client));
    refresher.execute(() -> sendFull(sweepId, List.of(client)));
  }

  /** Whether any browser has the board of {@code sweepId} open. */
  public boolean watched(String sweepId) {
    return clients.containsKey(sweepId);
  }

  /**
   * Cell records read from Kafka: those of sweeps with a board open go to their browsers as deltas,
   * at once (on the sender thread).
   *
   * @param readMillis when they were read (sent as {@code seenMillis}: where push time goes)
   */
  @Override
  public void arrived(List<CellRecord> cells, List<Long> timestamps, long readMillis) {
    Set<String> changed = new LinkedHashSet<>();
    for (int i = 0; i < cells.size(); i++) {
      CellRecord c = cells.get(i);
      if (watched(c.sweepId()) && sweeps.arrived(c, timestamps.get(i))) {
        changed.add(c.sweepId());
      }
    }
    pushDeltas(changed, readMillis);
  }

  /**
   * Sweep plans read from Kafka: a newer plan of a sweep with a board open lays its heatmap out for
   * the whole matrix (every planned square pending) as a delta, before its cells land.
   */
  @Override
  public void planned(List<SweepPlan> plans, long readMillis) {
    Set<String> changed = new LinkedHashSet<>();
    for (SweepPlan p : plans) {
      if (watched(p.sweepId()) && sweeps.planned(p)) {
        changed.add(p.sweepId());
      }
    }
    pushDeltas(changed, readMillis);
  }

  private void pushDeltas(Set<String> changed, long readMillis) {
    for (String id : changed) {
      // one delta per sweep waits for the sender at a time: it reads the newest board when it
      // runs, so records arriving meanwhile ride along (measured from the earliest read)
      deltaPending.merge(id, readMillis, Math::min);
      if (deltaQueued.add(id)) {
        onSender(
            () -> {
              deltaQueued.remove(id);
              Long read = deltaPending.remove(id);
              pushDelta(id, read == null ? readMillis : read);
            });
      }
    }
  }

  /** Browsers connected right now, for tests and metrics. */
  public int openClients() {
    return clients.values().stream().mapToInt(Set::size).sum();
  }

  private void remove(String sweepId, SseClient client) {
    lastSent.remove(client);
    Outbox outbox = outboxes.remove(client);
    if (outbox != null) {
      outbox.writer.shutdownNow();
    }
    Set<SseClient> set = clients.get(sweepId);
    if (set != null) {
      set.remove(client);
      if (set.isEmpty()) {
        clients.remove(sweepId);
        sentMarkers.remove(sweepId);
        lastRefresh.remove(sweepId);
        shown.remove(sweepId);
        sweeps.forgetLive(sweepId);
      }
    }
  }

  private void tick() {
    try {
      List<String> ids = new ArrayList<>(clients.keySet());
      if (!ids.isEmpty()) {
        Map<String, SweepMarker> markers = sweeps.changeMarkers(ids);
        long seen = System.currentTimeMillis();
        boolean recovered = clickhouseDown;
        clickhouseDown = false;
        for (String id : ids) {
          SweepMarker marker = markers.getOrDefault(id, SweepMarker.NONE);
          if (recovered || !marker.equals(sentMarkers.get(id))) {
            sentMarkers.put(id, marker);
            if (!kafkaPush) {
              send(id, clients(id), () -> sweeps.quickBoard(id, marker), seen);
            }
            if (refreshPending.add(id)) {
              long wait = lastRefresh.getOrDefault(id, 0L) + REFRESH_EVERY_MS - now();
              refresher.schedule(() -> refresh(id), Math.max(0, wait), TimeUnit.MILLISECONDS);
            }
          }
        }
      }
      keepAlive();
    } catch (ClickHouseUnavailableException e) {
      if (!clickhouseDown) {
        clickhouseDown = true;
        LOG.warn("Sweep boards paused: {}", e.getMessage(), e);
        onSender(() -> broadcastStatus(false, e.getMessage()));
      }
    } catch (RuntimeException e) {
      LOG.error("Sweep board push failed", e);
    }
  }

  /** The full board as of the newest marker seen, sent when it differs from the quick one. */
  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  private void refresh(String sweepId) {
    refreshPending.remove(sweepId);
    lastRefresh.put(sweepId, now());
    SweepMarker marker = sentMarkers.get(sweepId);
    if (marker == null) {
      return; // every browser of the sweep left
    }
    try {
      send(
          sweepId,
          clients(sweepId),
          () -> sweeps.board(sweepId, marker),
          System.currentTimeMillis());
    } catch (RuntimeException e) {
      LOG.error("Sweep board refresh failed", e);
    }
  }

  private void sendFull(String sweepId, List<SseClient> to) {
    try {
      send(sweepId, to, () -> sweeps.board(sweepId), System.currentTimeMillis());
    } catch (RuntimeException e) {
      LOG.error("Sweep board push failed", e);
    }
  }

  private List<SseClient> clients(String sweepId) {
    return List.copyOf(clients.getOrDefault(sweepId, Set.of()));
  }

  /**
   * Reads the board {@code source} gives (on the caller's thread) and has the sender send it to
   * {@code to}; a {@code status} event when ClickHouse cannot be reached.
   *
   * @param seenMillis when the change was seen (sent as {@code seenMillis}: where push time goes)
   */
  private void send(
      String sweepId, List<SseClient> to, Supplier<Optional<Board>> source, long seenMillis) {
    if (to.isEmpty()) {
      return;
    }
    Optional<Board> read;
    try {
      read = source.get();
    } catch (ClickHouseUnavailableException e) {
      clickhouseDown = true;
      onSender(
          () -> {
            to.forEach(lastSent::remove);
            to.forEach(c -> send(c, "status", statusJson(false, e.getMessage())));
          });
      return;
    }
    onSender(
        () -> {
          // with Kafka, the board read plus the cells read from Kafka since: never older than
          // the deltas the browsers already got
          Optional<Board> board = kafkaPush ? sweeps.liveBoard(sweepId).or(() -> read) : read;
          sendWhole(sweepId, to, board, seenMillis);
        });
  }

  /**
   * On the sender: the whole board to {@code to}, unless it is the one each of them got last (the
   * time it was made aside). When it goes to every browser of the sweep and their heatmap can be
   * patched to it, the heatmap is not re-sent: the event carries the rest of the board and the
   * heatmap's {@link BoardDelta} ({@code keepHeatmap}), so the page keeps its heatmap and patches
   * it, which is a fraction of the work of re-rendering and re-sending every square.
   */
  private void sendWhole(String sweepId, List<SseClient> to, Optional<Board> board, long seen) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("sweepId", sweepId);
    event.put("found", board.isPresent());
    boolean everyBrowser = to.containsAll(clients(sweepId));
    Board before = shown.get(sweepId);
    Optional<BoardDelta> heatmap =
        board.isPresent() && everyBrowser && before != null
            ? BoardDelta.between(before, board.get())
            : Optional.empty();
    board.ifPresent(
        b -> {
          event.put("html", fragment.apply(b, heatmap.isEmpty()));
          event.put("timeline", b.timeline());
          event.put("lastLandedMillis", b.lastLandedMillis());
        });
    heatmap.ifPresent(
        d -> {
          event.put("keepHeatmap", true);
          event.put("tasks", d.tasks());
          event.put("columns", d.columns());
          event.put("squares", d.squares());
        });
    String content = json(event);
    if (board.isPresent()) {
      event.put("generatedAtMillis", board.get().generatedAtMillis());
      event.put("seenMillis", seen);
      if (everyBrowser) {
        shown.put(sweepId, board.get()); // every browser of the sweep shows it now
      }
    }
    event.put("sentMillis", System.currentTimeMillis());
    String payload = json(event);
    for (SseClient c : to) {
      if (outboxes.containsKey(c) && !content.equals(lastSent.put(c, content))) {
        send(c, "board", payload);
      }
    }
  }

  /**
   * On the sender: what changed on the sweep's board since its browsers' board, as a {@code cells}
   * event; the whole board when the page cannot be patched (or no board was sent yet).
   */
  private void pushDelta(String sweepId, long readMillis) {
    List<SseClient> to = clients(sweepId);
    Optional<Board> now = sweeps.liveBoard(sweepId);
    if (to.isEmpty() || now.isEmpty()) {
      return; // no cached board yet: the full read that brings one sends it
    }
    Board before = shown.get(sweepId);
    Optional<BoardDelta> delta =
        before == null ? Optional.empty() : BoardDelta.between(before, now.get());
    if (delta.isEmpty()) {
      sendWhole(sweepId, to, now, readMillis);
      return;
    }
    if (delta.get().isEmpty(before)) {
      return;
    }
    shown.put(sweepId, now.get());
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("sweepId", sweepId);
    event.put("tasks", delta.get().tasks());
    event.put("columns", delta.get().columns());
    event.put("squares", delta.get().squares());
    event.put("progress", delta.get().progress());
    event.put("percent", delta.get().percent());
    event.put("seenMillis", readMillis);
    event.put("sentMillis", System.currentTimeMillis());
    String payload = json(event);
    to.forEach(c -> send(c, "cells", payload));
  }

  /** Runs {@code task} on the sender thread; a failure is logged, the thread carries on. */
  private void onSender(Runnable task) {
    if (sender.isShutdown()) {
      return;
    }
    sender.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.error("Sweep board push failed", e);
          }
        });
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void broadcastStatus(boolean up, String message) {
    String json = statusJson(up, message);
    lastSent.clear(); // the boards sent when it is back replace the message
    clients.values().forEach(set -> set.forEach(c -> send(c, "status", json)));
  }

  private static String statusJson(boolean up, String message) {
    return json(Map.of("clickhouse", up ? "up" : "down", "message", message));
  }

  private void keepAlive() {
    long now = System.currentTimeMillis();
    if (now - lastKeepAlive >= KEEPALIVE_MS) {
      lastKeepAlive = now;
      onSender(() -> outboxes.values().forEach(o -> o.write(c -> c.sendComment("keep-alive"))));
    }
  }

  /** Hands an event to the browser's outbox (nothing when it left). */
  private void send(SseClient client, String event, String data) {
    Outbox outbox = outboxes.get(client);
    if (outbox != null) {
      outbox.write(c -> c.sendEvent(event, data));
    }
  }

  /**
   * One browser's events, written in order by a virtual thread of its own: a browser that reads
   * slowly (its socket's buffer full, the write blocks) delays only itself, never the sender thread
   * and the other browsers. With more than {@link #OUTBOX_LIMIT} events waiting the browser is let
   * go: its EventSource reconnects and gets the current board.
   */
  private final class Outbox {
    private final String sweepId;
    private final SseClient client;
    private final ExecutorService writer =
        Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("cab-dashboards-push-client").factory());
    private final AtomicInteger waiting = new AtomicInteger();

    Outbox(String sweepId, SseClient client) {
      this.sweepId = sweepId;
      this.client = client;
    }

    void write(Consumer<SseClient> write) {
      if (waiting.incrementAndGet() > OUTBOX_LIMIT) {
        LOG.info("Board push: a browser of sweep {} reads too slowly; it reconnects", sweepId);
        remove(sweepId, client);
        Thread.ofVirtual().start(client::close);
        return;
      }
      try {
        writer.execute(
            () -> {
              waiting.decrementAndGet();
              if (!client.terminated()) {
                try {
                  write.accept(client);
                } catch (RuntimeException e) {
                  LOG.debug("Board push: writing to a browser failed", e);
                }
              }
            });
      } catch (RejectedExecutionException e) {
        // the browser left meanwhile
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    refresher.shutdownNow();
    sender.shutdownNow();
    outboxes.values().forEach(o -> o.writer.shutdownNow());
    clients.values().forEach(set -> set.forEach(SseClient::close));
    clients.clear();
  }
}
