package dev.cab.streams;

import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.management.ManagementServer;
import dev.cab.streams.config.StreamsSettings;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cab-streams-all.jar}: the streams stage as a process. Settings come from the
 * environment ({@code CAB_KAFKA_BOOTSTRAP}, {@code STREAMS_APPLICATION_ID}, ...). Exit codes: 0
 * after a shutdown signal, 1 when the stage fails, 2 when the configuration is invalid.
 */
public final class StreamsMain {
  static {
    // Before the first logger exists: the jar's own logging config unless the user chose one.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "dev/cab/streams/logback.xml");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(StreamsMain.class);

  private StreamsMain() {}

  public static void main(String[] args) {
    ConfigValues values = ConfigValues.fromProcess(StreamsSettings.STAGE, Map.of());
    StreamsSettings settings;
    try {
      settings = StreamsSettings.from(values);
    } catch (InvalidConfigException e) {
      // A user error: one clear message, no stack trace.
      System.err.println("cab-streams: " + e.getMessage());
      System.exit(2);
      return;
    }
    values.warnings(StreamsSettings.STAGE).forEach(log::warn);
    log.info(values.describe(StreamsSettings.STAGE));
    StreamsService service;
    ManagementServer management;
    try {
      management = ManagementServer.start(settings.management());
    } catch (UncheckedIOException e) {
      System.err.println("cab-streams: " + e.getMessage());
      log.debug("cab-streams cannot serve metrics", e);
      System.exit(2);
      return;
    }
    try {
      service = StreamsService.start(settings, management.stage(StreamsSettings.STAGE));
    } catch (RuntimeException e) {
      management.close();
      // One line for the operator; the cause chain only at debug level.
      System.err.println("cab-streams: cannot start: " + e.getMessage());
      log.debug("cab-streams failed to start", e);
      System.exit(1);
      return;
    }
    AtomicBoolean signalled = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  signalled.set(true);
                  service.close();
                  management.close();
                },
                "cab-streams-shutdown"));
    try {
      service.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!signalled.get()) {
      // The client stopped on its own: a fatal error, already logged with its cause.
      log.error("cab-streams stopped (state {})", service.state());
      System.exit(1);
    }
  }
}
