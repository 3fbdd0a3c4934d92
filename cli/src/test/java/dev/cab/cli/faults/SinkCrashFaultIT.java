package dev.cab.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.faults.StageProcess.Stage;
import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sink dies at the points of a flush where a crash could lose or double rows: before the
 * insert, and after the insert but before the offset commit. The sink's test-only hook ({@code
 * SINK_FAULT_KILL_AT}, see {@code dev.cab.sink.fault.CrashPoints}) halts its JVM exactly there; a
 * new sink JVM without the hook then takes over.
 */
@ExtendWith(ClickHouseExtension.class)
class SinkCrashFaultIT {
  /** The flush the hook halts at: about a second into the sweep's data (flushes every 200 ms). */
  private static final String OCCURRENCE = "6";

  private final ClickHouseTestServer clickhouse;

  SinkCrashFaultIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void sinkHaltedBeforeAnInsertReadsTheBatchAgain() throws Exception {
    FaultCase.named("sink halted before insert", clickhouse)
        .sinkSetting("SINK_FAULT_KILL_AT", "before-insert")
        .sinkSetting("SINK_FAULT_KILL_AT_OCCURRENCE", OCCURRENCE)
        .run(SinkCrashFaultIT::awaitHaltThenRestart);
  }

  @Test
  void sinkHaltedAfterAnInsertBeforeTheCommitCollapsesTheReplay() throws Exception {
    FaultCase.named("sink halted after insert, before commit", clickhouse)
        .sinkSetting("SINK_FAULT_KILL_AT", "after-insert")
        .sinkSetting("SINK_FAULT_KILL_AT_OCCURRENCE", OCCURRENCE)
        .run(SinkCrashFaultIT::awaitHaltThenRestart);
  }

  /** Waits for the hook to halt the sink (exit 137), then starts a sink without it. */
  private static Sweep.Fault awaitHaltThenRestart(Pipeline pipeline) {
    return () -> {
      StageProcess sink = pipeline.stage(Stage.SINK);
      assertThat(sink.awaitExit(180)).as("exit status of %s", sink).isEqualTo(137);
      pipeline.unset(Stage.SINK, "SINK_FAULT_KILL_AT", "SINK_FAULT_KILL_AT_OCCURRENCE");
      pipeline.restart(Stage.SINK);
    };
  }
}
