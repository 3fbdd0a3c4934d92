package dev.cab.model.management;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Kafka answers: a cluster description with at least one node, through one admin client kept open
 * for the stage's lifetime. Close it with the stage. Thread-safe (the admin client is).
 */
public final class KafkaHealthCheck implements HealthCheck, AutoCloseable {
  private final Admin admin;
  private final String bootstrap;

  public KafkaHealthCheck(String bootstrap, String clientId) {
    this.bootstrap = bootstrap;
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG,
                clientId,
                // a probe: fail fast, the next probe retries
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000));
  }

  @Override
  public void check(Duration timeout) throws Exception {
    int ms = (int) Math.max(1, timeout.toMillis());
    var nodes =
        admin
            .describeCluster(new DescribeClusterOptions().timeoutMs(ms))
            .nodes()
            .get(ms, TimeUnit.MILLISECONDS);
    if (nodes.isEmpty()) {
      throw new IllegalStateException("Kafka at " + bootstrap + " reports no brokers");
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
