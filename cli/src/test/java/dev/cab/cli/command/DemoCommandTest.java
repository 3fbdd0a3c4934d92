package dev.cab.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.Cab;
import dev.cab.cli.command.DemoCommand.Pair;
import dev.cab.runner.sim.Regression;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
  private static final Pair AIDER_QWEN = new Pair("aider", "qwen");
  private static final Pair PI_LLAMA = new Pair("pi", "llama");
  private static final Pair PI_QWEN = new Pair("pi", "qwen");

  @Test
  void thePairToDropIsTheFirstCandidatePassingEnoughOfItsBaselineCells() {
    Map<Pair, Double> rates = Map.of(AIDER_QWEN, 0.13, PI_LLAMA, 0.6, PI_QWEN, 0.9);

    assertThat(DemoCommand.firstPassing(rates, List.of(AIDER_QWEN, PI_LLAMA, PI_QWEN), 0.6))
        .isEqualTo(PI_LLAMA);
  }

  @Test
  void withoutACandidatePassingEnoughTheOnePassedMostOftenIsChosen() {
    // PI_QWEN has no decided baseline cell at all
    Map<Pair, Double> rates = Map.of(AIDER_QWEN, 0.13, PI_LLAMA, 0.4);

    assertThat(DemoCommand.firstPassing(rates, List.of(AIDER_QWEN, PI_QWEN, PI_LLAMA), 0.6))
        .isEqualTo(PI_LLAMA);
    assertThat(DemoCommand.firstPassing(Map.<Pair, Double>of(), List.of(PI_QWEN, PI_LLAMA), 0.6))
        .isEqualTo(PI_QWEN);
  }

  @Test
  void anInjectedRegressionIsAnsweredByItsOwnRuleAndLabelsOnly() {
    Regression drop = new Regression.PassRateDrop("aider", "qwen", 0.5);
    Regression task = new Regression.TaskFailsEverywhere("t1");
    Regression slowModel =
        new Regression.LatencyJump(Regression.LatencyJump.Target.MODEL, "qwen", 2.5);
    Regression slowTui = new Regression.LatencyJump(Regression.LatencyJump.Target.TUI, "pi", 2.5);

    assertThat(DemoCommand.answers(drop, "pass_rate_drop", "aider", "qwen", "")).isTrue();
    assertThat(DemoCommand.answers(drop, "pass_rate_drop", "pi", "qwen", "")).isFalse();
    assertThat(DemoCommand.answers(drop, "task_failing", "", "", "t1")).isFalse();
    assertThat(DemoCommand.answers(task, "task_failing", "", "", "t1")).isTrue();
    assertThat(DemoCommand.answers(task, "task_failing", "", "", "t2")).isFalse();
    assertThat(DemoCommand.answers(slowModel, "latency_rise_model", "", "qwen", "")).isTrue();
    assertThat(DemoCommand.answers(slowModel, "latency_rise_pair", "pi", "qwen", "")).isTrue();
    assertThat(DemoCommand.answers(slowModel, "latency_rise_model", "", "llama", "")).isFalse();
    assertThat(DemoCommand.answers(slowTui, "latency_rise_pair", "pi", "llama", "")).isTrue();
    assertThat(DemoCommand.answers(slowTui, "latency_rise_model", "", "llama", "")).isFalse();
  }

  @Test
  void helpOffersTheSeedThatReproducesARun() {
    StringWriter out = new StringWriter();

    int code =
        Cab.execute(
            new PrintWriter(out, true), new PrintWriter(new StringWriter()), "demo", "--help");

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("--seed=N")
        .contains("Seed of the simulated world")
        .contains("--seed N replays one,");
  }

  @Test
  void theRerunCommandNamesWhatDecidesTheRun() {
    DemoCommand demo = new DemoCommand();
    demo.tasks = 12;
    demo.baselineSweeps = 2;

    assertThat(demo.rerunCommand(1796389251L))
        .isEqualTo("./cab demo --seed 1796389251 --tasks 12 --baseline-sweeps 2");
  }
}
