package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.runner.sim.InjectedOutcome;
import dev.cab.runner.sim.Regression;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import dev.cab.testing.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated sweep through the whole pipeline (runner SDK over OTLP, collector, the real Kafka
 * broker, Kafka Streams, sink, the real ClickHouse engine): what lands in ClickHouse must match
 * what the simulator injected, cell by cell.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimulatedSweepIT {
  private static final Duration LANDING = Duration.ofSeconds(120);
  private static final SimulationOptions SWEEP =
      SimulationOptions.builder()
          .sweepId("it-outcomes")
          .seed(11)
          .tuis(List.of("aider", "openhands"))
          .models(List.of("meta/llama-3.3-70b-instruct", "openai/gpt-oss-120b"))
          .taskCount(15)
          // many infra failures of every kind the simulator knows, and every delivery fault
          .infraFailureProbability(0.25)
          .lateEventProbability(0.1)
          .duplicateEventProbability(0.1)
          .outOfOrderProbability(0.1)
          .regression(Regression.latencyJumpForTui("aider", 3.0))
          .sweepStart(Instant.parse("2026-11-20T08:00:00Z"))
          .baseline("it-baseline")
          .rate(0)
          .build();

  @TempDir static Path dataDir;
  static LocalStack stack;
  static Connection jdbc;
  static SimulationReport report;

  @BeforeAll
  static void startPipelineAndRunTheSweep() throws Exception {
    stack = TestStacks.start(dataDir);
    jdbc = TestStacks.jdbc(stack);
    report = TestStacks.simulate(stack, SWEEP);
  }

  @AfterAll
  static void stopPipeline() throws SQLException {
    TestStacks.stop(stack, jdbc);
  }

  @Test
  @Order(1)
  void everyCellsOutcomeIsWhatTheSimulatorInjected() throws Exception {
    // given what the simulator injected into each cell
    List<InjectedOutcome> injected = SweepSimulator.injectedOutcomes(SWEEP);
    assertThat(injected).hasSize(60);
    assertThat(injected).extracting(InjectedOutcome::outcome).contains("infra_error", "passed");
    assertThat(injected)
        .extracting(InjectedOutcome::infraCause)
        .as("several kinds of infra failure")
        .contains("oom_killed", "container_crash");

    // when every cell has landed complete
    Await.until(
        "every cell of it-outcomes complete in ClickHouse",
        LANDING,
        () ->
            count(
                    "SELECT count() FROM cells_latest WHERE sweep_id = 'it-outcomes'"
                        + " AND status = 'complete'")
                == injected.size());

    // then each cell's outcome is the injected one
    Map<String, String> landed = new HashMap<>();
    Map<String, String> reasons = new HashMap<>();
    try (PreparedStatement st =
            jdbc.prepareStatement(
                "SELECT cell_id, outcome, outcome_reason FROM cells_latest WHERE sweep_id = ?");
        ResultSet rs = bind(st, "it-outcomes").executeQuery()) {
      while (rs.next()) {
        landed.put(rs.getString(1), rs.getString(2));
        reasons.put(rs.getString(1), rs.getString(3));
      }
    }
    for (InjectedOutcome o : injected) {
      assertThat(landed.get(o.cellId()))
          .as("%s (injected %s, reason %s)", o.cellId(), o.infraCause(), reasons.get(o.cellId()))
          .isEqualTo(o.outcome());
    }
    assertThat(injected.stream().filter(o -> o.outcome().equals("infra_error")).count())
        .isEqualTo(report.infraFailures());
  }

  @Test
  @Order(2)
  void theDeclaredSweepPlanLandsInClickHouse() throws Exception {
    // given the plan the simulator declared before its cells (cab.sweep.plan over OTLP)
    Await.until(
        "the plan of it-outcomes in ClickHouse",
        LANDING,
        () -> count("SELECT count() FROM sweep_plans WHERE sweep_id = 'it-outcomes'") > 0);

    // then sweep_plans holds its matrix, baseline and size
    try (PreparedStatement st =
            jdbc.prepareStatement(
                "SELECT tuis, models, length(tasks), baseline_sweep_id, planned_cells"
                    + " FROM sweep_plans FINAL WHERE sweep_id = ?");
        ResultSet rs = bind(st, "it-outcomes").executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat((String[]) rs.getArray(1).getArray()).containsExactly("aider", "openhands");
      assertThat((String[]) rs.getArray(2).getArray())
          .containsExactly("meta/llama-3.3-70b-instruct", "openai/gpt-oss-120b");
      assertThat(rs.getInt(3)).isEqualTo(15);
      assertThat(rs.getString(4)).isEqualTo("it-baseline");
      assertThat(rs.getLong(5)).isEqualTo(60);
      assertThat(rs.next()).isFalse();
    }
  }

  private static PreparedStatement bind(PreparedStatement st, String... values)
      throws SQLException {
    for (int i = 0; i < values.length; i++) {
      st.setString(i + 1, values[i]);
    }
    return st;
  }

  private static long count(String sql) {
    return TestStacks.count(jdbc, sql);
  }
}
