package dev.cab.collector.kafka;

import dev.cab.model.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's missing topics ({@link Topics#newTopics}) so the collector can run alone.
 * The streams stage and the {@code cab up} launcher do the same: whoever comes first wins, the
 * others find the topics there.
 */
public final class TopicCreator {
  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  /**
   * @return the names of the topics this call created
   * @throws KafkaUnavailableException when Kafka does not answer within the timeout
   */
  public static Set<String> createMissing(
      String bootstrap, int partitions, short replicationFactor, Duration timeout)
      throws KafkaUnavailableException {
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "cab-collector-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms))) {
      Set<String> existing = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
      List<NewTopic> missing =
          Topics.newTopics(partitions, replicationFactor).stream()
              .filter(t -> !existing.contains(t.name()))
              .toList();
      if (missing.isEmpty()) {
        return Set.of();
      }
      Set<String> created = new java.util.TreeSet<>();
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(ms, TimeUnit.MILLISECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          // created by the streams stage or the launcher in the meantime
        }
      }
      LOG.info("created topics {}", created);
      return created;
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaUnavailableException(
          "cannot create topics on Kafka at " + bootstrap + " within " + timeout.toMillis() + " ms",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while creating topics", e);
    }
  }
}
