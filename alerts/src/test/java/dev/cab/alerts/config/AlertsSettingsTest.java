package dev.cab.alerts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.config.InvalidConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsSettingsTest {

  @Test
  void environmentOverridesDefaults() {
    AlertsSettings s =
        AlertsSettings.from(
            Map.of(),
            Map.of(
                "CAB_KAFKA_BOOTSTRAP", "k:9092",
                "ALERTS_ALERTMANAGER_URL", "http://127.0.0.1:9093",
                "ALERTS_BASELINES", "s2=s1, s5=s1+s3 + s4",
                "ALERTS_BASELINE_SWEEPS", "3"));

    assertThat(s.alertmanagerUrl()).isEqualTo("http://127.0.0.1:9093");
    assertThat(s.baselines())
        .containsEntry("s2", List.of("s1"))
        .containsEntry("s5", List.of("s1", "s3", "s4"));
    assertThat(s.baselineSweeps()).isEqualTo(3);
    assertThat(s.fdr()).isEqualTo(0.05);
    assertThat(s.looks()).containsExactly(0.25, 0.5, 0.75, 1.0);
  }

  @Test
  void pooledBaselineDefaultsToTwelveSweepsAndSpendingToTheSixthPower() {
    AlertsSettings s = AlertsSettings.from(Map.of("cab.kafka.bootstrap", "k:9092"), Map.of());

    assertThat(s.baselineSweeps()).isEqualTo(AlertsSettings.DEFAULT_BASELINE_SWEEPS).isEqualTo(12);
    assertThat(s.spendingRho()).isEqualTo(6.0);
    assertThat(s.keptSweeps()).isEqualTo(AlertsSettings.DEFAULT_SWEEPS_KEPT).isEqualTo(50);
  }

  @Test
  void keepsMoreSweepsThanABaselinePools() {
    assertThatThrownBy(
            () ->
                AlertsSettings.from(
                    Map.of(
                        "cab.kafka.bootstrap",
                        "k:9092",
                        "alerts.baseline.sweeps",
                        "6",
                        "alerts.sweeps.kept",
                        "6"),
                    Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "alerts.sweeps.kept (env ALERTS_SWEEPS_KEPT) must be more than alerts.baseline.sweeps"
                + " (6), not 6");
  }

  @Test
  void aPooledBaselineListMustNameDistinctOtherSweeps() {
    for (String bad : List.of("s2=s1+", "s2=s1+s2", "s2=s1+s1", "s2=+s1")) {
      assertThatThrownBy(
              () ->
                  AlertsSettings.from(
                      Map.of("cab.kafka.bootstrap", "k:9092", "alerts.baselines", bad), Map.of()))
          .as(bad)
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("alerts.baselines")
          .hasMessageContaining("joined by +");
    }
    assertThatThrownBy(
            () ->
                AlertsSettings.from(
                    Map.of("cab.kafka.bootstrap", "k:9092", "alerts.baseline.sweeps", "0"),
                    Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("alerts.baseline.sweeps");
  }

  @Test
  void malformedReceiverUrlsAndOtherProblemsFailOnceWithEveryProblem() {
    assertThatThrownBy(
            () ->
                AlertsSettings.from(
                    Map.of(
                        "alerts.webhook.url", "hooks.example.com/cab",
                        "alerts.alertmanager.url", "http://bad host:9093",
                        "alerts.fdr", "2",
                        "alerts.baselines", "s2"),
                    Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(
            e -> {
              var problems = ((InvalidConfigException) e).problems();
              assertThat(problems)
                  .anyMatch(
                      p ->
                          p.startsWith(
                              "alerts.webhook.url (env ALERTS_WEBHOOK_URL) must be an"
                                  + " http:// or https:// URL"))
                  .anyMatch(p -> p.startsWith("alerts.alertmanager.url"))
                  .anyMatch(p -> p.startsWith("alerts.fdr"))
                  .anyMatch(p -> p.startsWith("alerts.baselines"))
                  .anyMatch(p -> p.startsWith("cab.kafka.bootstrap"));
            });
  }
}
