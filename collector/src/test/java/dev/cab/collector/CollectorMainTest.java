package dev.cab.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.config.ConfigValues;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorMainTest {

  @Test
  void exitsWith2AndOneMessageWithoutStackTraceForInvalidConfiguration() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    CollectorMain.Launch launch =
        CollectorMain.launch(
            () -> ConfigValues.of(Map.of("collector.http.port", "x"), Map.of()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(launch.service()).isNull();
    assertThat(launch.exitStatus()).isEqualTo(2);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith("cab-collector: collector configuration is invalid:")
        .contains("cab.kafka.bootstrap (env CAB_KAFKA_BOOTSTRAP) is not set")
        .contains("collector.http.port (env COLLECTOR_HTTP_PORT) must be a whole number")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
