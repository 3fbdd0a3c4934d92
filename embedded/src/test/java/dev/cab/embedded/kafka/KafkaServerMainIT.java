package dev.cab.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The foreground entry point behind {@code cab kafka}, run as its own JVM. */
@Timeout(180)
class KafkaServerMainIT {

  @Test
  void printsExactlyOneBootstrapLineWhenReadyAndStopsItsBrokerOnSigterm(@TempDir Path dir)
      throws Exception {
    // given
    Path stdout = dir.resolve("stdout");
    Process cab =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KafkaServerMain.class.getName(),
                "--port",
                "0",
                "--data-dir",
                dir.resolve("kafka").toString())
            .redirectOutput(stdout.toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .start();
    try {
      // when
      Await.until(
          "cab kafka prints its bootstrap line",
          Duration.ofSeconds(120),
          () -> read(stdout).contains("\n") || !cab.isAlive(),
          () -> read(dir.resolve("stderr")));

      // then
      List<String> lines = read(stdout).lines().toList();
      assertThat(lines).singleElement().asString().matches("KAFKA_BOOTSTRAP=127\\.0\\.0\\.1:\\d+");
      String bootstrap = lines.getFirst().substring("KAFKA_BOOTSTRAP=".length());
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        assertThat(admin.describeCluster().nodes().get()).hasSize(1);
      }
      List<ProcessHandle> brokers = cab.toHandle().children().toList();
      assertThat(brokers).hasSize(1);

      // when
      cab.destroy(); // SIGTERM

      // then
      assertThat(cab.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(cab.exitValue()).isEqualTo(143);
      assertThat(brokers).noneMatch(ProcessHandle::isAlive);
      assertThat(read(stdout).lines()).hasSize(1);
      assertThat(read(dir.resolve("kafka/node-0/broker.log")))
          .contains("Kafka Server started")
          .contains("shut down completed");
    } finally {
      cab.destroyForcibly();
    }
  }

  @Test
  void portInUseFailsWithOneLineNamingThePortAndTheOption(@TempDir Path dir) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int code =
          KafkaServerMain.run(
              List.of(
                  "--port", Integer.toString(taken.getLocalPort()), "--data-dir", dir.toString()),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(code).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8).lines())
          .singleElement()
          .asString()
          .contains("Port " + taken.getLocalPort(), "--port");
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
