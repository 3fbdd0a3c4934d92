package dev.cab.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.collector.config.CollectorSettings;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ConfigValues;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up failures the operator must see as one line (sockets, so an IT). */
class CollectorMainIT {

  @Test
  void exitsWith2AndOneLineWhenThePortIsInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      CollectorMain.Launch launch =
          CollectorMain.launch(
              () ->
                  ConfigValues.of(
                      Map.of(
                          CommonSettings.MANAGEMENT_PORT, "0",
                          CollectorSettings.KAFKA_BOOTSTRAP, "127.0.0.1:1",
                          CollectorSettings.CREATE_TOPICS, "false",
                          CollectorSettings.HTTP_PORT, Integer.toString(taken.getLocalPort()),
                          CollectorSettings.GRPC_PORT, "-1"),
                      Map.of()),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(launch.service()).isNull();
      assertThat(launch.exitStatus()).isEqualTo(2);
      String text = err.toString(StandardCharsets.UTF_8);
      assertThat(text.lines()).hasSize(1);
      assertThat(text).startsWith("cab-collector: cannot listen on 127.0.0.1").contains("in use");
    }
  }

  @Test
  void exitsWith1WhenKafkaCannotBeReachedToCreateTopics() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    CollectorMain.Launch launch =
        CollectorMain.launch(
            () ->
                ConfigValues.of(
                    Map.of(
                        CommonSettings.MANAGEMENT_PORT, "0",
                        CollectorSettings.KAFKA_BOOTSTRAP, "127.0.0.1:1",
                        CollectorSettings.KAFKA_ACK_TIMEOUT, "1000",
                        CollectorSettings.HTTP_PORT, "0",
                        CollectorSettings.GRPC_PORT, "0"),
                    Map.of()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(launch.exitStatus()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("cab-collector: Kafka at 127.0.0.1:1 is unreachable: no answer within 1000 ms");
  }
}
