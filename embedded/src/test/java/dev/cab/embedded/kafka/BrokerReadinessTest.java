package dev.cab.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerReadinessTest {

  /** A broker that lost its port: the cause, then a shutdown longer than the log's tail. */
  private static List<String> failedBind() {
    List<String> lines = new ArrayList<>();
    lines.add("[2026-12-05 00:38:01,100] INFO [BrokerServer id=0] Starting broker");
    lines.add(
        "[2026-12-05 00:38:01,200] ERROR [BrokerServer id=0] Fatal error during broker startup."
            + " Prepare to shutdown (kafka.server.BrokerServer)");
    lines.add(
        "org.apache.kafka.common.KafkaException: Socket server failed to bind to"
            + " 127.0.0.1:41383: Address already in use.");
    lines.add("Caused by: java.net.BindException: Address already in use");
    for (int i = 0; i < 120; i++) {
      lines.add("[2026-12-05 00:38:01,9" + (i % 10) + "0] INFO shutting down step " + i);
    }
    return lines;
  }

  @Test
  void aLostPortRaceIsRecognisedBehindALongShutdown(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("broker.log"), failedBind());
    KafkaNode node = new KafkaNode(0, 41383, 41384, dir);

    assertThat(node.logTail()).doesNotContain("Address already in use");
    assertThat(BrokerReadiness.lostPortRace(node)).isTrue();
  }

  @Test
  void anotherFailureIsNotTakenForAPortRace(@TempDir Path dir) throws IOException {
    Files.write(
        dir.resolve("broker.log"),
        List.of(
            "[2026-12-05 00:38:01,200] ERROR [KafkaRaftServer nodeId=0] Exiting Kafka due to fatal"
                + " exception during startup.",
            "java.lang.IllegalStateException: log dir is locked"));
    KafkaNode node = new KafkaNode(0, 41383, 41384, dir);

    assertThat(BrokerReadiness.lostPortRace(node)).isFalse();
  }

  @Test
  void theFirstErrorNamesTheCauseWithItsMessage() {
    assertThat(BrokerReadiness.firstError(failedBind()))
        .startsWith("[2026-12-05 00:38:01,200] ERROR [BrokerServer id=0] Fatal error")
        .endsWith("127.0.0.1:41383: Address already in use.");
    assertThat(BrokerReadiness.firstError(List.of("[x] INFO fine", "[y] WARN odd"))).isEmpty();
  }
}
