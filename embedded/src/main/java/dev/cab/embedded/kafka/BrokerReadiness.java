package dev.cab.embedded.kafka;

import static dev.cab.embedded.kafka.EmbeddedKafka.LOOPBACK;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Waits for starting nodes: first their client port accepts connections, then the cluster lists
 * them as registered and unfenced ({@code Admin.describeCluster}). Fails fast, with the tail of the
 * node's log, when a node exits while starting or is not ready before the deadline.
 */
final class BrokerReadiness {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final Duration startTimeout;

  /** Readiness checks whose deadlines stand for {@code startTimeout}, named in failures. */
  BrokerReadiness(Duration startTimeout) {
    this.startTimeout = startTimeout;
  }

  /**
   * Waits until every node of {@code starting} is registered and unfenced, asking the brokers of
   * {@code bootstrap}; fails as soon as one of {@code starting} exits.
   */
  void awaitBrokers(List<KafkaNode> starting, List<KafkaNode> bootstrap, Instant deadline) {
    for (KafkaNode node : starting) {
      // Connecting an Admin before the listener is up only fills the test output with warnings.
      awaitListening(node, starting, deadline);
    }
    Set<Integer> expected = starting.stream().map(KafkaNode::id).collect(Collectors.toSet());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap.stream()
            .map(n -> LOOPBACK + ":" + n.brokerPort())
            .collect(Collectors.joining(",")));
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "cab-embedded-kafka-readiness");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    Set<Integer> seen = Set.of();
    Exception lastError = null;
    try (Admin admin = Admin.create(config)) {
      while (true) {
        failIfExited(starting);
        try {
          seen =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .stream()
                  .map(Node::id)
                  .collect(Collectors.toSet());
          if (seen.containsAll(expected)) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastError = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
        if (Instant.now().isAfter(deadline)) {
          Set<Integer> missing = new HashSet<>(expected);
          missing.removeAll(seen);
          throw new IllegalStateException(
              "Kafka node(s) %s not registered within %s (the cluster sees %s%s)%s"
                  .formatted(
                      missing,
                      startTimeout,
                      seen,
                      lastError == null ? "" : "; last error: " + lastError,
                      tails(starting.stream().filter(n -> missing.contains(n.id())).toList())));
        }
        pause();
      }
    }
  }

  private void awaitListening(KafkaNode node, List<KafkaNode> starting, Instant deadline) {
    while (true) {
      failIfExited(starting);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, node.brokerPort()), 500);
        return;
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "Kafka node %d is not listening on %s:%d after %s%s"
                  .formatted(
                      node.id(), LOOPBACK, node.brokerPort(), startTimeout, tails(List.of(node))));
        }
        pause();
      }
    }
  }

  private static void failIfExited(List<KafkaNode> starting) {
    for (KafkaNode node : starting) {
      if (!node.isRunning()) {
        throw new IllegalStateException(
            "Kafka node %d exited with code %s while starting%s"
                .formatted(node.id(), node.exitCode(), tails(List.of(node))));
      }
    }
  }

  private static String tails(List<KafkaNode> nodes) {
    StringBuilder s = new StringBuilder();
    for (KafkaNode n : nodes) {
      String tail = n.logTail();
      String cause = firstError(n.logSinceLaunch());
      if (!cause.isEmpty() && !tail.contains(cause)) {
        // A broker that fails at start logs the cause, then a long shutdown that fills the tail.
        s.append("\n---- first error in ").append(n.brokerLog()).append(" ----\n").append(cause);
      }
      s.append("\n---- last lines of ").append(n.brokerLog()).append(" ----\n").append(tail);
    }
    return s.toString();
  }

  /** The first ERROR or FATAL line and the line after it (an exception's message), or "". */
  static String firstError(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.contains(" ERROR ") || line.contains(" FATAL ")) {
        return i + 1 < lines.size() ? line + "\n" + lines.get(i + 1) : line;
      }
    }
    return "";
  }

  /**
   * Whether {@code node} failed because another process took its port first: searched in everything
   * it logged since launch, since the shutdown after a failed bind outgrows the tail.
   */
  static boolean lostPortRace(KafkaNode node) {
    return node.logSinceLaunch().stream()
        .anyMatch(l -> l.contains("Address already in use") || l.contains("BindException"));
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_INTERVAL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Kafka", e);
    }
  }
}
