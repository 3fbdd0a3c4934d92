package dev.cab.alerts.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.wire.AlertRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertPayloadsTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

  private static AlertRecord alert(String state, Instant endsAt) {
    return new AlertRecord(
        1,
        "00112233445566778899aabbccddeeff",
        "pass_rate_drop",
        state,
        "firing".equals(state) ? "pending" : "firing",
        "s2",
        "s1",
        "aider",
        "m",
        "",
        "pass rate dropped",
        new AlertRecord.Evidence(
            "mcnemar_exact",
            Map.of("pairs", 50L),
            -0.3,
            -0.4,
            -0.2,
            "rate_difference",
            1e-4,
            2e-4,
            1e-3,
            0.05,
            1,
            List.of("c1")),
        T0,
        endsAt,
        T0,
        2);
  }

  @Test
  void alertmanagerAlertHoldsWhileFiringAndEndsWhenResolved() {
    Map<String, Object> firing =
        AlertPayloads.alertmanagerAlert(alert("firing", null), T0, Duration.ofMinutes(4));
    Map<String, Object> resolved =
        AlertPayloads.alertmanagerAlert(
            alert("resolved", T0.plusSeconds(60)), T0.plusSeconds(90), Duration.ofMinutes(4));

    assertThat(firing.get("endsAt")).isEqualTo("2026-12-03T12:04:00Z");
    assertThat(resolved.get("endsAt")).isEqualTo("2026-12-03T12:01:00Z");
    @SuppressWarnings("unchecked")
    Map<String, String> labels = (Map<String, String>) firing.get("labels");
    assertThat(labels)
        .containsEntry("alertname", "cab_pass_rate_drop")
        .containsEntry("sweep", "s2")
        .containsEntry("baseline", "s1")
        .containsEntry("tui", "aider")
        .doesNotContainKey("task");
  }

  @Test
  void webhookPayloadIsVersionFourWithTheAlertInside() {
    Map<String, Object> w = AlertPayloads.webhook(alert("resolved", T0.plusSeconds(60)), "r");

    assertThat(w)
        .containsEntry("version", "4")
        .containsEntry("status", "resolved")
        .containsEntry("receiver", "r")
        .containsKeys("groupKey", "groupLabels", "commonLabels", "commonAnnotations", "alerts");
    @SuppressWarnings("unchecked")
    Map<String, Object> a = ((List<Map<String, Object>>) w.get("alerts")).getFirst();
    assertThat(a)
        .containsEntry("status", "resolved")
        .containsEntry("fingerprint", "00112233445566778899aabbccddeeff")
        .containsEntry("endsAt", "2026-12-03T12:01:00Z");
  }
}
