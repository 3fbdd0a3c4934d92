package dev.cab.dashboards;

import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.dashboards.http.DashboardsServer;
import dev.cab.dashboards.pages.Templates;
import dev.cab.dashboards.query.ClickHouseReader;
import dev.cab.dashboards.query.Dashboards;
import dev.cab.dashboards.query.Sweeps;
import java.time.Clock;

/**
 * The dashboards stage: the web server over a read-only view of ClickHouse. It starts even when
 * ClickHouse is down (pages say so and work again when it is back). {@link #close()} is idempotent.
 */
public final class DashboardsService implements AutoCloseable {
  private final DashboardsServer server;
  private final int port;
  private volatile boolean closed;

  private DashboardsService(DashboardsServer server, int port) {
    this.server = server;
    this.port = port;
  }

  public static DashboardsService start(DashboardsSettings settings) {
    ClickHouseReader reader = new ClickHouseReader(settings);
    DashboardsServer server =
        new DashboardsServer(
            settings,
            new Dashboards(reader),
            new Sweeps(reader, settings.liveWindow(), Clock.systemUTC()),
            new Templates());
    int port = server.start();
    return new DashboardsService(server, port);
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
      server.close();
    }
  }

  @Override
  public String toString() {
    return "dashboards on port " + port;
  }
}
