package dev.cab.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.sink.config.SinkSettings;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class SinkConsumerConfigTest {
  private static final Map<String, String> ENV =
      Map.of(
          "CAB_KAFKA_BOOTSTRAP", "localhost:9092",
          "CAB_CLICKHOUSE_URL", "http://localhost:8123");

  @Test
  void theConsumerTakesTheSessionTimeoutWithAHeartbeatOfAtMostAThird() {
    // given the default and 6 s
    Map<String, Object> byDefault = SinkService.consumerConfig(SinkSettings.from(Map.of(), ENV), 1);
    Map<String, Object> six =
        SinkService.consumerConfig(
            SinkSettings.from(Map.of("sink.session.timeout.ms", "6000"), ENV), 1);

    // then Kafka's 45 s with a 3 s heartbeat, and 6 s with a 2 s heartbeat
    assertThat(byDefault)
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 45_000)
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    assertThat(six)
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000)
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
  }
}
