package dev.cab.dashboards.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.dashboards.query.Board;
import dev.cab.dashboards.query.ClickHouseUnavailableException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes sweep boards to open browsers over Server-Sent Events. One timer thread looks, every
 * {@code interval}, at a cheap change marker (row count and newest {@code inserted_at}) of each
 * sweep that has a browser open; when it moved, the board is rebuilt once and sent to every browser
 * of that sweep as an {@code board} event. When ClickHouse cannot be reached each browser gets one
 * {@code status} event saying so, and the next successful look sends fresh boards. Browsers
 * reconnect by themselves (EventSource); a reconnected browser gets the current board at once.
 * Thread-safe.
 */
public final class BoardPush implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoardPush.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long KEEPALIVE_MS = 15_000;

  private final Sweeps sweeps;
  private final Function<Board, String> fragment;
  private final Map<String, Set<SseClient>> clients = new ConcurrentHashMap<>();
  private final Map<String, String> sentMarkers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
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
    timer.scheduleWithFixedDelay(
        this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Registers a browser for {@code sweepId}; it gets the current board right away. */
  public void open(String sweepId, SseClient client) {
    client.keepAlive();
    clients.computeIfAbsent(sweepId, k -> ConcurrentHashMap.newKeySet()).add(client);
    client.onClose(() -> remove(sweepId, client));
    timer.execute(() -> sendCurrent(sweepId, List.of(client)));
  }

  /** Browsers connected right now, for tests and metrics. */
  public int openClients() {
    return clients.values().stream().mapToInt(Set::size).sum();
  }

  private void remove(String sweepId, SseClient client) {
    Set<SseClient> set = clients.get(sweepId);
    if (set != null) {
      set.remove(client);
      if (set.isEmpty()) {
        clients.remove(sweepId);
        sentMarkers.remove(sweepId);
      }
    }
  }

  private void tick() {
    try {
      List<String> ids = new ArrayList<>(clients.keySet());
      if (!ids.isEmpty()) {
        Map<String, String> markers = sweeps.changeMarkers(ids);
        boolean recovered = clickhouseDown;
        clickhouseDown = false;
        for (String id : ids) {
          String marker = markers.getOrDefault(id, "");
          if (recovered || !marker.equals(sentMarkers.get(id))) {
            sentMarkers.put(id, marker);
            sendCurrent(id, List.copyOf(clients.getOrDefault(id, Set.of())));
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

  private void sendCurrent(String sweepId, List<SseClient> to) {
    if (to.isEmpty()) {
      return;
    }
    String payload;
    try {
      Optional<Board> board = sweeps.board(sweepId);
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("sweepId", sweepId);
      event.put("found", board.isPresent());
      board.ifPresent(
          b -> {
            event.put("html", fragment.apply(b));
            event.put("timeline", b.timeline());
            event.put("lastLandedMillis", b.lastLandedMillis());
            event.put("generatedAtMillis", b.generatedAtMillis());
          });
      payload = JSON.writeValueAsString(event);
    } catch (ClickHouseUnavailableException e) {
      clickhouseDown = true;
      to.forEach(c -> send(c, "status", statusJson(false, e.getMessage())));
      return;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    to.forEach(c -> send(c, "board", payload));
  }

  private void broadcastStatus(boolean up, String message) {
    String json = statusJson(up, message);
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
    clients.values().forEach(set -> set.forEach(SseClient::close));
    clients.clear();
  }
}
