package dev.cab.sink;

import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.management.ManagementServer;
import dev.cab.sink.config.SinkSettings;
import java.io.UncheckedIOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cab-sink-all.jar}: runs the sink with settings from the environment ({@code
 * CAB_KAFKA_BOOTSTRAP}, {@code CAB_CLICKHOUSE_URL}, ... see {@link SinkSettings}) until SIGTERM.
 * Exit codes: 0 after a clean shutdown, 1 when the sink failed, 2 for invalid configuration.
 */
public final class SinkMain {
  private SinkMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "dev/cab/sink/logback-sink.xml");
    }
    ConfigValues values = ConfigValues.fromProcess(SinkSettings.STAGE, Map.of());
    SinkSettings settings;
    try {
      settings = SinkSettings.from(values);
    } catch (InvalidConfigException e) {
      System.err.println("cab-sink: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(SinkMain.class);
    values.warnings(SinkSettings.STAGE).forEach(log::warn);
    log.info(values.describe(SinkSettings.STAGE));

    ManagementServer management;
    try {
      management = ManagementServer.start(settings.management());
    } catch (UncheckedIOException e) {
      System.err.println("cab-sink: " + e.getMessage());
      log.debug("Sink cannot serve metrics", e);
      System.exit(2);
      return;
    }
    SinkService sink;
    try {
      sink = SinkService.start(settings, management.stage(SinkSettings.STAGE));
    } catch (SinkStartException e) {
      management.close();
      // One line for the operator; the cause chain only at debug level.
      System.err.println(
          "cab-sink: "
              + e.getMessage()
              + " (check CAB_CLICKHOUSE_URL, CAB_CLICKHOUSE_USER/CAB_CLICKHOUSE_PASSWORD and"
              + " CAB_KAFKA_BOOTSTRAP)");
      log.debug("Sink cannot start", e);
      System.exit(1);
      return;
    }
    Thread hook =
        new Thread(
            () -> {
              sink.close();
              management.close();
            },
            "cab-sink-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    while (!sink.awaitTermination(java.time.Duration.ofSeconds(60))) {
      log.info("Sink metrics: {}", sink.metrics());
    }
    if (sink.failure().isPresent()) {
      log.error("Sink stopped after a failure", sink.failure().get());
      System.exit(1);
    }
  }
}
