package dev.cab.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, restart and failure behaviour of a single-node {@link EmbeddedKafka}. */
@Timeout(180)
class EmbeddedKafkaLifecycleIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void stoppedNodeRestartsOnItsDataFolderWithItsRecordsAndCloseLeavesNothingBehind()
      throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.builder().start();
    Path dataDir = kafka.dataDir();
    try (kafka) {
      // given
      String topic = createTopic(kafka, "kept");
      produce(kafka, topic, 50);
      long firstPid = kafka.pid(0);

      // when
      kafka.stopNode(0);
      assertThat(kafka.isRunning(0)).isFalse();
      kafka.startNode(0);

      // then
      assertThat(kafka.pid(0)).isNotEqualTo(firstPid);
      assertThat(KafkaClients.readAll(kafka.bootstrapServers(), topic, 50, TIMEOUT, false).size())
          .isEqualTo(50);
    }
    // and: close stopped the JVM and removed the temporary data folder
    long pid = kafka.pid(0);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void newInstanceOnAnExistingDataFolderFindsTheTopicsAndRecords(@TempDir Path dataDir)
      throws Exception {
    // given
    String topic;
    try (EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dataDir).start()) {
      topic = createTopic(first, "persistent");
      produce(first, topic, 10);
    }
    assertThat(dataDir.resolve("node-0/broker.log")).exists();

    // when
    try (EmbeddedKafka second = EmbeddedKafka.builder().dataDir(dataDir).start()) {
      // then
      assertThat(KafkaClients.readAll(second.bootstrapServers(), topic, 10, TIMEOUT, false))
          .hasSize(10);
    }
  }

  @Test
  void startFailsFastNamingTheTakenPortAndHowToChooseAnother() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).build();

      assertThatThrownBy(kafka::start)
          .isInstanceOf(EmbeddedKafka.PortInUseException.class)
          .hasMessageContaining("Port " + port + " on 127.0.0.1 is already in use")
          .hasMessageContaining("--port")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void brokerStopsItselfWhenItsParentJvmIsKilled(@TempDir Path dataDir) throws Exception {
    // given: another JVM that runs EmbeddedKafka and reports its broker's pid
    Path out = dataDir.resolve("parent.out");
    Process parent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OrphanedBrokerParent.class.getName(),
                dataDir.resolve("kafka").toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    long brokerPid;
    try {
      Pattern pidLine = Pattern.compile("BROKER_PID=(\\d+)");
      Await.until(
          "the parent JVM reports its broker's pid",
          Duration.ofSeconds(120),
          () -> pidLine.matcher(read(out)).find() || !parent.isAlive(),
          () -> read(out));
      Matcher m = pidLine.matcher(read(out));
      assertThat(m.find()).as("parent output: %s", read(out)).isTrue();
      brokerPid = Long.parseLong(m.group(1));
      assertThat(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive)).hasValue(true);
    } finally {
      // when: the parent dies without running any shutdown hook
      parent.destroyForcibly().waitFor();
    }

    // then
    Await.until(
        "broker " + brokerPid + " exits after its parent was killed",
        Duration.ofSeconds(30),
        () -> ProcessHandle.of(brokerPid).map(p -> !p.isAlive()).orElse(true));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String createTopic(EmbeddedKafka kafka, String base) throws Exception {
    String topic = base + "-" + System.nanoTime();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(Set.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    return topic;
  }

  private static void produce(EmbeddedKafka kafka, String topic, int count) throws Exception {
    try (KafkaProducer<String, String> producer =
        KafkaClients.idempotentProducer(kafka.bootstrapServers())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      }
      producer.flush();
    }
  }
}
