package dev.cab.embedded.junit;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The Kafka broker a test gets from {@link KafkaExtension}: its address and helpers for the topics
 * a test needs. Topic names are unique per call, so tests sharing the broker never see each other's
 * records.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bootstrapServers the {@code bootstrap.servers} of the broker
 * @param external true when the broker came from {@code KAFKA_BOOTSTRAP} rather than from us
 */
public record KafkaTestBroker(String bootstrapServers, boolean external) {

  private static final Pattern TOPIC_BASE = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  /** Checks the address. */
  public KafkaTestBroker {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers is empty");
    }
  }

  /** {@code base} plus a random suffix: a topic name no other test uses. */
  public String uniqueTopicName(String base) {
    if (!TOPIC_BASE.matcher(base).matches()) {
      throw new IllegalArgumentException("Not a usable topic name prefix: " + base);
    }
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Creates a topic named {@link #uniqueTopicName(String) uniquely} after {@code base}, with the
   * broker's default replication factor, and returns its name.
   */
  public String createTopic(String base, int partitions) {
    String name = uniqueTopicName(base);
    try (Admin admin = admin()) {
      admin
          .createTopics(Set.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot create topic " + name, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    }
    return name;
  }

  /** {@code bootstrap.servers} as a client configuration to build on. */
  public Map<String, Object> clientConfig() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /** A new Admin client on this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(clientConfig());
  }
}
