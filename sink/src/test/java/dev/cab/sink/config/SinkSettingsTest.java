package dev.cab.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.config.InvalidConfigException;
import dev.cab.sink.clickhouse.ModelPrices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkSettingsTest {
  private static final Map<String, String> ENV =
      Map.of(
          "CAB_KAFKA_BOOTSTRAP", "localhost:9092",
          "CAB_CLICKHOUSE_URL", "http://localhost:8123",
          "CAB_CLICKHOUSE_PASSWORD", "s3cret");

  @Test
  void readsTheEnvironmentWithDefaults() {
    SinkSettings s = SinkSettings.from(Map.of(), ENV);
    assertThat(s.kafkaBootstrap()).isEqualTo("localhost:9092");
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:clickhouse:http://localhost:8123");
    assertThat(s.clickhouseUser()).isEqualTo("default");
    assertThat(s.database()).isEqualTo("cab");
    assertThat(s.groupId()).isEqualTo("cab-sink");
    assertThat(s.batchMaxRows()).isEqualTo(20_000);
    assertThat(s.batchMaxTime()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.batchMaxTimeBehind()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.maxPollRecords()).isEqualTo(5_000);
  }

  @Test
  void aCatchUpTimeBelowTheBatchTimeChangesNothing() {
    SinkSettings s =
        SinkSettings.from(
            Map.of(
                "sink.batch.max.ms", "500",
                "sink.batch.catch.up.max.ms", "0",
                "sink.batch.max.rows", "300"),
            ENV);
    assertThat(s.batchMaxTimeBehind()).isEqualTo(Duration.ofMillis(500));
    // a poll never returns more than a batch
    assertThat(s.maxPollRecords()).isEqualTo(300);
  }

  @Test
  void explicitPropertiesWinOverTheEnvironment() {
    SinkSettings s =
        SinkSettings.from(
            Map.of("cab.clickhouse.database", "cab_test_1", "sink.batch.max.rows", "50"), ENV);
    assertThat(s.database()).isEqualTo("cab_test_1");
    assertThat(s.batchMaxRows()).isEqualTo(50);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                SinkSettings.from(
                    Map.of(
                        "sink.batch.max.rows", "0",
                        "sink.batch.max.ms", "soon",
                        "cab.clickhouse.database", "cab; DROP"),
                    Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigException) e).problems())
                    .hasSize(5)
                    .anySatisfy(p -> assertThat(p).contains("CAB_KAFKA_BOOTSTRAP"))
                    .anySatisfy(p -> assertThat(p).contains("CAB_CLICKHOUSE_URL"))
                    .anySatisfy(p -> assertThat(p).contains("sink.batch.max.rows"))
                    .anySatisfy(p -> assertThat(p).contains("sink.batch.max.ms"))
                    .anySatisfy(p -> assertThat(p).contains("cab.clickhouse.database")));
  }

  @Test
  void loadsTheBundledPricesOrTheNamedFileAndNamesABadOne(@TempDir Path dir) throws Exception {
    assertThat(SinkSettings.from(Map.of(), ENV).prices().version())
        .isEqualTo("cab-prices-2026-12-01");

    Path good = dir.resolve("prices.tsv");
    Files.writeString(good, "version\tmine-1\nm1\t1\t2\t0.1\t1.25\n");
    assertThat(SinkSettings.from(Map.of("sink.prices.file", good.toString()), ENV).prices())
        .isEqualTo(
            new ModelPrices("mine-1", List.of(new ModelPrices.Price("m1", 1, 2, 0.1, 1.25))));

    Path bad = dir.resolve("bad.tsv");
    Files.writeString(bad, "version\tmine-2\nm1\t1\tlots\t0.1\t1.25\n");
    assertThatThrownBy(() -> SinkSettings.from(Map.of("sink.prices.file", bad.toString()), ENV))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "sink.prices.file (env SINK_PRICES_FILE) "
                + bad
                + " line 2: output must be a non-negative number");
    assertThatThrownBy(
            () ->
                SinkSettings.from(
                    Map.of("sink.prices.file", dir.resolve("missing.tsv").toString()), ENV))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("cannot read price file");
  }

  @Test
  void theSessionTimeoutIsKafkasUnlessSetAndMustBeWithinTheBrokersBounds() {
    assertThat(SinkSettings.from(Map.of(), ENV).sessionTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(SinkSettings.from(Map.of("sink.session.timeout.ms", "PT8S"), ENV).sessionTimeout())
        .isEqualTo(Duration.ofSeconds(8));
    assertThatThrownBy(() -> SinkSettings.from(Map.of("sink.session.timeout.ms", "5999"), ENV))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("sink.session.timeout.ms")
        .hasMessageContaining("between 6000 and 1800000");
  }

  @Test
  void rejectsNonHttpUrls() {
    assertThatThrownBy(
            () -> SinkSettings.from(Map.of("cab.clickhouse.url", "tcp://host:9000"), ENV))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("http:// or https://");
  }

  @Test
  void neverShowsThePassword() {
    SinkSettings.Effective e =
        SinkSettings.fromWithEffective(
            Map.of("cab.clickhouse.url", "http://user:pw@host:8123/?password=x"), ENV);
    assertThat(e.effective()).containsEntry("cab.clickhouse.password", "******");
    assertThat(e.settings().toString()).doesNotContain("s3cret").doesNotContain("pw@");
    assertThat(e.settings().clickhouseUrlForLog()).isEqualTo("http://host:8123/?...");
  }

  @Test
  void readsTheClickHouseClusterAndRefusesANameThatIsNoIdentifier() {
    assertThat(SinkSettings.from(Map.of(), ENV).clickhouseCluster()).isEmpty();
    assertThat(
            SinkSettings.from(Map.of("sink.clickhouse.cluster", "cab_cluster"), ENV)
                .clickhouseCluster())
        .isEqualTo("cab_cluster");
    assertThatThrownBy(() -> SinkSettings.from(Map.of("sink.clickhouse.cluster", "a b"), ENV))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("sink.clickhouse.cluster")
        .hasMessageContaining("must be an identifier");
  }

  @Test
  void theMigrationsRunAsTheWritingUserUnlessAnAdministratorIsSet() {
    SinkSettings same = SinkSettings.from(Map.of(), ENV);
    assertThat(same.migrationsUser()).isEqualTo("default");
    assertThat(same.migrationsPassword()).isEqualTo("s3cret");
    assertThat(same.separateMigrationsUser()).isFalse();

    SinkSettings.Effective admin =
        SinkSettings.fromWithEffective(
            Map.of("cab.clickhouse.user", "cab_writer"),
            new java.util.HashMap<>(
                Map.of(
                    "CAB_KAFKA_BOOTSTRAP", "localhost:9092",
                    "CAB_CLICKHOUSE_URL", "http://localhost:8123",
                    "CAB_CLICKHOUSE_PASSWORD", "writer-pw",
                    "SINK_MIGRATIONS_USER", "cab_admin",
                    "SINK_MIGRATIONS_PASSWORD", "admin-pw")));
    assertThat(admin.settings().clickhouseUser()).isEqualTo("cab_writer");
    assertThat(admin.settings().migrationsUser()).isEqualTo("cab_admin");
    assertThat(admin.settings().migrationsPassword()).isEqualTo("admin-pw");
    assertThat(admin.settings().separateMigrationsUser()).isTrue();
    assertThat(admin.effective()).containsEntry("sink.migrations.user", "cab_admin");
    assertThat(admin.effective().toString()).doesNotContain("admin-pw").doesNotContain("writer-pw");
    assertThat(admin.settings().toString()).doesNotContain("admin-pw").doesNotContain("writer-pw");

    // another user without a password of its own gets the empty one, not the writer's
    SinkSettings other = SinkSettings.from(Map.of("sink.migrations.user", "cab_admin"), ENV);
    assertThat(other.migrationsPassword()).isEmpty();
  }
}
