package dev.cab.cli.command;

import dev.cab.cli.CabPaths;
import dev.cab.embedded.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cab kafka}: a real Kafka broker (KRaft) in the foreground until Ctrl-C. */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a real Apache Kafka broker (KRaft, from the Maven Central jars) in the foreground.",
      "Prints KAFKA_BOOTSTRAP=<address> when ready; Ctrl-C stops it cleanly."
    })
public final class KafkaCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      defaultValue = "${env:CAB_KAFKA_PORT:-9092}",
      description = "Broker port (env CAB_KAFKA_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--nodes",
      defaultValue = "1",
      description = "1 for a single node, 3 for a cluster (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--data-dir",
      description = "Where the broker keeps its logs (env CAB_DATA_DIR/kafka; default .cab/kafka).")
  Path dataDir;

  @Override
  public Integer call() {
    Ports.requireFree(port, "Kafka", "--port", "CAB_KAFKA_PORT");
    Path dir = dataDir != null ? dataDir : CabPaths.dataRoot().resolve("kafka");
    EmbeddedKafka kafka =
        EmbeddedKafka.builder().nodes(nodes).port(port).dataDir(dir).build().start();
    System.out.println("KAFKA_BOOTSTRAP=" + kafka.bootstrapServers());
    System.out.flush();
    Foreground.awaitShutdown(kafka::close);
    return 0;
  }
}
