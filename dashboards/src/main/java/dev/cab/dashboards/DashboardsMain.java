package dev.cab.dashboards;

import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.model.config.InvalidConfigException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cab-dashboards-all.jar}: serves the dashboards with settings from the
 * environment ({@code CAB_CLICKHOUSE_URL}, {@code DASHBOARDS_CLICKHOUSE_USER}, ... see {@link
 * DashboardsSettings}) until SIGTERM. Exit codes: 0 after a clean stop, 1 when the port cannot be
 * bound, 2 for invalid configuration.
 */
public final class DashboardsMain {
  private DashboardsMain() {}

  public static void main(String[] args) throws InterruptedException {
    DashboardsSettings.Effective effective;
    try {
      effective = DashboardsSettings.fromWithEffective(Map.of(), System.getenv());
    } catch (InvalidConfigException e) {
      System.err.println(
          "cab-dashboards: invalid configuration: " + String.join("; ", e.problems()));
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(DashboardsMain.class);
    log.info("Dashboards configuration: {}", effective.effective());
    DashboardsService service;
    try {
      service = DashboardsService.start(effective.settings());
    } catch (RuntimeException e) {
      System.err.println(
          "cab-dashboards: cannot listen on "
              + effective.settings().bindAddress()
              + ":"
              + effective.settings().httpPort()
              + " (check DASHBOARDS_HTTP_PORT and DASHBOARDS_BIND_ADDRESS)");
      log.debug("Dashboards cannot start", e);
      System.exit(1);
      return;
    }
    System.err.println(
        "cab-dashboards: serving http://"
            + effective.settings().bindAddress()
            + ":"
            + service.port()
            + "/");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                },
                "cab-dashboards-shutdown"));
    stopped.await();
  }
}
