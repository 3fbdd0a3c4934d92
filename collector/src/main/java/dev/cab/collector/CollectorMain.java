package dev.cab.collector;

import dev.cab.collector.config.CollectorSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.management.ManagementServer;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the collector from the environment ({@code CAB_KAFKA_BOOTSTRAP}, {@code
 * COLLECTOR_HTTP_PORT}, ...; {@code -Dcollector.http.port=...} wins) until SIGTERM/SIGINT, then
 * drains and flushes. Exit status: 2 for a user error (invalid configuration, port in use) with one
 * clear line on stderr and no stack trace, 1 when Kafka cannot be reached at start.
 */
public final class CollectorMain {
  /** Exit status for a configuration the user must fix. */
  public static final int EXIT_USAGE = 2;

  /** Exit status when Kafka cannot be reached at start. */
  public static final int EXIT_UNAVAILABLE = 1;

  private CollectorMain() {}

  /** A started service, or the exit status to leave with. */
  record Launch(CollectorService service, int exitStatus, ManagementServer management) {
    Launch(CollectorService service, int exitStatus) {
      this(service, exitStatus, null);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      // before the first logger exists: quiet Kafka client INFO chatter
      System.setProperty("logback.configurationFile", "dev/cab/collector/logback-collector.xml");
    }
    Launch launch =
        launch(() -> ConfigValues.fromProcess(CollectorSettings.STAGE, Map.of()), System.err);
    if (launch.service() == null) {
      System.exit(launch.exitStatus());
      return;
    }
    CollectorService service = launch.service();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("collector-shutdown")
                .unstarted(
                    () -> {
                      service.close();
                      launch.management().close();
                      stopped.countDown();
                    }));
    stopped.await();
  }

  /** Reads the settings and starts the service; user errors become one line on {@code err}. */
  static Launch launch(Supplier<ConfigValues> settingsSource, PrintStream err) {
    Logger log = LoggerFactory.getLogger(CollectorMain.class);
    ConfigValues values = settingsSource.get();
    CollectorSettings settings;
    try {
      settings = CollectorSettings.from(values);
    } catch (InvalidConfigException e) {
      err.println("cab-collector: " + e.getMessage());
      return new Launch(null, EXIT_USAGE);
    }
    values.warnings(CollectorSettings.STAGE).forEach(log::warn);
    log.info(values.describe(CollectorSettings.STAGE));
    try {
      ManagementServer management = ManagementServer.start(settings.management());
      try {
        CollectorService service =
            CollectorService.start(settings, management.stage(CollectorSettings.STAGE));
        return new Launch(service, 0, management);
      } catch (RuntimeException e) {
        management.close();
        throw e;
      }
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof BindException) {
        err.println(
            "cab-collector: "
                + e.getMessage()
                + " (another collector running? set COLLECTOR_HTTP_PORT / COLLECTOR_GRPC_PORT /"
                + " CAB_MANAGEMENT_PORT)");
        return new Launch(null, EXIT_USAGE);
      }
      throw e;
    } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
      err.println(
          "cab-collector: " + e.getMessage() + " (is Kafka running? check CAB_KAFKA_BOOTSTRAP)");
      log.debug("start failed", e);
      return new Launch(null, EXIT_UNAVAILABLE);
    }
  }
}
