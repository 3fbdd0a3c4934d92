package dev.cab.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void aDurationKeyWithoutItsUnitIsAProgrammingError() {
    ConfigValues c = ConfigValues.of(Map.of(), Map.of());

    assertThatThrownBy(() -> c.duration("streams.outcome.scores.grace", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must end in .ms");
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

  @Test
  void reportsUnknownKeysOfTheStageAndSharedTyposAtOnceNamingTheClosestKey() {
    ConfigValues c =
        ConfigValues.of(
            Map.of(
                "sink.batch.max.rowz", "5",
                "cab.kafka.bootstrapp", "x:1",
                "sink.batch.max.ms", "soon",
                "streams.num.threads", "2"),
            Map.of());
    c.intValue("sink.batch.max.rows", 1, 1, 10);
    c.duration("sink.batch.max.ms", Duration.ofMillis(1));

    assertThatThrownBy(() -> c.validate("sink"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "sink.batch.max.ms (env SINK_BATCH_MAX_MS) must be milliseconds (or"
                            + " ISO-8601 like PT5S), not 'soon'",
                        "cab.kafka.bootstrapp (env CAB_KAFKA_BOOTSTRAPP) is not a setting of sink;"
                            + " closest: cab.kafka.bootstrap (env CAB_KAFKA_BOOTSTRAP)",
                        "sink.batch.max.rowz (env SINK_BATCH_MAX_ROWZ) is not a setting of sink;"
                            + " closest: sink.batch.max.rows (env SINK_BATCH_MAX_ROWS)"));
  }

  @Test
  void warnsAboutUnknownEnvironmentVariablesWithTheStagePrefixOnly() {
    ConfigValues c =
        ConfigValues.of(
            Map.of(),
            Map.of(
                "SINK_BATCH_MAX_ROW", "5",
                "CAB_KAFKA_PORT", "9092",
                "STREAMS_X", "1",
                "PATH", "/bin"));
    c.intValue("sink.batch.max.rows", 1, 1, 10);
    c.validate("sink");

    assertThat(c.warnings("sink"))
        .containsExactly(
            "environment variable SINK_BATCH_MAX_ROW is not a setting of sink and is ignored;"
                + " closest: sink.batch.max.rows (env SINK_BATCH_MAX_ROWS)");
  }

  @Test
  void readsDashDPropertiesOverTheEnvironmentOverTheSettingsFile(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("cab.properties");
    Files.writeString(file, "sink.batch.max.rows=3\nsink.group.id=from-file\nsink.typo=1\n");
    Properties system = new Properties();
    system.setProperty("sink.batch.max.rows", "9");
    system.setProperty("java.home", "/jdk");
    system.setProperty("cab.home", "/repo");

    ConfigValues c =
        ConfigValues.fromProcess(
            "sink",
            Map.of(),
            Map.of("CAB_CONFIG_FILE", file.toString(), "SINK_BATCH_MAX_ROWS", "7"),
            system);

    assertThat(c.intValue("sink.batch.max.rows", 1, 1, 10)).isEqualTo(9);
    assertThat(c.string("sink.group.id", "g")).isEqualTo("from-file");
    assertThatThrownBy(() -> c.validate("sink"))
        .hasMessageContaining("sink.typo (env SINK_TYPO) in " + file + " is not a setting of sink");
  }

  @Test
  void describesTheEffectiveSettingsInOneFormatWithSecretsMasked() {
    ConfigValues c =
        ConfigValues.of(Map.of("cab.clickhouse.password", "hunter2"), Map.of("SINK_A_MS", "5"));
    c.string("cab.clickhouse.password", "");
    c.duration("sink.a.ms", Duration.ZERO);

    assertThat(c.describe("sink"))
        .isEqualTo("sink settings:\n  cab.clickhouse.password = ******\n  sink.a.ms = 5");
  }
}
