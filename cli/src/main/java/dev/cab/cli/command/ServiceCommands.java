package dev.cab.cli.command;

import dev.cab.alerts.AlertsMain;
import dev.cab.collector.CollectorMain;
import dev.cab.dashboards.DashboardsMain;
import dev.cab.sink.SinkMain;
import dev.cab.streams.StreamsMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code cab collector|streams|sink}: one stage alone against an external Kafka and ClickHouse
 * named by environment variables — the same entry points as {@code java -jar} of each stage's jar.
 */
public final class ServiceCommands {
  private ServiceCommands() {}

  @Command(
      name = "collector",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the OTLP collector alone (ports 4318 HTTP, 4317 gRPC).",
        "Needs CAB_KAFKA_BOOTSTRAP; see docs/OPERATIONS.md for every setting."
      })
  public static final class Collector implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      CollectorMain.main(new String[0]);
      return 0;
    }
  }

  @Command(
      name = "streams",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the Kafka Streams stage alone.",
        "Needs CAB_KAFKA_BOOTSTRAP; see docs/OPERATIONS.md for every setting."
      })
  public static final class Streams implements Callable<Integer> {
    @Override
    public Integer call() {
      StreamsMain.main(new String[0]);
      return 0;
    }
  }

  @Command(
      name = "alerts",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the regression-alerts stage alone (cab.cells.v1 -> cab.alerts.v1 -> receivers).",
        "Needs CAB_KAFKA_BOOTSTRAP; ALERTS_ALERTMANAGER_URL / ALERTS_WEBHOOK_URL name receivers;",
        "see docs/ALERTS.md."
      })
  public static final class Alerts implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      AlertsMain.main(new String[0]);
      return 0;
    }
  }

  @Command(
      name = "sink",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the ClickHouse sink alone.",
        "Needs CAB_KAFKA_BOOTSTRAP and CAB_CLICKHOUSE_URL (CAB_CLICKHOUSE_USER, _PASSWORD)."
      })
  public static final class Sink implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      SinkMain.main(new String[0]);
      return 0;
    }
  }

  @Command(
      name = "dashboards",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the dashboards alone (port 8080): sweep boards, cell pages, badges, JSON API.",
        "Needs CAB_CLICKHOUSE_URL (DASHBOARDS_CLICKHOUSE_USER/_PASSWORD for a read-only user).",
        "CAB_KAFKA_BOOTSTRAP (or DASHBOARDS_KAFKA_BOOTSTRAP, dashboards.kafka.bootstrap) pushes",
        "each cell and sweep plan to open boards from Kafka; without it boards follow ClickHouse.",
        "See docs/OPERATIONS.md for every setting."
      })
  public static final class Dashboards implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      DashboardsMain.main(new String[0]);
      return 0;
    }
  }
}
