package dev.cab.cli.faults;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka failing under every stage mid-sweep: one broker of three killed, the only broker restarted.
 */
@ExtendWith(ClickHouseExtension.class)
class KafkaFaultIT {
  private final ClickHouseTestServer clickhouse;

  KafkaFaultIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void oneBrokerOfThreeKilledLosesNothing() throws Exception {
    // Topics replicated to all three, two in sync required: the cluster keeps accepting.
    FaultCase.named("SIGKILL of 1 broker of 3", clickhouse)
        .kafkaNodes(3)
        .run(pipeline -> () -> pipeline.kafka().killNode(1));
  }

  @Test
  void brokerRestartLosesNothing() throws Exception {
    FaultCase.named("broker restart", clickhouse)
        .run(
            pipeline ->
                () -> {
                  pipeline.kafka().stopNode(0);
                  pipeline.kafka().startNode(0);
                });
  }
}
