package dev.cab.dashboards.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardsSettingsTest {
  @Test
  void defaultsAndTheSharedUserAsFallback() {
    DashboardsSettings s =
        DashboardsSettings.from(
            Map.of(),
            Map.of(
                "CAB_CLICKHOUSE_URL", "http://ch:8123",
                "CAB_CLICKHOUSE_USER", "writer",
                "CAB_CLICKHOUSE_PASSWORD", "w"));
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.clickhouseUser()).isEqualTo("writer");
    assertThat(s.database()).isEqualTo("cab");
  }

  @Test
  void ownReadOnlyUserWinsAndThePasswordIsNeverPrinted() {
    ConfigValues values =
        ConfigValues.of(
            Map.of(),
            Map.of(
                "CAB_CLICKHOUSE_URL", "http://ch:8123",
                "DASHBOARDS_CLICKHOUSE_USER", "cab_reader",
                "DASHBOARDS_CLICKHOUSE_PASSWORD", "s3cret",
                "DASHBOARDS_PUBLIC_BASE_URL", "https://codingagentbench.com/"));
    DashboardsSettings s = DashboardsSettings.from(values);
    assertThat(s.clickhouseUser()).isEqualTo("cab_reader");
    assertThat(s.publicBaseUrl()).isEqualTo("https://codingagentbench.com");
    assertThat(s.toString()).doesNotContain("s3cret");
    assertThat(values.describe(DashboardsSettings.STAGE)).doesNotContain("s3cret");
  }

  @Test
  void everyProblemAtOnce() {
    assertThatThrownBy(
            () ->
                DashboardsSettings.from(
                    Map.of(),
                    Map.of(
                        "DASHBOARDS_HTTP_PORT", "99999",
                        "DASHBOARDS_PUBLIC_BASE_URL", "ftp://x",
                        "CAB_CLICKHOUSE_DATABASE", "cab; DROP")))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(4)
                    .anySatisfy(p -> assertThat(p).contains("cab.clickhouse.url"))
                    .anySatisfy(p -> assertThat(p).contains("dashboards.http.port"))
                    .anySatisfy(p -> assertThat(p).contains("dashboards.public.base.url"))
                    .anySatisfy(p -> assertThat(p).contains("cab.clickhouse.database")));
  }

  @Test
  void thePushReadsThePipelinesKafkaUnlessToldOtherwiseAndNoKafkaMeansClickHouseOnly() {
    DashboardsSettings alone =
        DashboardsSettings.from(Map.of(), Map.of("CAB_CLICKHOUSE_URL", "http://ch:8123"));
    DashboardsSettings shared =
        DashboardsSettings.from(
            Map.of(),
            Map.of("CAB_CLICKHOUSE_URL", "http://ch:8123", "CAB_KAFKA_BOOTSTRAP", "k1:9092"));
    DashboardsSettings own =
        DashboardsSettings.from(
            Map.of(),
            Map.of(
                "CAB_CLICKHOUSE_URL", "http://ch:8123",
                "CAB_KAFKA_BOOTSTRAP", "k1:9092",
                "DASHBOARDS_KAFKA_BOOTSTRAP", "k2:9092",
                "DASHBOARDS_TOPIC_CELLS", "other.cells",
                "DASHBOARDS_TOPIC_SWEEP_PLANS", "other.plans"));
    DashboardsSettings off =
        DashboardsSettings.from(
            Map.of(DashboardsSettings.PUSH_KAFKA, "false"),
            Map.of("CAB_CLICKHOUSE_URL", "http://ch:8123", "CAB_KAFKA_BOOTSTRAP", "k1:9092"));

    assertThat(alone.kafkaPush()).isFalse();
    assertThat(shared.kafkaBootstrap()).isEqualTo("k1:9092");
    assertThat(shared.cellsTopic()).isEqualTo("cab.cells.v1");
    assertThat(shared.sweepPlansTopic()).isEqualTo("cab.sweep-plans.v1");
    assertThat(own.kafkaBootstrap()).isEqualTo("k2:9092");
    assertThat(own.cellsTopic()).isEqualTo("other.cells");
    assertThat(own.sweepPlansTopic()).isEqualTo("other.plans");
    assertThat(off.kafkaPush()).isFalse();
  }
}
