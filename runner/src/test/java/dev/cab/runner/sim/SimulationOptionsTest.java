package dev.cab.runner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SimulationOptionsTest {

  @Test
  void defaultsDescribeAFourByFourSweepOfTwelveTasks() {
    SimulationOptions options = SimulationOptions.defaults();

    assertThat(options.sweepId()).isEqualTo("sim-42");
    assertThat(options.tuis()).containsExactly("openhands", "aider", "pi", "opencode");
    assertThat(options.models()).hasSize(4);
    assertThat(options.tasks()).hasSize(12);
    assertThat(options.cellCount()).isEqualTo(192);
    assertThat(options.rate()).isZero();
    assertThat(options.concurrency()).isEqualTo(2);
    assertThat(options.regressions()).isEmpty();
    assertThat(options.sweepStart()).isNull();
    assertThat(options.flushTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void generatedTasksAreDistinctAndSpreadOverTheCategories() {
    List<String> tasks =
        SimulationOptions.generatedTasks(300, SimulationOptions.DEFAULT_CATEGORIES);

    assertThat(new HashSet<>(tasks)).hasSize(300);
    assertThat(tasks).first().isEqualTo("mutations/rust-error-negated");
    assertThat(tasks.stream().map(t -> t.substring(0, t.indexOf('/'))).distinct())
        .containsExactlyElementsOf(SimulationOptions.DEFAULT_CATEGORIES);
  }

  @Test
  void rejectsNonsenseNamingTheOption() {
    assertRejected(b -> b.concurrency(0), "concurrency");
    assertRejected(b -> b.concurrency(1000), "concurrency");
    assertRejected(b -> b.rate(-1), "rate");
    assertRejected(b -> b.rate(Double.NaN), "rate");
    assertRejected(b -> b.lateEventProbability(1.5), "lateEventProbability");
    assertRejected(b -> b.infraFailureProbability(-0.1), "infraFailureProbability");
    assertRejected(b -> b.duplicateEventProbability(Double.NaN), "duplicateEventProbability");
    assertRejected(b -> b.outOfOrderProbability(2), "outOfOrderProbability");
    assertRejected(b -> b.tuis(List.of()), "tuis");
    assertRejected(b -> b.tuis(List.of("aider", "aider")), "tuis");
    assertRejected(b -> b.tuis(List.of("a/b")), "tuis");
    assertRejected(b -> b.models(List.of(" ")), "models");
    assertRejected(b -> b.tasks(List.of("no-category")), "tasks");
    assertRejected(b -> b.sweepId("a/b"), "sweepId");
    assertRejected(b -> b.regressionOnset(1), "regressionOnset");
    assertRejected(b -> b.flushTimeout(Duration.ZERO), "flushTimeout");
    assertRejected(
        b -> b.regression(Regression.passRateDrop("nobody", "openai/gpt-oss-120b", 0.2)),
        "regressions");
    assertRejected(
        b -> b.regression(Regression.taskFailsEverywhere("mutations/unknown")), "regressions");
    assertRejected(b -> b.regression(Regression.latencyJumpForModel("nope", 2)), "regressions");
    assertThatThrownBy(() -> Regression.passRateDrop("aider", "m", 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("regressions");
    assertThatThrownBy(() -> Regression.latencyJumpForTui("aider", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("regressions");
    assertThatThrownBy(() -> SimulationOptions.builder().taskCount(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tasks");
  }

  @Test
  void toBuilderKeepsEveryOption() {
    SimulationOptions options =
        SimulationOptions.builder()
            .seed(9)
            .taskCount(3)
            .rate(5)
            .regression(Regression.latencyJumpForTui("pi", 3))
            .replaySeeds(true)
            .build();

    assertThat(options.toBuilder().build()).isEqualTo(options);
  }

  private static void assertRejected(
      UnaryOperator<SimulationOptions.Builder> change, String option) {
    assertThatThrownBy(() -> change.apply(SimulationOptions.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(option);
  }
}
