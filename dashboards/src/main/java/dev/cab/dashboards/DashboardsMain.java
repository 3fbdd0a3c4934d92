package dev.cab.dashboards;

import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.management.ManagementServer;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cab-dashboards-all.jar}: serves the dashboards with settings from the
 * environment ({@code CAB_CLICKHOUSE_URL}, {@code DASHBOARDS_CLICKHOUSE_USER}, {@code
 * CAB_KAFKA_BOOTSTRAP} for the board push, ... see {@link DashboardsSettings}) until SIGTERM. Logs
 * at INFO to stdout ({@code logback-dashboards.xml}; {@code -Dlogback.configurationFile} wins).
 * Exit codes: 0 after a clean stop, 1 when the port cannot be bound, 2 for invalid configuration.
 */
public final class DashboardsMain {
  private DashboardsMain() {}

  /** What the stage needs, printed with a configuration problem. */
  static final String SETTINGS_HINT =
      "needs "
          + DashboardsSettings.CLICKHOUSE_URL
          + " (env CAB_CLICKHOUSE_URL); the board push reads Kafka at "
          + DashboardsSettings.KAFKA_BOOTSTRAP
          + " (env DASHBOARDS_KAFKA_BOOTSTRAP), else "
          + DashboardsSettings.SHARED_KAFKA_BOOTSTRAP
          + " (env CAB_KAFKA_BOOTSTRAP), and follows ClickHouse alone without either;"
          + " every setting: docs/OPERATIONS.md";

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "dev/cab/dashboards/logback-dashboards.xml");
    }
    ConfigValues values = ConfigValues.fromProcess(DashboardsSettings.STAGE, Map.of());
    DashboardsSettings settings;
    try {
      settings = DashboardsSettings.from(values);
    } catch (InvalidConfigException e) {
      System.err.println(
          "cab-dashboards: invalid configuration: "
              + String.join("; ", e.problems())
              + " ("
              + SETTINGS_HINT
              + ")");
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(DashboardsMain.class);
    values.warnings(DashboardsSettings.STAGE).forEach(log::warn);
    log.info(values.describe(DashboardsSettings.STAGE));
    ManagementServer management;
    try {
      management = ManagementServer.start(settings.management());
    } catch (UncheckedIOException e) {
      System.err.println("cab-dashboards: " + e.getMessage() + " (set CAB_MANAGEMENT_PORT)");
      log.debug("Dashboards cannot serve metrics", e);
      System.exit(2);
      return;
    }
    DashboardsService service;
    try {
      service = DashboardsService.start(settings, management.stage(DashboardsSettings.STAGE));
    } catch (RuntimeException e) {
      management.close();
      System.err.println(
          "cab-dashboards: cannot listen on "
              + settings.bindAddress()
              + ":"
              + settings.httpPort()
              + " (check DASHBOARDS_HTTP_PORT and DASHBOARDS_BIND_ADDRESS)");
      log.debug("Dashboards cannot start", e);
      System.exit(1);
      return;
    }
    System.err.println(
        "cab-dashboards: serving http://" + settings.bindAddress() + ":" + service.port() + "/");
    System.err.println(
        settings.kafkaPush()
            ? "cab-dashboards: board push reads "
                + settings.cellsTopic()
                + " and "
                + settings.sweepPlansTopic()
                + " from Kafka at "
                + settings.kafkaBootstrap()
            : "cab-dashboards: board push follows ClickHouse only (no "
                + DashboardsSettings.KAFKA_BOOTSTRAP
                + " / CAB_KAFKA_BOOTSTRAP)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  management.close();
                  stopped.countDown();
                },
                "cab-dashboards-shutdown"));
    stopped.await();
  }
}
