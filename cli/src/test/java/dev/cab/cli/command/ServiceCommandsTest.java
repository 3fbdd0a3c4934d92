package dev.cab.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.Cab;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ServiceCommandsTest {

  @Test
  void eachStageHelpSaysWhatItRunsAndWhatItNeeds() {
    // the help options come from the shared StageCommand, the name and description from each stage
    assertThat(
            Stream.of("collector", "streams", "sink", "dashboards", "alerts")
                .map(ServiceCommandsTest::help)
                .collect(Collectors.joining()))
        .isEqualTo(
            """
            Usage: cab collector [-hV]
            Runs the OTLP collector alone (ports 4318 HTTP, 4317 gRPC).
            Needs CAB_KAFKA_BOOTSTRAP; see docs/OPERATIONS.md for every setting.
              -h, --help      Show this help message and exit.
              -V, --version   Print version information and exit.
            Usage: cab streams [-hV]
            Runs the Kafka Streams stage alone.
            Needs CAB_KAFKA_BOOTSTRAP; see docs/OPERATIONS.md for every setting.
              -h, --help      Show this help message and exit.
              -V, --version   Print version information and exit.
            Usage: cab sink [-hV]
            Runs the ClickHouse sink alone.
            Needs CAB_KAFKA_BOOTSTRAP and CAB_CLICKHOUSE_URL (CAB_CLICKHOUSE_USER,
            _PASSWORD).
              -h, --help      Show this help message and exit.
              -V, --version   Print version information and exit.
            Usage: cab dashboards [-hV]
            Runs the dashboards alone (port 8080): sweep boards, cell pages, badges, JSON
            API.
            Needs CAB_CLICKHOUSE_URL (DASHBOARDS_CLICKHOUSE_USER/_PASSWORD for a read-only
            user).
            CAB_KAFKA_BOOTSTRAP (or DASHBOARDS_KAFKA_BOOTSTRAP, dashboards.kafka.bootstrap)
            pushes
            each cell and sweep plan to open boards from Kafka; without it boards follow
            ClickHouse.
            See docs/OPERATIONS.md for every setting.
              -h, --help      Show this help message and exit.
              -V, --version   Print version information and exit.
            Usage: cab alerts [-hV]
            Runs the regression-alerts stage alone (cab.cells.v1 -> cab.alerts.v1 ->
            receivers).
            Needs CAB_KAFKA_BOOTSTRAP; ALERTS_ALERTMANAGER_URL / ALERTS_WEBHOOK_URL name
            receivers;
            see docs/ALERTS.md.
              -h, --help      Show this help message and exit.
              -V, --version   Print version information and exit.
            """);
  }

  private static String help(String stage) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cab.execute(new PrintWriter(out), new PrintWriter(err), stage, "--help");
    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    return out.toString();
  }
}
