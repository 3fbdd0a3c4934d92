package dev.cab.cli.faults;

import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.embedded.kafka.EmbeddedKafka;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The reference every case is judged against: the same seeded {@link Sweep} through the same
 * separate-process pipeline with no fault, once per test JVM. Its rows are taken once they match
 * the simulator's own report (every cell, every span, every distinct scorer event) and have not
 * changed for {@link #SETTLED} (the last cell versions are through streams and the sink).
 */
public final class CleanRun {
  static final Duration SETTLED = Duration.ofSeconds(3);

  private static Snapshot snapshot;

  private CleanRun() {}

  public static synchronized Snapshot snapshot(ClickHouseTestServer server) throws Exception {
    if (snapshot == null) {
      snapshot = run(server);
    }
    return snapshot;
  }

  private static Snapshot run(ClickHouseTestServer server) throws Exception {
    String database = FaultCase.database("clean");
    ClickHouseTestServer clickhouse =
        new ClickHouseTestServer(server.url(), database, server.user(), server.password());
    EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
    try (Pipeline pipeline =
        new Pipeline(
            Path.of("target", "faults", database), kafka, clickhouse, clickhouse, 1, Map.of())) {
      pipeline.startAll();
      long start = System.nanoTime();
      Sweep.Result sent =
          Sweep.run(pipeline.otlpEndpoint(), Delivery.Policy.resending(), Sweep.Fault.NONE);
      SimulationReport report = sent.report();
      long expectedEvents = report.eventsSent() - report.duplicateEvents();
      Snapshot[] last = new Snapshot[1];
      long[] since = new long[1];
      Await.until(
          "the clean run to land in ClickHouse",
          FaultCase.RECOVERY_DEADLINE,
          Duration.ofMillis(500),
          () -> {
            pipeline.supervise();
            Snapshot now = Snapshot.read(clickhouse, Sweep.SWEEP_ID);
            boolean complete =
                now.cells().size() == report.cellsSent()
                    && now.spans().size() == report.spansSent()
                    && now.events().size() == expectedEvents
                    && now.rowsUnderFinal() == now.keys()
                    && now.latestViewRows() == now.cells().size();
            if (!complete || last[0] == null || !now.diff(last[0]).none()) {
              last[0] = now;
              since[0] = System.nanoTime();
              return false;
            }
            return System.nanoTime() - since[0] >= SETTLED.toNanos();
          },
          () ->
              String.format(
                  "clean run to land: %d cells, %d spans, %d events expected, ClickHouse has %s%s",
                  report.cellsSent(),
                  report.spansSent(),
                  expectedEvents,
                  last[0] == null
                      ? "nothing"
                      : last[0].cells().size()
                          + " cells, "
                          + last[0].spans().size()
                          + " spans, "
                          + last[0].events().size()
                          + " events",
                  pipeline.logTails()));
      FaultCase.report(
          new FaultCase.Outcome(
              "clean run (reference)",
              sent,
              last[0].diff(last[0]),
              Duration.ZERO,
              Duration.ofNanos(System.nanoTime() - start),
              last[0]));
      return last[0];
    } finally {
      FaultCase.dropQuietly(clickhouse);
    }
  }
}
