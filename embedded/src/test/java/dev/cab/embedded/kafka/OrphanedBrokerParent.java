package dev.cab.embedded.kafka;

import java.nio.file.Path;

/**
 * A JVM that starts a broker, prints {@code BROKER_PID=<pid>} and waits to be killed: the parent
 * whose death {@link EmbeddedKafkaLifecycleIT} inflicts.
 */
public final class OrphanedBrokerParent {

  private OrphanedBrokerParent() {}

  /**
   * Starts the broker and blocks.
   *
   * @param args the data folder
   */
  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Path.of(args[0])).start();
    System.out.println("BROKER_PID=" + kafka.pid(0));
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
