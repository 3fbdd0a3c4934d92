package dev.cab.embedded.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code cab kafka}: an embedded cluster in the foreground of a command-line process. */
final class KafkaForeground {
  private KafkaForeground() {}

  /**
   * Runs Kafka in the foreground for {@code cab kafka}: starts it, prints exactly one line, {@code
   * KAFKA_BOOTSTRAP=127.0.0.1:9092[,...]}, to stdout once it is ready, and blocks until the JVM is
   * asked to stop (Ctrl-C or SIGTERM; the shutdown hook then stops every node) or a node exits by
   * itself. Human-readable progress goes to stderr.
   *
   * @return the process exit code to use when a node exits by itself: 0 if it was told to stop
   *     (Ctrl-C reaches the whole process group), 1 if it died; after Ctrl-C or SIGTERM to this JVM
   *     the shutdown hook stops the nodes and the JVM exits with 130 or 143 before this returns
   * @throws EmbeddedKafka.PortInUseException if a port is taken (its message is one line naming the
   *     port and the way to choose another)
   */
  static int run(EmbeddedKafka.Builder builder) {
    EmbeddedKafka kafka = builder.build().start();
    System.out.println("KAFKA_BOOTSTRAP=" + kafka.bootstrapServers());
    System.out.flush();
    System.err.printf(
        "Kafka %s ready: %d node(s) at %s, data and logs in %s. Ctrl-C stops it.%n",
        kafkaVersion(), kafka.nodeCount(), kafka.bootstrapServers(), kafka.dataDir());
    KafkaNode exited = kafka.awaitAnyNodeExit();
    synchronized (kafka) {
      if (kafka.isClosed()) {
        return 0;
      }
      Integer code = exited.exitCode();
      // 130/143: the node got Ctrl-C's SIGINT or a SIGTERM itself (same process group).
      boolean signalled = code != null && (code == 130 || code == 143);
      if (!signalled) {
        System.err.printf(
            "Kafka node %d exited with code %s; last lines of %s:%n%s%n",
            exited.id(), code, exited.brokerLog(), exited.logTail());
      }
      kafka.close();
      return signalled ? 0 : 1;
    }
  }

  /**
   * The kafka-clients version on the classpath, from the file kafka-clients itself reads it from
   * (its parser moved to an internal package in 4.4, so it is no API to depend on).
   */
  private static String kafkaVersion() {
    try (InputStream in =
        org.apache.kafka.clients.producer.KafkaProducer.class.getResourceAsStream(
            "/kafka/kafka-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
