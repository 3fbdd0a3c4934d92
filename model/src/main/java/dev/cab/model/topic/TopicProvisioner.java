package dev.cab.model.topic;

import dev.cab.model.config.KafkaConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the brokers hold the {@linkplain Topics topic catalogue}: creates every missing topic with
 * the configured partitions and replication factor and the catalogue's topic configs (compaction of
 * {@code cab.cells.v1}, retention of {@code cab.dlq.v1}), and sets catalogue configs that an
 * existing topic lacks or holds with another value. It never removes partitions or data; an
 * existing topic with fewer partitions than configured is reported, not changed (the partition of a
 * cell id would move). Every stage and {@code ./cab} call it at start; concurrent callers are fine:
 * whoever comes first creates, the others find the topics there.
 */
public final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  /**
   * What a call changed.
   *
   * @param created topics created
   * @param reconfigured existing topics whose configs were set to the catalogue's
   * @param notes what was found but left alone (fewer partitions than configured)
   */
  public record Result(Set<String> created, Set<String> reconfigured, List<String> notes) {
    public Result {
      created = Set.copyOf(created);
      reconfigured = Set.copyOf(reconfigured);
      notes = List.copyOf(notes);
    }
  }

  /** Kafka did not answer in time, or refused to create or configure a topic. */
  public static final class TopicsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TopicsUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Ensures the catalogue on the cluster at {@code kafka.bootstrap()} with a short-lived admin
   * client.
   *
   * @param clientId the admin client id, e.g. {@code cab-sink-admin}
   * @throws TopicsUnavailableException naming the bootstrap servers
   */
  public static Result ensure(KafkaConfig kafka, String clientId, Duration timeout) {
    int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrap(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                clientId,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                ms,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Math.min(ms, 10_000)))) {
      return ensure(admin, Topics.all(), kafka, timeout);
    }
  }

  /**
   * Ensures {@code topics} through {@code admin}.
   *
   * @throws TopicsUnavailableException naming the bootstrap servers
   */
  public static Result ensure(
      Admin admin, Collection<Topic<?, ?>> topics, KafkaConfig kafka, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    try {
      Set<String> existing = admin.listTopics().names().get(left(deadline), TimeUnit.MILLISECONDS);
      Set<String> created = create(admin, topics, existing, kafka, deadline);
      List<String> notes = new ArrayList<>();
      Set<String> reconfigured = reconcile(admin, topics, existing, kafka, deadline, notes);
      if (!created.isEmpty()) {
        LOG.info(
            "created topics {} ({} partitions, replication factor {})",
            created,
            kafka.topicPartitions(),
            kafka.topicReplicationFactor());
      }
      if (!reconfigured.isEmpty()) {
        LOG.info("set the catalogue's configs on existing topics {}", reconfigured);
      }
      notes.forEach(LOG::warn);
      return new Result(created, reconfigured, notes);
    } catch (TimeoutException e) {
      throw unreachable(kafka, timeout, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        // The admin client's own deadline ("Timed out waiting for a node assignment") can pass
        // before ours on a loaded machine: the same unreachable broker.
        throw unreachable(kafka, timeout, e.getCause());
      }
      throw new TopicsUnavailableException(
          "cannot create or configure the topics on Kafka at "
              + kafka.bootstrap()
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicsUnavailableException("interrupted while creating topics", e);
    }
  }

  private static TopicsUnavailableException unreachable(
      KafkaConfig kafka, Duration timeout, Throwable cause) {
    return new TopicsUnavailableException(
        "Kafka at "
            + kafka.bootstrap()
            + " is unreachable: no answer within "
            + timeout.toMillis()
            + " ms (is the broker running? check cab.kafka.bootstrap)",
        cause);
  }

  /** The catalogue's configs of {@code topic}, with the settings that override them. */
  static Map<String, String> configOf(Topic<?, ?> topic, KafkaConfig kafka) {
    if (!topic.name().equals(Topics.DLQ.name())) {
      return topic.config();
    }
    Map<String, String> config = new java.util.HashMap<>(topic.config());
    config.put("retention.ms", Long.toString(kafka.dlqRetention().toMillis()));
    return Map.copyOf(config);
  }

  private static Set<String> create(
      Admin admin,
      Collection<Topic<?, ?>> topics,
      Set<String> existing,
      KafkaConfig kafka,
      Instant deadline)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<NewTopic> missing =
        topics.stream()
            .filter(t -> !existing.contains(t.name()))
            .map(
                t ->
                    new NewTopic(t.name(), kafka.topicPartitions(), kafka.topicReplicationFactor())
                        .configs(configOf(t, kafka)))
            .toList();
    Set<String> created = new TreeSet<>();
    if (missing.isEmpty()) {
      return created;
    }
    for (var entry : admin.createTopics(missing).values().entrySet()) {
      try {
        entry.getValue().get(left(deadline), TimeUnit.MILLISECONDS);
        created.add(entry.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // another stage created it between list and create
      }
    }
    return created;
  }

  private static Set<String> reconcile(
      Admin admin,
      Collection<Topic<?, ?>> topics,
      Set<String> existing,
      KafkaConfig kafka,
      Instant deadline,
      List<String> notes)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<Topic<?, ?>> present = topics.stream().filter(t -> existing.contains(t.name())).toList();
    if (present.isEmpty()) {
      return Set.of();
    }
    Map<String, TopicDescription> descriptions =
        admin
            .describeTopics(present.stream().map(Topic::name).toList())
            .allTopicNames()
            .get(left(deadline), TimeUnit.MILLISECONDS);
    descriptions.forEach(
        (name, d) -> {
          if (d.partitions().size() < kafka.topicPartitions()) {
            notes.add(
                "topic "
                    + name
                    + " has "
                    + d.partitions().size()
                    + " partitions, fewer than cab.kafka.topic.partitions="
                    + kafka.topicPartitions()
                    + "; left as is (adding partitions moves cells between partitions)");
          }
        });
    Map<ConfigResource, Config> configs =
        admin
            .describeConfigs(
                present.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                    .toList())
            .all()
            .get(left(deadline), TimeUnit.MILLISECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new java.util.HashMap<>();
    for (Topic<?, ?> t : present) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
      Config actual = configs.get(resource);
      List<AlterConfigOp> ops = new ArrayList<>();
      configOf(t, kafka)
          .forEach(
              (key, value) -> {
                ConfigEntry entry = actual == null ? null : actual.get(key);
                if (entry == null || !value.equals(entry.value())) {
                  ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
                }
              });
      if (!ops.isEmpty()) {
        changes.put(resource, ops);
      }
    }
    if (changes.isEmpty()) {
      return Set.of();
    }
    admin.incrementalAlterConfigs(changes).all().get(left(deadline), TimeUnit.MILLISECONDS);
    Set<String> names = new TreeSet<>();
    changes.keySet().forEach(r -> names.add(r.name()));
    return names;
  }

  private static long left(Instant deadline) {
    return Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
  }
}
