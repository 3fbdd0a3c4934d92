package dev.cab.dashboards.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.dashboards.query.Board;
import dev.cab.dashboards.query.ClickHouseUnavailableException;
import dev.cab.dashboards.query.SweepMarker;
import dev.cab.dashboards.query.Sweeps;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes sweep boards to open browsers over Server-Sent Events. One timer thread looks, every
 * {@code interval}, at the change marker of every sweep that has a browser open (one query for all
 * of them, on the sort key, no {@code FINAL}); when a sweep's marker moved it sends, once for all
 * that sweep's browsers, a quick board (the cached board plus only the cells inserted since: one
 * small read, so a landed cell shows within one interval and that read), then hands the full
 * refresh (leaderboard view, plan, alerts; read at once) to a second thread, which sends the board
 * again when it differs. So one poll and at most two reads per changed sweep, however many browsers
 * watch it. When ClickHouse cannot be reached each browser gets one {@code status} event saying so,
 * and the next successful look sends fresh boards. Browsers reconnect by themselves (EventSource);
 * a reconnected browser gets the current board at once. Thread-safe.
 */
public final class BoardPush implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoardPush.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long KEEPALIVE_MS = 15_000;

  private final Sweeps sweeps;
  private final Function<Board, String> fragment;
  private final Map<String, Set<SseClient>> clients = new ConcurrentHashMap<>();

  /** Per browser, the board content it got last: a refresh that changed nothing is not sent. */
  private final Map<SseClient, String> lastSent = new ConcurrentHashMap<>();

  private final Map<String, SweepMarker> sentMarkers = new ConcurrentHashMap<>();
  private final Set<String> refreshPending = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final ScheduledExecutorService refresher;
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
   * @param fragment renders the live part of a board page (escaped by the template engine)
   */
  public BoardPush(Sweeps sweeps, Function<Board, String> fragment, Duration interval) {
    this.sweeps = sweeps;
    this.fragment = fragment;
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
    clients.computeIfAbsent(sweepId, k -> ConcurrentHashMap.newKeySet()).add(client);
    client.onClose(() -> remove(sweepId, client));
    refresher.execute(() -> sendFull(sweepId, List.of(client)));
  }

  /** Browsers connected right now, for tests and metrics. */
  public int openClients() {
    return clients.values().stream().mapToInt(Set::size).sum();
  }

  private void remove(String sweepId, SseClient client) {
    lastSent.remove(client);
    Set<SseClient> set = clients.get(sweepId);
    if (set != null) {
      set.remove(client);
      if (set.isEmpty()) {
        clients.remove(sweepId);
        sentMarkers.remove(sweepId);
        lastRefresh.remove(sweepId);
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
            send(id, clients(id), () -> sweeps.quickBoard(id, marker), seen);
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
        broadcastStatus(false, e.getMessage());
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
   * Sends the board {@code source} gives to {@code to}, unless it is the one each of them got last
   * (the time it was made aside); a {@code status} event when ClickHouse cannot be reached.
   *
   * @param seenMillis when the change was seen (sent as {@code seenMillis}: where push time goes)
   */
  private void send(
      String sweepId, List<SseClient> to, Supplier<Optional<Board>> source, long seenMillis) {
    if (to.isEmpty()) {
      return;
    }
    String payload;
    try {
      Optional<Board> board = source.get();
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("sweepId", sweepId);
      event.put("found", board.isPresent());
      board.ifPresent(
          b -> {
            event.put("html", fragment.apply(b));
            event.put("timeline", b.timeline());
            event.put("lastLandedMillis", b.lastLandedMillis());
          });
      String content = JSON.writeValueAsString(event);
      if (board.isPresent()) {
        event.put("generatedAtMillis", board.get().generatedAtMillis());
        event.put("seenMillis", seenMillis);
      }
      payload = JSON.writeValueAsString(event);
      List<SseClient> changed = new ArrayList<>();
      for (SseClient c : to) {
        if (!content.equals(lastSent.put(c, content))) {
          changed.add(c);
        }
      }
      to = changed;
    } catch (ClickHouseUnavailableException e) {
      clickhouseDown = true;
      to.forEach(lastSent::remove);
      to.forEach(c -> send(c, "status", statusJson(false, e.getMessage())));
      return;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    to.forEach(c -> send(c, "board", payload));
  }

  private void broadcastStatus(boolean up, String message) {
    String json = statusJson(up, message);
    lastSent.clear(); // the boards sent when it is back replace the message
    clients.values().forEach(set -> set.forEach(c -> send(c, "status", json)));
  }

  private static String statusJson(boolean up, String message) {
    try {
      return JSON.writeValueAsString(Map.of("clickhouse", up ? "up" : "down", "message", message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void keepAlive() {
    long now = System.currentTimeMillis();
    if (now - lastKeepAlive >= KEEPALIVE_MS) {
      lastKeepAlive = now;
      clients.values().forEach(set -> set.forEach(c -> c.sendComment("keep-alive")));
    }
  }

  private static void send(SseClient client, String event, String data) {
    if (!client.terminated()) {
      client.sendEvent(event, data);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    refresher.shutdownNow();
    clients.values().forEach(set -> set.forEach(SseClient::close));
    clients.clear();
  }
}
