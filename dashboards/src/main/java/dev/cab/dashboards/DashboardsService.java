package dev.cab.dashboards;

import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.dashboards.http.DashboardsServer;
import dev.cab.dashboards.live.CellFeed;
import dev.cab.dashboards.pages.Templates;
import dev.cab.dashboards.query.ClickHouseReader;
import dev.cab.dashboards.query.Dashboards;
import dev.cab.dashboards.query.Sweeps;
import dev.cab.model.management.ClickHouseHealthCheck;
import dev.cab.model.management.StageManagement;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;

/**
 * The dashboards stage: the web server over a read-only view of ClickHouse. It starts even when
 * ClickHouse is down (pages say so and work again when it is back). {@link #close()} is idempotent.
 */
public final class DashboardsService implements AutoCloseable {
  private final DashboardsServer server;
  private final CellFeed feed;
  private final int port;
  private final StageManagement management;
  private volatile boolean closed;

  private DashboardsService(
      DashboardsServer server, CellFeed feed, int port, StageManagement management) {
    this.server = server;
    this.feed = feed;
    this.port = port;
    this.management = management;
  }

  /** Starts the stage without a management port (tests, embedding): its meters still count. */
  public static DashboardsService start(DashboardsSettings settings) {
    return start(settings, StageManagement.detached(DashboardsSettings.STAGE));
  }

  /**
   * Starts the stage with its share of a management server: request timers per route ({@code
   * cab_dashboards_requests_seconds}), open boards, the cell records the push read, and readiness =
   * ClickHouse answers as the dashboards' account.
   */
  public static DashboardsService start(DashboardsSettings settings, StageManagement management) {
    ClickHouseReader reader = new ClickHouseReader(settings);
    DashboardsServer server =
        new DashboardsServer(
            settings,
            new Dashboards(reader),
            new Sweeps(reader, settings.liveWindow(), Clock.systemUTC()),
            new Templates(),
            management.registry());
    management.readiness("clickhouse", new ClickHouseHealthCheck(settings.clickhouse()));
    Gauge.builder("cab_dashboards_open_boards", server, s -> s.push().openClients())
        .description("browsers with a sweep board open (server push)")
        .register(management.registry());
    int port = server.start();
    // the board push reads the cell records from Kafka when it has one, else ClickHouse only
    CellFeed feed =
        settings.kafkaPush()
            ? CellFeed.start(settings, server.push(), management.registry())
            : null;
    return new DashboardsService(server, feed, port, management);
  }

  public int port() {
    return port;
  }

  /** Number of browsers with a sweep board open. */
  public int openBoards() {
    return server.push().openClients();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (feed != null) {
        feed.close();
      }
      server.close();
      management.close();
    }
  }

  @Override
  public String toString() {
    return "dashboards on port " + port;
  }
}
