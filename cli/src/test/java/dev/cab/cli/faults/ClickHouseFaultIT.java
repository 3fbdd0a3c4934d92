package dev.cab.cli.faults;

import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ClickHouse failing under the sink mid-sweep: its process killed for 30 s. */
@ExtendWith(ClickHouseExtension.class)
class ClickHouseFaultIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  private final ClickHouseTestServer clickhouse;

  ClickHouseFaultIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void clickHouseKilledForThirtySecondsLosesNothing() throws Exception {
    // A ClickHouse of this case's own, on a fixed port and data directory so it can come back.
    Path data = Files.createTempDirectory(Path.of("target"), "faults-clickhouse-");
    try (EmbeddedClickHouse own =
        EmbeddedClickHouse.builder().port(Pipeline.freePort()).dataDir(data).build().start()) {
      ClickHouseTestServer server = new ClickHouseTestServer(own.url(), "default", "default", "");
      FaultCase.named("ClickHouse SIGKILL for 30 s", server)
          .run(
              pipeline ->
                  () -> {
                    ProcessHandle engine = ProcessHandle.of(own.pid()).orElseThrow();
                    engine.destroyForcibly();
                    Await.until(
                        "the killed ClickHouse to be gone",
                        Duration.ofSeconds(60),
                        () -> !engine.isAlive());
                    // The outage itself: the fault is ClickHouse being away this long.
                    FaultCase.holdFor(OUTAGE);
                    own.start();
                  });
    } finally {
      deleteTree(data);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
