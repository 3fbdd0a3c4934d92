package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.runner.sim.Regression;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.testing.AlertmanagerProcess;
import dev.cab.testing.Await;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression alerts through the whole pipeline: a baseline and a regressed sweep from the runner's
 * simulator (OTLP -> collector -> the real Kafka broker -> Kafka Streams -> sink -> the real
 * ClickHouse, and cab.cells.v1 + cab.sweep-plans.v1 -> alerts) raise exactly the injected alerts,
 * which reach a real Prometheus Alertmanager and the ClickHouse {@code alerts} table, and resolve
 * in both when the regression is withdrawn (the regressed sweep re-run without it).
 */
class RegressionAlertsEndToEndIT {
  private static final Duration LANDING = Duration.ofSeconds(180);
  private static final long SEED = 8;
  private static final String TUI = "aider";
  private static final String SLOW_MODEL = "openai/gpt-oss-120b";
  private static final String DROPPED_MODEL = "meta/llama-3.3-70b-instruct";
  private static final SimulationOptions BASELINE =
      SimulationOptions.builder()
          .sweepId("e2e-base")
          // the same seed for both sweeps: the same world (skills, difficulties), independent cells
          .seed(SEED)
          .tuis(List.of(TUI, "openhands"))
          .models(List.of(DROPPED_MODEL, SLOW_MODEL))
          .taskCount(40)
          .noFaults()
          .sweepStart(Instant.parse("2026-12-01T08:00:00Z"))
          .rate(0)
          .build();
  private static final SimulationOptions REGRESSED =
      BASELINE.toBuilder()
          .sweepId("e2e-regressed")
          .sweepStart(Instant.parse("2026-12-02T08:00:00Z"))
          // declared in the plan; the stage would find it anyway, as the only earlier sweep
          .baseline("e2e-base")
          .regression(new Regression.PassRateDrop(TUI, DROPPED_MODEL, 0.5))
          .regression(
              new Regression.LatencyJump(Regression.LatencyJump.Target.MODEL, SLOW_MODEL, 2.5))
          .build();

  /** What the regressions must raise (rule:tui:model:task). */
  private static final Set<String> REQUIRED =
      Set.of(
          "pass_rate_drop:" + TUI + ":" + DROPPED_MODEL + ":",
          "latency_rise_model::" + SLOW_MODEL + ":");

  /**
   * What they may raise besides: the slow model's pairs are slower too, and more of their cells hit
   * the time limit (an infra error).
   */
  private static final Set<String> EXPLAINED =
      Set.of(
          "latency_rise_pair:" + TUI + ":" + SLOW_MODEL + ":",
          "latency_rise_pair:openhands:" + SLOW_MODEL + ":",
          "infra_rate_rise_pair:" + TUI + ":" + SLOW_MODEL + ":",
          "infra_rate_rise_pair:openhands:" + SLOW_MODEL + ":",
          "infra_rate_rise_sweep:::");

  @TempDir static Path dataDir;
  static AlertmanagerProcess alertmanager;
  static LocalStack stack;
  static Connection jdbc;

  @BeforeAll
  static void startAlertmanagerAndPipeline() throws Exception {
    int amPort;
    try (ServerSocket s = new ServerSocket(0)) {
      amPort = s.getLocalPort();
    }
    alertmanager =
        AlertmanagerProcess.start(amPort, Files.createDirectories(dataDir.resolve("am")));
    stack =
        TestStacks.start(
            dataDir.resolve("stack"),
            Map.of(
                "alerts.alertmanager.url",
                alertmanager.url(),
                "alerts.resend.interval.ms",
                "1000"));
    jdbc = TestStacks.jdbc(stack);
  }

  @AfterAll
  static void stopAll() throws SQLException {
    TestStacks.stop(stack, jdbc);
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  private static void simulate(SimulationOptions sweep) throws InterruptedException {
    TestStacks.simulate(stack, sweep);
  }

  @Test
  void regressedSweepRaisesExactlyTheInjectedAlertsInAlertmanagerAndClickHouseAndTheyResolve()
      throws Exception {
    // given a baseline sweep and the same grid with a pass-rate drop of one pair and a slower model
    simulate(BASELINE);
    awaitLanded("e2e-base");
    simulate(REGRESSED);
    awaitLanded("e2e-regressed");

    // then the alerts of the injected regressions fire, in ClickHouse and in Alertmanager
    Await.until(
        "the injected alerts firing in ClickHouse",
        LANDING,
        () -> firingInClickHouse().containsAll(REQUIRED));
    Set<String> firing = firingInClickHouse();
    Set<String> allowed = new TreeSet<>(REQUIRED);
    allowed.addAll(EXPLAINED);
    assertThat(allowed).as("no alert the regressions do not explain").containsAll(firing);
    assertThat(baselinesInClickHouse()).containsExactly("e2e-base");
    Await.until(
        "Alertmanager holding exactly the firing alerts",
        LANDING,
        () -> alertmanager.activeAlertKeys().equals(firingInClickHouse()));
    JsonNode drop =
        alertmanager.activeAlerts().stream()
            .filter(a -> a.path("labels").path("rule").asText().equals("pass_rate_drop"))
            .findFirst()
            .orElseThrow();
    assertThat(drop.path("labels").path("sweep").asText()).isEqualTo("e2e-regressed");
    assertThat(drop.path("labels").path("baseline").asText()).isEqualTo("e2e-base");

    // when the regression is withdrawn: the regressed sweep's cells re-run without it
    simulate(REGRESSED.toBuilder().regressions(List.of()).build());

    // then every alert resolves, in ClickHouse and in Alertmanager
    Await.until("no alert firing in ClickHouse", LANDING, () -> firingInClickHouse().isEmpty());
    assertThat(resolvedInClickHouse()).containsAll(REQUIRED);
    Await.until(
        "Alertmanager holding no active alert",
        LANDING,
        () -> alertmanager.activeAlerts().isEmpty());
  }

  private static void awaitLanded(String sweep) {
    long planned =
        (long) BASELINE.tuis().size() * BASELINE.models().size() * BASELINE.tasks().size();
    Await.until(
        "every cell of " + sweep + " complete in ClickHouse",
        LANDING,
        () ->
            count(
                    "SELECT count() FROM cells_latest WHERE sweep_id = '"
                        + sweep
                        + "' AND status != 'running'")
                == planned);
  }

  private static Set<String> firingInClickHouse() {
    return labels(
        "SELECT rule, tui, model, task FROM alerts_active WHERE sweep_id = 'e2e-regressed'");
  }

  private static Set<String> resolvedInClickHouse() {
    return labels(
        "SELECT rule, tui, model, task FROM alerts FINAL WHERE sweep_id = 'e2e-regressed'"
            + " AND state = 'resolved'");
  }

  private static Set<String> baselinesInClickHouse() {
    Set<String> out = new TreeSet<>();
    try (PreparedStatement st =
            jdbc.prepareStatement(
                "SELECT DISTINCT baseline_sweep_id FROM alerts FINAL"
                    + " WHERE sweep_id = 'e2e-regressed'");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static Set<String> labels(String sql) {
    Set<String> out = new TreeSet<>();
    try (PreparedStatement st = jdbc.prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.add(
            rs.getString(1)
                + ":"
                + rs.getString(2)
                + ":"
                + rs.getString(3)
                + ":"
                + rs.getString(4));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
    return out;
  }

  private static long count(String sql) {
    return TestStacks.count(jdbc, sql);
  }
}
