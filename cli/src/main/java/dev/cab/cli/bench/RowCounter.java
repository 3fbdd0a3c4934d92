package dev.cab.cli.bench;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows per table in ClickHouse, polled every 250 ms by a thread of its own ({@code count()} of a
 * MergeTree is read from part metadata, so polling costs the server next to nothing). Thread-safe.
 */
final class RowCounter implements AutoCloseable {

  private final ClickHouseHttp clickhouse;
  private final List<String> tables;
  private final Thread poller;
  private volatile boolean stopped;
  private volatile long events;

  private RowCounter(ClickHouseHttp clickhouse, List<String> tables) {
    this.clickhouse = clickhouse;
    this.tables = List.copyOf(tables);
    poll();
    this.poller = Thread.ofPlatform().name("cab-bench-rows").daemon().unstarted(this::loop);
  }

  static RowCounter start(ClickHouseHttp clickhouse, List<String> tables) {
    RowCounter counter = new RowCounter(clickhouse, tables);
    counter.poller.start();
    return counter;
  }

  private void loop() {
    while (!stopped) {
      try {
        Thread.sleep(250);
        poll();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a slow or failed poll is retried at the next tick; the figures use what landed
      }
    }
  }

  /** Polls now and returns the rows per table. */
  Map<String, Long> pollNow() {
    return poll();
  }

  private Map<String, Long> poll() {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < tables.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(SELECT count() FROM ").append(tables.get(i));
      sql.append(')');
    }
    List<String> row = clickhouse.rows(sql.toString()).getFirst();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      counts.put(tables.get(i), Long.parseLong(row.get(i)));
    }
    events = counts.getOrDefault("spans", 0L) + counts.getOrDefault("score_events", 0L);
    return counts;
  }

  /** Spans and scorer events in ClickHouse at the last poll. */
  long events() {
    return events;
  }

  @Override
  public void close() {
    stopped = true;
    poller.interrupt();
  }
}
