package dev.cab.cli;

import static dev.cab.cli.InProcessCab.cab;
import static dev.cab.cli.InProcessCab.onFreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.InProcessCab.Run;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when they get something wrong: one line saying what and what to do, exit code 2,
 * and no stack trace.
 */
class CabUserErrorsIT {

  static void assertOneClearLine(Run run, String expected) {
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .contains(expected)
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void simulateWithNonsenseArgumentsSaysWhichOne() {
    assertOneClearLine(cab("simulate", "--rate", "-5"), "rate");
    assertOneClearLine(cab("simulate", "--tasks", "many"), "--tasks");
    assertOneClearLine(cab("simulate", "--regress", "sideways"), "--regress 'sideways'");
  }

  @Test
  void simulateAgainstAnUnreachableCollectorSaysHowToStartOne() throws Exception {
    int closedPort = closedPort();

    Run run = cab("simulate", "--endpoint", "http://127.0.0.1:" + closedPort);

    assertOneClearLine(run, "cannot reach the collector at http://127.0.0.1:" + closedPort);
    assertThat(run.err()).contains("./cab up");
  }

  @Test
  void benchRefusesMoreInstancesThanPartitionsAndTwoRunsAtOnce() {
    assertOneClearLine(cab("bench", "--instances", "5"), "--instances must be 1 to 4");
    assertOneClearLine(
        cab("bench", "--instances", "2", "--restore-cells", "1000"),
        "--scale, --instances and --restore-cells are separate runs");
  }

  @Test
  void aPortAlreadyInUseIsNamedWithTheFlagToChangeIt() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run = cab("kafka", "--port", Integer.toString(busy.getLocalPort()));

      assertOneClearLine(run, "port " + busy.getLocalPort() + " is already in use");
      assertThat(run.err()).contains("--port");
    }
  }

  @Test
  void aSecondUpInTheSameDirectoryIsRefused(@TempDir Path dir) throws Exception {
    try (FileChannel channel =
            FileChannel.open(
                dir.resolve("stack.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      assertThat(held.isValid()).isTrue();

      Run run = cab(onFreePorts(dir, "up"));

      assertOneClearLine(run, "another ./cab up (or demo) is already running on " + dir);
    }
  }

  @Test
  void upListsEveryBadSettingOfEveryStageAtOnceBeforeStartingAnything(@TempDir Path dir) {
    Run run =
        cab(
            onFreePorts(
                dir,
                "up",
                "--set",
                "sink.batch.max.rowz=5",
                "--set",
                "streams.num.threads=lots",
                "--set",
                "colector.http.port=1",
                "--set",
                "cab.kafka.topic.partitions=0",
                "--set",
                "alerts.fdr=2"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines())
        .contains(
            "  - sink.batch.max.rowz (env SINK_BATCH_MAX_ROWZ) is not a setting of sink;"
                + " closest: sink.batch.max.rows (env SINK_BATCH_MAX_ROWS)",
            "  - streams.num.threads (env STREAMS_NUM_THREADS) must be a whole number, not 'lots'",
            "  - colector.http.port (--set) names no stage: keys start with [alerts, cab,"
                + " collector, dashboards, sink, streams].",
            "  - cab.kafka.topic.partitions (env CAB_KAFKA_TOPIC_PARTITIONS) must be between 1 and"
                + " 10000, not 0")
        .anyMatch(line -> line.startsWith("  - alerts.fdr (env ALERTS_FDR) must be"))
        .noneMatch(line -> line.contains("\tat "));
    assertThat(run.err().lines().filter(l -> l.contains("cab.kafka.topic.partitions")))
        .as("a shared key's problem is listed once, not once per stage")
        .hasSize(1);
    assertThat(dir.resolve("kafka")).as("nothing started").doesNotExist();
  }

  @Test
  void sqlAgainstNoClickHouseSaysHowToStartOne() throws Exception {
    int closedPort = closedPort();

    Run run = cab("sql", "--url", "http://127.0.0.1:" + closedPort, "SELECT 1");

    assertOneClearLine(run, "cannot reach ClickHouse");
  }

  @Test
  void helpListsEverySubcommand() {
    Run run = cab("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("kafka", "clickhouse", "up", "demo", "simulate", "sql", "status", "bench")
        .contains("collector", "streams", "sink");
  }

  @Test
  void theDashboardsHelpNamesTheKafkaOfTheBoardPush() {
    Run run = cab("dashboards", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("CAB_CLICKHOUSE_URL", "CAB_KAFKA_BOOTSTRAP", "dashboards.kafka.bootstrap");
  }

  /** A loopback port nothing listens on: one the system just handed out and took back. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
