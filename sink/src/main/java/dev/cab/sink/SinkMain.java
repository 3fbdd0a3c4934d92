package dev.cab.sink;

import dev.cab.model.config.InvalidConfigException;
import dev.cab.sink.config.SinkSettings;
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
    SinkSettings.Effective effective;
    try {
      effective = SinkSettings.fromWithEffective(Map.of(), System.getenv());
    } catch (InvalidConfigException e) {
      System.err.println("cab-sink: invalid configuration: " + String.join("; ", e.problems()));
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(SinkMain.class);
    log.info("Sink configuration: {}", effective.effective());

    SinkService sink;
    try {
      sink = SinkService.start(effective.settings());
    } catch (SinkStartException e) {
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
    Thread hook = new Thread(sink::close, "cab-sink-shutdown");
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
