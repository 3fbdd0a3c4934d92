package dev.cab.alerts;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.management.ManagementServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cab-alerts-all.jar}: runs the alerts stage with settings from the environment
 * ({@code CAB_KAFKA_BOOTSTRAP}, {@code ALERTS_ALERTMANAGER_URL}, ... see {@link AlertsSettings})
 * until SIGTERM. Exit codes: 0 after a clean shutdown, 1 when the stage failed, 2 for invalid
 * configuration.
 */
public final class AlertsMain {
  private AlertsMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "dev/cab/alerts/logback-alerts.xml");
    }
    ConfigValues values = ConfigValues.fromProcess(AlertsSettings.STAGE, Map.of());
    AlertsSettings settings;
    try {
      settings = AlertsSettings.from(values);
    } catch (InvalidConfigException e) {
      System.err.println("cab-alerts: invalid configuration: " + String.join("; ", e.problems()));
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(AlertsMain.class);
    values.warnings(AlertsSettings.STAGE).forEach(log::warn);
    log.info(values.describe(AlertsSettings.STAGE));
    ManagementServer management;
    try {
      management = ManagementServer.start(settings.management());
    } catch (UncheckedIOException e) {
      System.err.println("cab-alerts: " + e.getMessage() + " (set CAB_MANAGEMENT_PORT)");
      log.debug("Alerts cannot serve metrics", e);
      System.exit(2);
      return;
    }
    AlertsService alerts;
    try {
      alerts = AlertsService.start(settings, management.stage(AlertsSettings.STAGE));
    } catch (AlertsStartException e) {
      management.close();
      // One line for the operator; the cause chain only at debug level.
      System.err.println("cab-alerts: " + e.getMessage() + " (check CAB_KAFKA_BOOTSTRAP)");
      log.debug("Alerts cannot start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  alerts.close();
                  management.close();
                },
                "cab-alerts-shutdown"));
    while (!alerts.awaitTermination(Duration.ofSeconds(60))) {
      log.info("Alerts metrics: {}", alerts.metrics());
    }
    if (alerts.failure().isPresent()) {
      log.error("Alerts stopped after a failure", alerts.failure().get());
      System.exit(1);
    }
  }
}
