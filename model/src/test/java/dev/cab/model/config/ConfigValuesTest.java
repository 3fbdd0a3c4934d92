package dev.cab.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {

  @Test
  void propertiesWinOverEnvironmentWhichWinsOverDefaults() {
    ConfigValues c =
        ConfigValues.of(
            Map.of("sink.batch.max.rows", "10"),
            Map.of("SINK_BATCH_MAX_ROWS", "20", "SINK_BATCH_MAX_MS", "300"));

    assertThat(c.intValue("sink.batch.max.rows", 5, 1, 100)).isEqualTo(10);
    assertThat(c.duration("sink.batch.max.ms", Duration.ofMillis(1))).hasMillis(300);
    assertThat(c.string("sink.other", "d")).isEqualTo("d");
  }

  @Test
  void collectsEveryProblemAndFailsOnceNamingTheVariables() {
    ConfigValues c =
        ConfigValues.of(Map.of("a.rows", "many", "a.flag", "maybe"), Map.of("A_MS", "-5"));
    c.intValue("a.rows", 1, 1, 10);
    c.bool("a.flag", false);
    c.duration("a.ms", Duration.ZERO);
    c.required("cab.kafka.bootstrap", "the Kafka bootstrap servers");

    assertThatThrownBy(() -> c.validate("sink"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("a.rows (env A_ROWS) must be a whole number")
        .hasMessageContaining("a.flag (env A_FLAG) must be true or false")
        .hasMessageContaining("a.ms (env A_MS) must not be negative")
        .hasMessageContaining("cab.kafka.bootstrap (env CAB_KAFKA_BOOTSTRAP) is not set");
    assertThat(((InvalidConfigException) catchThrowable(c))).isNotNull();
  }

  private static Throwable catchThrowable(ConfigValues c) {
    try {
      c.validate("x");
      return null;
    } catch (InvalidConfigException e) {
      assertThat(e.problems()).hasSize(4);
      return e;
    }
  }

  @Test
  void masksSecretsInTheEffectiveSettings() {
    ConfigValues c =
        ConfigValues.of(
            Map.of("cab.clickhouse.password", "hunter2", "cab.clickhouse.user", "u"), Map.of());
    c.string("cab.clickhouse.password", "");
    c.string("cab.clickhouse.user", "default");

    assertThat(c.effective())
        .containsEntry("cab.clickhouse.password", "******")
        .containsEntry("cab.clickhouse.user", "u");
    assertThat(c.effective().toString()).doesNotContain("hunter2");
  }
}
