package dev.cab.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration EmbeddedKafka writes and the mistakes it refuses, without starting Kafka. */
class EmbeddedKafkaConfigTest {

  @Test
  void singleNodeRunsInternalTopicsWithOneReplicaAndCombinedRoles() {
    KafkaNode node = new KafkaNode(0, 9092, 9093, Path.of("/data/node-0"));

    Map<String, String> c = BrokerConfig.serverConfig(node, List.of(node), Map.of());

    assertThat(c)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "0")
        .containsEntry("controller.quorum.voters", "0@127.0.0.1:9093")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
        .containsEntry("log.dirs", Path.of("/data/node-0/data").toString())
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("num.partitions", "4")
        .containsEntry("min.insync.replicas", "1");
  }

  @Test
  void threeNodesReplicateThreeTimesWithMinIsrTwoAndKnowEveryVoter() {
    List<KafkaNode> nodes =
        List.of(
            new KafkaNode(0, 9092, 9095, Path.of("n0")),
            new KafkaNode(1, 9093, 9096, Path.of("n1")),
            new KafkaNode(2, 9094, 9097, Path.of("n2")));

    Map<String, String> c = BrokerConfig.serverConfig(nodes.get(1), nodes, Map.of());

    assertThat(c)
        .containsEntry("node.id", "1")
        .containsEntry(
            "controller.quorum.voters", "0@127.0.0.1:9095,1@127.0.0.1:9096,2@127.0.0.1:9097")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:9096")
        .containsEntry("default.replication.factor", "3")
        .containsEntry("min.insync.replicas", "2")
        .containsEntry("offsets.topic.replication.factor", "3")
        .containsEntry("transaction.state.log.replication.factor", "3")
        .containsEntry("transaction.state.log.min.isr", "2");
  }

  @Test
  void brokerConfigOverridesDefaultsButNotTheLayout() {
    KafkaNode node = new KafkaNode(0, 9092, 9093, Path.of("n0"));

    Map<String, String> c =
        BrokerConfig.serverConfig(node, List.of(node), Map.of("num.partitions", "1"));

    assertThat(c).containsEntry("num.partitions", "1");
    assertThatThrownBy(() -> EmbeddedKafka.builder().brokerConfig("listeners", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listeners");
  }

  @Test
  void builderRejectsImpossibleSettings() {
    assertThatThrownBy(() -> EmbeddedKafka.builder().nodes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafka.builder().heap("lots"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafka.builder().nodes(3).port(65531).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65531");
    assertThat(EmbeddedKafka.builder().heap("-Xmx1g").build()).isNotNull();
  }

  @Test
  void sweepDeletesOnlyTemporaryFoldersWhoseOwnerJvmIsGone(@TempDir Path tmp) throws Exception {
    // given
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    ProcessHandle self = ProcessHandle.current();
    String selfOwner =
        self.pid() + " " + self.info().startInstant().map(Object::toString).orElse("?");
    Path abandoned = ownedFolder(tmp, "cab-kafka-abandoned", gone.pid() + " ?", true);
    Path alive = ownedFolder(tmp, "cab-kafka-alive", selfOwner, true);
    Path justCreated = ownedFolder(tmp, "cab-kafka-new", gone.pid() + " ?", false);
    Path notOurs = Files.createDirectory(tmp.resolve("other-abandoned"));

    // when
    KafkaDataDir.deleteAbandonedTempDirs(tmp);

    // then
    assertThat(abandoned).doesNotExist();
    assertThat(alive).isDirectory();
    assertThat(justCreated).isDirectory();
    assertThat(notOurs).isDirectory();
  }

  private static Path ownedFolder(Path tmp, String name, String owner, boolean old)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name).resolve("node-0"));
    Path ownerFile = Files.writeString(tmp.resolve(name).resolve("owner.pid"), owner);
    Files.writeString(dir.resolve("broker.log"), "log");
    if (old) {
      Files.setLastModifiedTime(
          ownerFile, FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
    }
    return tmp.resolve(name);
  }

  @Test
  void toolCommandRunsAKafkaToolOnTheBrokerClasspath() {
    List<String> command =
        EmbeddedKafka.toolCommand(
            "org.apache.kafka.tools.ProducerPerformance", List.of("--topic", "t"));

    assertThat(command.getFirst()).endsWith("java");
    assertThat(command.get(command.indexOf("-cp") + 1)).contains("kafka-tools-");
    assertThat(command.subList(command.size() - 3, command.size()))
        .containsExactly("org.apache.kafka.tools.ProducerPerformance", "--topic", "t");
  }

  @Test
  void jvmOptionsCarryTheHeap() {
    assertThat(BrokerConfig.jvmOptions("256m")).contains("-Xmx256m", "-XX:+UseSerialGC");
  }

  @Test
  void brokerRuntimeNamesTheFirstMissingJarAndHowToRestoreIt(@TempDir Path dir) throws Exception {
    Path present = Files.createFile(dir.resolve("present.jar"));
    Path missing = dir.resolve("gone.jar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    assertThatThrownBy(
            () ->
                BrokerRuntime.fromListing(java, dir, present + File.pathSeparator + missing + "\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 jar(s) that do not exist, first " + missing)
        .hasMessageContaining("./mvnw -B -pl embedded-kafka-broker install");
    assertThat(BrokerRuntime.fromListing(java, dir, present.toString()).brokerJars())
        .containsExactly(present);
  }

  @Test
  void brokerRuntimeOnTheTestClasspathListsOnlyExistingJars() {
    BrokerRuntime runtime = BrokerRuntime.locate();

    assertThat(runtime.brokerJars())
        .isNotEmpty()
        .allSatisfy(jar -> assertThat(jar).isRegularFile())
        .anySatisfy(jar -> assertThat(jar.getFileName().toString()).startsWith("kafka_2.13-"));
  }
}
