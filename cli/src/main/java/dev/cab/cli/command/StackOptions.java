package dev.cab.cli.command;

import dev.cab.cli.CabPaths;
import dev.cab.cli.stack.LocalStack;
import dev.cab.model.config.CommonSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options {@code cab up} and {@code cab demo} share: where the stack lives, its ports. */
public final class StackOptions {
  @Option(
      names = "--data-dir",
      description =
          "Data for Kafka, ClickHouse and streams state (env CAB_DATA_DIR; default .cab).")
  Path dataDir;

  @Option(
      names = "--kafka-port",
      defaultValue = "${env:CAB_KAFKA_PORT:-9092}",
      description = "Kafka port (env CAB_KAFKA_PORT; default ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--clickhouse-port",
      defaultValue = "${env:CAB_CLICKHOUSE_PORT:-8123}",
      description = "ClickHouse HTTP port (env CAB_CLICKHOUSE_PORT; default ${DEFAULT-VALUE}).")
  int clickhousePort;

  @Option(
      names = "--otlp-http-port",
      defaultValue = "${env:CAB_OTLP_HTTP_PORT:-4318}",
      description = "Collector OTLP/HTTP port (env CAB_OTLP_HTTP_PORT; default ${DEFAULT-VALUE}).")
  int otlpHttpPort;

  @Option(
      names = "--otlp-grpc-port",
      defaultValue = "${env:CAB_OTLP_GRPC_PORT:-4317}",
      description = "Collector OTLP/gRPC port (env CAB_OTLP_GRPC_PORT; default ${DEFAULT-VALUE}).")
  int otlpGrpcPort;

  @Option(
      names = "--dashboard-port",
      defaultValue = "${env:CAB_DASHBOARD_PORT:-8080}",
      description = "Dashboards web port (env CAB_DASHBOARD_PORT; default ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(
      names = "--listen",
      paramLabel = "ADDRESS",
      description = {
        "Address the collector and the management port listen on (setting cab.listen.address,",
        "env CAB_LISTEN_ADDRESS; default 127.0.0.1). 0.0.0.0 lets runners in containers or on",
        "other hosts reach it: set collector.auth.tokens.file too."
      })
  String listen;

  @Option(
      names = "--management-port",
      paramLabel = "PORT",
      description =
          "Metrics and health of every stage (setting cab.management.port, env"
              + " CAB_MANAGEMENT_PORT; default 9464; -1 turns it off).")
  Integer managementPort;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = {
        "A stage setting, e.g. --set sink.batch.max.ms=50 (repeatable; wins over -D, the",
        "environment and the settings file). Every key is in docs/OPERATIONS.md."
      })
  Map<String, String> settings = new LinkedHashMap<>();

  /** Checks the ports, then builds the stack options. */
  LocalStack.Options toStackOptions() {
    Map<String, String> overrides = new LinkedHashMap<>(settings);
    if (listen != null) {
      overrides.put(CommonSettings.LISTEN_ADDRESS, listen);
    }
    if (managementPort != null) {
      overrides.put(CommonSettings.MANAGEMENT_PORT, Integer.toString(managementPort));
    }
    Ports.requireFree(kafkaPort, "Kafka", "--kafka-port", "CAB_KAFKA_PORT");
    Ports.requireFree(clickhousePort, "ClickHouse", "--clickhouse-port", "CAB_CLICKHOUSE_PORT");
    Ports.requireFree(otlpHttpPort, "OTLP/HTTP", "--otlp-http-port", "CAB_OTLP_HTTP_PORT");
    Ports.requireFree(otlpGrpcPort, "OTLP/gRPC", "--otlp-grpc-port", "CAB_OTLP_GRPC_PORT");
    Ports.requireFree(dashboardPort, "Dashboards", "--dashboard-port", "CAB_DASHBOARD_PORT");
    return new LocalStack.Options(
        dataDir != null ? dataDir.toAbsolutePath() : CabPaths.dataRoot(),
        kafkaPort,
        clickhousePort,
        otlpHttpPort,
        otlpGrpcPort,
        dashboardPort,
        "cab",
        overrides);
  }
}
