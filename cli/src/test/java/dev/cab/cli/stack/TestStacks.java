package dev.cab.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The local stack as the integration tests start it: every port free (Kafka, ClickHouse, OTLP,
 * dashboards and the management port, so a {@code ./cab demo} on the defaults cannot fail a test),
 * and the sink flushing small batches every 100 ms, since freshness is not what these tests are
 * about; and what the end-to-end tests do with it: send a simulated sweep, read counts over JDBC,
 * stop it.
 */
public final class TestStacks {
  private TestStacks() {}

  /** Starts a stack under {@code dataDir}, its progress on standard error. */
  public static LocalStack start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** As {@link #start(Path)}, with settings of the test's own on top of the test defaults. */
  public static LocalStack start(Path dataDir, Map<String, String> settings) {
    return start(dataDir, settings, System.err::println);
  }

  /** As {@link #start(Path, Map)}, handing every progress line to {@code progress}. */
  public static LocalStack start(
      Path dataDir, Map<String, String> settings, Consumer<String> progress) {
    Map<String, String> merged = new HashMap<>();
    merged.put("sink.batch.max.ms", "100");
    merged.put("cab.management.port", "0");
    merged.putAll(settings);
    return LocalStack.start(
        new LocalStack.Options(dataDir, 0, 0, 0, 0, 0, "cab", merged), progress);
  }

  /**
   * A stack as {@code ./cab demo} runs it (the sink's own batching, no test shortcut), with
   * ClickHouse on a fixed free port: stopped and started again, it comes back where the stages and
   * the dashboards look for it. Other ports free, as in {@link #start(Path)}.
   */
  public static LocalStack demo(Path dataDir) {
    return LocalStack.start(
        new LocalStack.Options(
            dataDir, 0, freePort(), 0, 0, 0, "cab", Map.of("cab.management.port", "0")),
        System.err::println);
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code sweep} from the runner's simulator through the runner SDK (OTLP/HTTP) to the
   * stack's collector; returns the simulator's report once every span and scorer event was
   * acknowledged, which it asserts.
   */
  public static SimulationReport simulate(LocalStack stack, SimulationOptions sweep)
      throws InterruptedException {
    try (CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder().endpoint(stack.otlpHttpEndpoint()).build())) {
      SimulationReport report = new SweepSimulator(telemetry).run(sweep, ProgressListener.NONE);
      assertThat(report.flush().allExported()).as("flush: %s", report.flush()).isTrue();
      return report;
    }
  }

  /** A JDBC connection to the stack's {@code cab} database as ClickHouse's default user. */
  public static Connection jdbc(LocalStack stack) throws SQLException {
    return jdbc(stack.clickhouseUrl());
  }

  /** As {@link #jdbc(LocalStack)}, for the ClickHouse at {@code clickhouseUrl} (HTTP). */
  public static Connection jdbc(String clickhouseUrl) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "default");
    p.setProperty("password", "");
    return DriverManager.getConnection("jdbc:clickhouse:" + clickhouseUrl + "/cab", p);
  }

  /**
   * The number {@code sql} selects, e.g. a {@code count()}; a query that fails throws, naming it
   * (so a test polling on it fails at once rather than at its deadline).
   */
  public static long count(Connection jdbc, String sql) {
    try (PreparedStatement st = jdbc.prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /**
   * Closes a test's connection, then its stack: what an {@code @AfterAll} does; either is null when
   * the {@code @BeforeAll} failed before it.
   */
  public static void stop(LocalStack stack, Connection jdbc) throws SQLException {
    if (jdbc != null) {
      jdbc.close();
    }
    if (stack != null) {
      stack.close();
    }
  }
}
