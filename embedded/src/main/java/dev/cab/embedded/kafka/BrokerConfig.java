package dev.cab.embedded.kafka;

import static dev.cab.embedded.kafka.EmbeddedKafka.LOOPBACK;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a broker node is told: its server.properties and the options of its JVM. */
final class BrokerConfig {
  private BrokerConfig() {}

  /** Writes {@code node}'s server.properties (at every start: the ports may have changed). */
  static void writeServerProperties(
      KafkaNode node, List<KafkaNode> all, Map<String, String> overrides) {
    Map<String, String> config = serverConfig(node, all, overrides);
    StringBuilder text = new StringBuilder();
    text.append("# Written by cab's EmbeddedKafka at every start; edits are overwritten.\n");
    config.forEach(
        (k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    try {
      Files.createDirectories(node.dir());
      Files.writeString(node.serverProperties(), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + node.serverProperties(), e);
    }
  }

  /** The server.properties of {@code node}: the layout, then our defaults, then overrides. */
  static Map<String, String> serverConfig(
      KafkaNode node, List<KafkaNode> all, Map<String, String> overrides) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("process.roles", "broker,controller");
    c.put("node.id", Integer.toString(node.id()));
    c.put(
        "controller.quorum.voters",
        all.stream()
            .map(n -> n.id() + "@" + LOOPBACK + ":" + n.controllerPort())
            .collect(Collectors.joining(",")));
    c.put(
        "listeners",
        "PLAINTEXT://%s:%d,CONTROLLER://%s:%d"
            .formatted(LOOPBACK, node.brokerPort(), LOOPBACK, node.controllerPort()));
    c.put("advertised.listeners", "PLAINTEXT://%s:%d".formatted(LOOPBACK, node.brokerPort()));
    c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    c.put("controller.listener.names", "CONTROLLER");
    c.put("inter.broker.listener.name", "PLAINTEXT");
    c.put("log.dirs", node.logDir().toString());

    // Our code creates every topic explicitly; a typo must fail, not create a topic.
    c.put("auto.create.topics.enable", "false");
    c.put("num.partitions", "4");
    // Consumers in tests and in the local mode join at once instead of after 3 s.
    c.put("group.initial.rebalance.delay.ms", "0");
    int replication = Math.min(3, all.size());
    int minIsr = Math.max(1, replication - 1);
    // Internal topics cannot have more replicas than there are brokers; with 3 nodes these are
    // Kafka's defaults (RF 3, min ISR 2), said explicitly.
    c.put("offsets.topic.replication.factor", Integer.toString(replication));
    c.put("transaction.state.log.replication.factor", Integer.toString(replication));
    c.put("transaction.state.log.min.isr", Integer.toString(minIsr));
    c.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
    c.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
    c.put("default.replication.factor", Integer.toString(replication));
    c.put("min.insync.replicas", Integer.toString(minIsr));
    // The log cleaner's dedupe buffer is 128 MB of heap by default, allocated at start-up: a
    // quarter of our heap for compacting the few small compacted topics a local broker has.
    c.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    c.putAll(overrides);
    return c;
  }

  /** JVM options of every broker child (the same for all, so they share one CDS archive). */
  static List<String> jvmOptions(String heap) {
    return List.of(
        "-Xmx" + heap,
        // 2 cores shared by up to 3 brokers and the tests: one GC thread, no concurrent marking.
        "-XX:+UseSerialGC",
        // C1 only: a broker starts about twice as fast on a busy 2-core machine, and used no more
        // CPU per record than with C2 (600k 300-byte records, acks=all, lz4: 2.0 s vs 2.8 s).
        "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError",
        // zstd-jni, snappy and lz4 load native code; kafka-clients unmaps buffers via Unsafe.
        "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow",
        "-Djava.awt.headless=true",
        // Keep log4j alive while Kafka's own shutdown hook logs the shutdown.
        "-Dlog4j2.shutdownHookEnabled=false");
  }
}
