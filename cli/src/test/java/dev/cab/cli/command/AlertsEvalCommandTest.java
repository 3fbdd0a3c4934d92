package dev.cab.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.Cab;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class AlertsEvalCommandTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cab.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
  }

  @Test
  void scenariosAreNamedInAnyCaseAndRefusedBesideTheDropPowerRun() {
    // Parsed (in any case) before the command refuses the combination, which it names.
    int code = run("alerts-eval", "--scenario", "pass_drop_030, CLEAN", "--drop-power");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "cab alerts-eval: --drop-power runs the 0.3 drop alone; drop --scenario"
                + System.lineSeparator());
  }

  @Test
  void anUnknownScenarioIsRefusedWithTheNamesThatExist() {
    int code = run("alerts-eval", "--scenario", "pass_drop_03");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("cab alerts-eval: ")
        .contains("'pass_drop_03'", "--scenario", "PASS_DROP_030", "INFRA_SPIKE")
        .contains("(see ./cab alerts-eval --help)");
  }

  @Test
  void anUnknownWorldIsRefusedWithTheWorldsThatExist() {
    int code = run("alerts-eval", "--world", "flat");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--world", "SIMULATOR", "WIDE", "'flat'");
  }
}
