package dev.cab.cli.faults;

import dev.cab.cli.faults.StageProcess.Stage;
import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGKILL of each stage's JVM mid-sweep, then a new JVM with the same settings: ClickHouse must end
 * up holding exactly what the clean run holds.
 */
@ExtendWith(ClickHouseExtension.class)
class StageKillFaultIT {
  private final ClickHouseTestServer clickhouse;

  StageKillFaultIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void collectorKilledMidSweepLosesNothingWhileRunnersResend() throws Exception {
    FaultCase.named("collector SIGKILL", clickhouse)
        .run(pipeline -> killAndRestart(pipeline, Stage.COLLECTOR));
  }

  @Test
  void streamsKilledMidSweepFoldsEveryCellOnce() throws Exception {
    FaultCase.named("streams SIGKILL", clickhouse)
        .run(pipeline -> killAndRestart(pipeline, Stage.STREAMS));
  }

  @Test
  void sinkKilledMidSweepReplaysIntoTheSameRows() throws Exception {
    FaultCase.named("sink SIGKILL", clickhouse)
        .run(pipeline -> killAndRestart(pipeline, Stage.SINK));
  }

  private static Sweep.Fault killAndRestart(Pipeline pipeline, Stage stage) {
    return () -> {
      pipeline.stage(stage).kill();
      pipeline.restart(stage);
    };
  }
}
