package dev.cab.collector;

import dev.cab.collector.config.CollectorSettings;
import dev.cab.model.config.InvalidConfigException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the collector from the environment ({@code CAB_KAFKA_BOOTSTRAP}, {@code
 * COLLECTOR_HTTP_PORT}, ...; {@code -Dcollector.http.port=...} wins) until SIGTERM/SIGINT, then
 * drains and flushes. Exit status: 2 for a user error (invalid configuration, port in use) with one
 * clear line on stderr, 1 when Kafka cannot be reached at start.
 */
public final class CollectorMain {
  private CollectorMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      // before the first logger exists: quiet Kafka client INFO chatter
      System.setProperty("logback.configurationFile", "dev/cab/collector/logback-collector.xml");
    }
    Logger log = LoggerFactory.getLogger(CollectorMain.class);
    CollectorSettings settings;
    try {
      settings = CollectorSettings.fromEnvironment();
    } catch (InvalidConfigException e) {
      System.err.println("cab-collector: " + e.getMessage());
      System.exit(2);
      return;
    }
    log.info("effective configuration: {}", new java.util.TreeMap<>(settings.effective()));
    CollectorService service;
    try {
      service = CollectorService.start(settings);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof BindException) {
        System.err.println(
            "cab-collector: "
                + e.getMessage()
                + " (is another collector running? set COLLECTOR_HTTP_PORT / COLLECTOR_GRPC_PORT)");
        System.exit(2);
        return;
      }
      throw e;
    } catch (IllegalStateException e) {
      System.err.println("cab-collector: " + e.getMessage() + " (is Kafka running?)");
      log.debug("start failed", e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("collector-shutdown")
                .unstarted(
                    () -> {
                      service.close();
                      stopped.countDown();
                    }));
    stopped.await();
  }
}
