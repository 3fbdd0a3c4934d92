package dev.cab.cli.command;

import dev.cab.alerts.AlertsMain;
import dev.cab.collector.CollectorMain;
import dev.cab.dashboards.DashboardsMain;
import dev.cab.sink.SinkMain;
import dev.cab.streams.StreamsMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code cab collector|streams|sink|dashboards|alerts}: one stage alone against an external Kafka
 * and ClickHouse named by environment variables — the same entry points as {@code java -jar} of
 * each stage's jar.
 */
public final class ServiceCommands {
  private ServiceCommands() {}

  /** A stage's {@code main}. */
  @FunctionalInterface
  interface StageMain {
    void main(String[] args) throws InterruptedException;
  }

  /**
   * Runs one stage's {@code main} with no arguments (every setting comes from the environment);
   * each subclass names the command and describes it, the help options come from here.
   */
  @Command(mixinStandardHelpOptions = true)
  abstract static class StageCommand implements Callable<Integer> {
    private final StageMain main;

    StageCommand(StageMain main) {
      this.main = main;
    }

    @Override
    public final Integer call() throws InterruptedException {
      main.main(new String[0]);
      return 0;
    }
  }

  @Command(
      name = "collector",
      description = {
        "Runs the OTLP collector alone (ports 4318 HTTP, 4317 gRPC).",
        "Needs CAB_KAFKA_BOOTSTRAP; see docs/OPERATIONS.md for every setting."
      })
  public static final class Collector extends StageCommand {
    public Collector() {
      super(CollectorMain::main);
    }
  }

  @Command(
      name = "streams",
      description = {
        "Runs the Kafka Streams stage alone.",
        "Needs CAB_KAFKA_BOOTSTRAP; see docs/OPERATIONS.md for every setting."
      })
  public static final class Streams extends StageCommand {
    public Streams() {
      super(StreamsMain::main);
    }
  }

  @Command(
      name = "alerts",
      description = {
        "Runs the regression-alerts stage alone (cab.cells.v1 -> cab.alerts.v1 -> receivers).",
        "Needs CAB_KAFKA_BOOTSTRAP; ALERTS_ALERTMANAGER_URL / ALERTS_WEBHOOK_URL name receivers;",
        "see docs/ALERTS.md."
      })
  public static final class Alerts extends StageCommand {
    public Alerts() {
      super(AlertsMain::main);
    }
  }

  @Command(
      name = "sink",
      description = {
        "Runs the ClickHouse sink alone.",
        "Needs CAB_KAFKA_BOOTSTRAP and CAB_CLICKHOUSE_URL (CAB_CLICKHOUSE_USER, _PASSWORD)."
      })
  public static final class Sink extends StageCommand {
    public Sink() {
      super(SinkMain::main);
    }
  }

  @Command(
      name = "dashboards",
      description = {
        "Runs the dashboards alone (port 8080): sweep boards, cell pages, badges, JSON API.",
        "Needs CAB_CLICKHOUSE_URL (DASHBOARDS_CLICKHOUSE_USER/_PASSWORD for a read-only user).",
        "CAB_KAFKA_BOOTSTRAP (or DASHBOARDS_KAFKA_BOOTSTRAP, dashboards.kafka.bootstrap) pushes",
        "each cell and sweep plan to open boards from Kafka; without it boards follow ClickHouse.",
        "See docs/OPERATIONS.md for every setting."
      })
  public static final class Dashboards extends StageCommand {
    public Dashboards() {
      super(DashboardsMain::main);
    }
  }
}
