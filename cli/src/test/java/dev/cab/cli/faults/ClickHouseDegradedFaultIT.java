package dev.cab.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.testing.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ClickHouse degraded under the sink mid-flow: its tables refusing inserts for a while, and the
 * network to it stalled.
 */
@ExtendWith(ClickHouseExtension.class)
class ClickHouseDegradedFaultIT {
  private static final Duration ERRORS = Duration.ofSeconds(10);
  private static final Duration STALL = Duration.ofSeconds(15);
  private static final List<String> TABLES = List.of("cells", "spans", "score_events");

  private final ClickHouseTestServer clickhouse;

  ClickHouseDegradedFaultIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void clickHouseRejectingInsertsForAWhileLosesNothing() throws Exception {
    FaultCase.named("ClickHouse answering errors for 10 s", clickhouse)
        .run(
            pipeline ->
                () -> {
                  ClickHouseTestServer db = pipeline.clickhouse();
                  awaitSinkWriting(db);
                  Sweep.faultStartsNow();
                  // Real server errors: TOO_MANY_PARTS (252), as under a merge backlog.
                  for (String table : TABLES) {
                    db.query("ALTER TABLE " + table + " MODIFY SETTING parts_to_throw_insert = 1");
                  }
                  // cells has one partition: once it holds a part, every insert is refused.
                  Await.until(
                      "an insert into cells to be refused with TOO_MANY_PARTS",
                      Duration.ofMinutes(1),
                      () -> refused(db, "INSERT INTO cells (cell_id) VALUES ('faults-probe')"));
                  FaultCase.holdFor(ERRORS);
                  for (String table : TABLES) {
                    db.query("ALTER TABLE " + table + " RESET SETTING parts_to_throw_insert");
                  }
                });
  }

  @Test
  void networkStallBetweenSinkAndClickHouseLosesNothing() throws Exception {
    URI url = URI.create(clickhouse.url());
    try (TcpProxy proxy = TcpProxy.to(url.getHost(), url.getPort())) {
      FaultCase.named("network stall sink -> ClickHouse for 15 s", clickhouse)
          .sinkClickHouseUrl("http://127.0.0.1:" + proxy.port())
          // A stalled insert times out and is retried instead of waiting the default minute.
          .sinkSetting("SINK_INSERT_TIMEOUT_MS", "5000")
          .run(
              pipeline ->
                  () -> {
                    awaitSinkWriting(pipeline.clickhouse());
                    Sweep.faultStartsNow();
                    proxy.stall();
                    FaultCase.holdFor(STALL);
                    proxy.resume();
                    assertThat(proxy.heldChunks()).as("bytes held by the stall").isPositive();
                  });
    }
  }

  /**
   * Waits until the sink has inserted cells and spans: the fault then hits a flow, not an idle
   * sink, and {@code cells} holds a part, so the probe insert below is refused, never stored.
   */
  private static void awaitSinkWriting(ClickHouseTestServer db) {
    String[] last = {"nothing yet"};
    Await.until(
        "the sink to insert cells and spans",
        Duration.ofMinutes(3),
        Duration.ofMillis(250),
        () -> {
          last[0] =
              db.query("SELECT (SELECT count() FROM cells), (SELECT count() FROM spans)").strip();
          return !last[0].startsWith("0") && !last[0].endsWith("\t0");
        },
        () -> "cells, spans: " + last[0]);
  }

  private static boolean refused(ClickHouseTestServer db, String insert) {
    try {
      db.query(insert);
      return false;
    } catch (IllegalStateException e) {
      assertThat(e).hasMessageContaining("252");
      return true;
    }
  }
}
