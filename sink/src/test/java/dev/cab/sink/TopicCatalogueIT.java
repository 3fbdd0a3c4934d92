package dev.cab.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.KafkaConfig;
import dev.cab.model.topic.TopicProvisioner;
import dev.cab.model.topic.Topics;
import dev.cab.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The topic catalogue on a real broker: the dead-letter topic's retention follows {@value
 * CommonSettings#TOPIC_DLQ_RETENTION}, on creation and on a topic that already exists.
 */
@ExtendWith(KafkaExtension.class)
class TopicCatalogueIT {

  @Test
  void theDeadLetterRetentionIsASettingAppliedToNewAndExistingTopics(KafkaTestBroker kafka)
      throws Exception {
    KafkaConfig sevenDays = kafka(kafka, Map.of(CommonSettings.TOPIC_DLQ_RETENTION, "PT168H"));
    TopicProvisioner.ensure(sevenDays, "topic-catalogue-it", Duration.ofSeconds(30));
    // an altered config reaches every broker's metadata a moment after the call returns
    Await.until(
        "retention.ms of the dead-letter topic is 7 days",
        () -> dlqRetentionMs(kafka) == Duration.ofDays(7).toMillis());

    KafkaConfig defaults = kafka(kafka, Map.of());
    TopicProvisioner.Result result =
        TopicProvisioner.ensure(defaults, "topic-catalogue-it", Duration.ofSeconds(30));
    assertThat(result.reconfigured()).contains(Topics.DLQ.name());
    Await.until(
        "retention.ms of the dead-letter topic is back to 30 days",
        () -> dlqRetentionMs(kafka) == CommonSettings.DEFAULT_DLQ_RETENTION.toMillis());
  }

  private static KafkaConfig kafka(KafkaTestBroker kafka, Map<String, String> settings) {
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.put(CommonSettings.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    ConfigValues values = ConfigValues.of(all, Map.of());
    KafkaConfig config = KafkaConfig.read(values);
    values.validate("sink");
    return config;
  }

  private static long dlqRetentionMs(KafkaTestBroker kafka) {
    try (Admin admin = kafka.admin()) {
      ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, Topics.DLQ.name());
      return Long.parseLong(
          admin.describeConfigs(List.of(dlq)).all().get().get(dlq).get("retention.ms").value());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot describe " + Topics.DLQ.name(), e);
    }
  }
}
