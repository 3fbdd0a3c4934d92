package dev.cab.collector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorSettingsTest {

  @Test
  void usesTheOtlpPortsAndLocalBindByDefault() {
    CollectorSettings settings = CollectorSettings.of(Map.of("cab.kafka.bootstrap", "k:9092"));

    assertThat(settings.kafkaBootstrap()).isEqualTo("k:9092");
    assertThat(settings.httpPort()).isEqualTo(4318);
    assertThat(settings.grpcPort()).isEqualTo(4317);
    assertThat(settings.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(settings.createTopics()).isTrue();
    assertThat(settings.maxBodyBytes()).isEqualTo(CollectorSettings.DEFAULT_MAX_BODY_BYTES);
    assertThat(settings.kafkaAckTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(settings.effective()).containsEntry("collector.http.port", "4318");
  }

  @Test
  void readsEnvironmentVariablesAndLetsPropertiesWin() {
    CollectorSettings settings =
        CollectorSettings.from(
            ConfigValues.of(
                Map.of("collector.grpc.port", "-1"),
                Map.of(
                    "CAB_KAFKA_BOOTSTRAP", "env:9092",
                    "COLLECTOR_HTTP_PORT", "0",
                    "COLLECTOR_GRPC_PORT", "5317",
                    "CAB_KAFKA_TOPIC_CREATE", "false",
                    "COLLECTOR_KAFKA_ACK_TIMEOUT_MS", "PT3S")));

    assertThat(settings.kafkaBootstrap()).isEqualTo("env:9092");
    assertThat(settings.httpPort()).isZero();
    assertThat(settings.grpcPort()).isEqualTo(-1);
    assertThat(settings.createTopics()).isFalse();
    assertThat(settings.kafkaAckTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                CollectorSettings.of(
                    Map.of(
                        "collector.http.port", "70000",
                        "collector.grpc.port", "x",
                        "collector.max.body.bytes", "10",
                        "collector.bind.address", "no-such-host.invalid")))
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigException) e).problems())
                    .anyMatch(p -> p.startsWith("cab.kafka.bootstrap (env CAB_KAFKA_BOOTSTRAP)"))
                    .anyMatch(p -> p.startsWith("collector.http.port"))
                    .anyMatch(p -> p.startsWith("collector.grpc.port"))
                    .anyMatch(p -> p.startsWith("collector.max.body.bytes"))
                    .anyMatch(p -> p.startsWith("collector.bind.address")));
  }

  @Test
  void refusesTwoDisabledOrEqualPorts() {
    assertThatThrownBy(
            () ->
                CollectorSettings.of(
                    Map.of(
                        "cab.kafka.bootstrap", "k:1",
                        "collector.http.port", "-1",
                        "collector.grpc.port", "-1")))
        .hasMessageContaining("enable at least one");
    assertThatThrownBy(
            () ->
                CollectorSettings.of(
                    Map.of(
                        "cab.kafka.bootstrap", "k:1",
                        "collector.http.port", "4000",
                        "collector.grpc.port", "4000")))
        .hasMessageContaining("are both 4000");
  }
}
