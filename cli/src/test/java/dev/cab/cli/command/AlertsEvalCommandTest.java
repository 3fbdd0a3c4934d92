package dev.cab.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.alerts.eval.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertsEvalCommandTest {

  @Test
  void runsTheScenariosNamedInAnyCase() {
    assertThat(AlertsEvalCommand.scenarios(List.of("pass_drop_030", " CLEAN")))
        .containsExactly(Scenario.CLEAN, Scenario.PASS_DROP_030);
  }

  @Test
  void runsEveryScenarioWhenNoneIsNamed() {
    assertThat(AlertsEvalCommand.scenarios(List.of())).containsExactly(Scenario.values());
  }

  @Test
  void anUnknownScenarioIsRefusedWithTheNamesThatExist() {
    assertThatThrownBy(() -> AlertsEvalCommand.scenarios(List.of("pass_drop_03")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no scenario 'pass_drop_03'; one of clean, pass_drop_015,")
        .hasMessageEndingWith("latency_x15, infra_spike");
  }
}
