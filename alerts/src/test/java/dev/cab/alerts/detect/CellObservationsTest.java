package dev.cab.alerts.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CellObservationsTest {

  private static CellRecord cell(
      String task, Integer exit, CellStatus status, Map<String, Double> scores) {
    return cell(task, exit, status, scores, null, null);
  }

  /** A cell with the outcome the pipeline decided (null: none, as from before schema 2). */
  private static CellRecord cell(
      String task,
      Integer exit,
      CellStatus status,
      Map<String, Double> scores,
      CellOutcome outcome,
      String outcomeReason) {
    return new CellRecord(
        CellRecord.SCHEMA_VERSION,
        "s/aider/m/" + task,
        "s",
        "aider",
        "m",
        task,
        "cat",
        null,
        null,
        null,
        exit,
        Instant.parse("2026-12-03T10:00:00Z"),
        Instant.parse("2026-12-03T10:01:00Z"),
        60_000.0,
        Map.of(),
        scores,
        null,
        null,
        null,
        status,
        List.of(),
        outcome,
        outcomeReason,
        1,
        Instant.EPOCH);
  }

  @Test
  void readsOutcomeAndLatency() throws Exception {
    Observation o =
        CellObservations.of(
            cell("t", 0, CellStatus.COMPLETE, Map.of("pass_rate", 1.0, "latency", 42_000.0)));

    assertThat(o.outcome()).isEqualTo(Outcome.PASSED);
    assertThat(o.latencyMs()).isEqualTo(42_000.0);
    assertThat(o.key()).isEqualTo(Observation.key("aider", "m", "t"));
  }

  @Test
  void killedContainersAreInfraErrorsAndMissingPassRateIsPending() throws Exception {
    assertThat(
            CellObservations.of(cell("t", 137, CellStatus.COMPLETE, Map.of("pass_rate", 0.0)))
                .outcome())
        .isEqualTo(Outcome.INFRA_ERROR);
    assertThat(
            CellObservations.of(cell("t", 1, CellStatus.INCOMPLETE, Map.of("latency", 1.0)))
                .outcome())
        .isEqualTo(Outcome.PENDING);
  }

  @Test
  void thePipelinesOwnOutcomeWinsOverTheFallbackRules() throws Exception {
    // exit 1 with pass_rate 0 looks like a failure to the fallback; streams said infra_error
    CellRecord crashed =
        cell(
            "t",
            1,
            CellStatus.COMPLETE,
            Map.of("pass_rate", 0.0),
            CellOutcome.INFRA_ERROR,
            "error status on span container");

    assertThat(CellObservations.of(crashed).outcome()).isEqualTo(Outcome.INFRA_ERROR);
  }

  @Test
  void aCellWithoutTaskIsUnusableWithAReason() {
    assertThatThrownBy(() -> CellObservations.of(cell("", 0, CellStatus.COMPLETE, Map.of())))
        .isInstanceOf(CellObservations.Unusable.class)
        .hasMessageContaining("has no task")
        .hasMessageContaining("left out of detection");
  }
}
