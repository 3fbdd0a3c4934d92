package dev.cab.cli.command;

import dev.cab.cli.UserError;
import dev.cab.cli.console.ProgressBar;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.Regression;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cab simulate}: sends a simulated sweep to a collector through the runner SDK. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Sends a simulated sweep (agent CLIs x models x tasks) to a collector through the runner",
      "SDK: realistic span trees, scorer events, infra failures, late and duplicate events.",
      "Seeded and reproducible. Regressions: --regress pass:<tui>:<model>:<drop>,",
      "--regress task:<task>, --regress latency:tui|model:<name>:<factor>."
    })
public final class SimulateCommand implements Callable<Integer> {

  @Option(
      names = "--endpoint",
      defaultValue = "${env:OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}",
      description =
          "Collector OTLP endpoint (env OTEL_EXPORTER_OTLP_ENDPOINT; default ${DEFAULT-VALUE}).")
  String endpoint;

  @Option(
      names = "--protocol",
      defaultValue = "${env:OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf}",
      description = "http/protobuf or grpc (default ${DEFAULT-VALUE}).")
  String protocol;

  @Option(names = "--sweep", description = "Sweep id (default sim-<seed>).")
  String sweepId;

  @Option(
      names = "--baseline",
      description = "Baseline sweep id, declared in the sweep's plan (cab.sweep.plan) for alerts.")
  String baseline;

  @Option(names = "--tuis", split = ",", description = "Agent CLIs (default 4).")
  List<String> tuis;

  @Option(names = "--models", split = ",", description = "Models (default 4).")
  List<String> models;

  @Option(names = "--tasks", defaultValue = "12", description = "Tasks (default ${DEFAULT-VALUE}).")
  int tasks;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "RNG seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Cells per second; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--concurrency",
      defaultValue = "2",
      description = "Cells in flight (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--replay-seeds", description = "Also replay the three published seed cells.")
  boolean replaySeeds;

  @Option(
      names = "--no-faults",
      description = "No infra failures, late, duplicate or out-of-order events.")
  boolean noFaults;

  @Option(names = "--regress", description = "Inject a regression (repeatable; see above).")
  List<String> regressions = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    SimulationOptions options = options();
    SimulationReport report = run(endpoint, protocol, options, "simulate");
    printReport(report);
    return report.flush().allExported() ? 0 : 1;
  }

  SimulationOptions options() {
    try {
      SimulationOptions.Builder b =
          SimulationOptions.builder()
              .seed(seed)
              .taskCount(tasks)
              .rate(rate)
              .concurrency(concurrency)
              .replaySeeds(replaySeeds);
      if (sweepId != null) {
        b.sweepId(sweepId);
      }
      if (baseline != null) {
        b.baseline(baseline);
      }
      if (tuis != null) {
        b.tuis(tuis);
      }
      if (models != null) {
        b.models(models);
      }
      if (noFaults) {
        b.noFaults();
      }
      regressions.forEach(r -> b.regression(parseRegression(r)));
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage() + " (see ./cab simulate --help)", e);
    }
  }

  /** Parses {@code pass:<tui>:<model>:<drop>}, {@code task:<task>}, {@code latency:...}. */
  static Regression parseRegression(String spec) {
    String[] p = spec.split(":", -1);
    try {
      return switch (p[0]) {
        case "pass" -> new Regression.PassRateDrop(p[1], p[2], Double.parseDouble(p[3]));
        case "task" -> new Regression.TaskFailsEverywhere(spec.substring("task:".length()));
        case "latency" ->
            new Regression.LatencyJump(
                Regression.LatencyJump.Target.valueOf(p[1].toUpperCase(Locale.ROOT)),
                p[2],
                Double.parseDouble(p[3]));
        default -> throw new IllegalArgumentException("unknown kind " + p[0]);
      };
    } catch (RuntimeException e) {
      throw new UserError(
          "--regress '"
              + spec
              + "' is not pass:<tui>:<model>:<drop>, task:<task> or"
              + " latency:tui|model:<name>:<factor>");
    }
  }

  /** Runs one simulated sweep against a collector with a progress bar on stderr. */
  static SimulationReport run(
      String endpoint, String protocol, SimulationOptions options, String label)
      throws InterruptedException {
    requireReachable(endpoint);
    CabTelemetryOptions.Builder telemetryOptions =
        CabTelemetryOptions.builder().endpoint(endpoint).serviceName("cab-simulator");
    telemetryOptions.protocol(
        switch (protocol) {
          case "grpc" -> CabTelemetryOptions.Protocol.GRPC;
          case "http/protobuf" -> CabTelemetryOptions.Protocol.HTTP_PROTOBUF;
          default ->
              throw new UserError(
                  "--protocol must be http/protobuf or grpc, not '" + protocol + "'");
        });
    try (CabTelemetry telemetry = CabTelemetry.create(telemetryOptions.build())) {
      ProgressBar bar = new ProgressBar(System.err, label);
      SimulationReport report = new SweepSimulator(telemetry).run(options, bar);
      bar.finish(
          String.format(
              Locale.ROOT,
              "%.0f cells/s%s",
              report.cellsPerSecond(),
              report.flush().allExported() ? "" : " - NOT ALL EXPORTED: " + report.flush()));
      return report;
    }
  }

  static void requireReachable(String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new UserError("--endpoint '" + endpoint + "' is not a URL like http://127.0.0.1:4318");
    }
    if (uri.getHost() == null) {
      throw new UserError("--endpoint '" + endpoint + "' is not a URL like http://127.0.0.1:4318");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(uri.getHost(), port), 3000);
    } catch (IOException e) {
      throw new UserError(
          "cannot reach the collector at "
              + endpoint
              + ": start it with ./cab up, or point --endpoint / OTEL_EXPORTER_OTLP_ENDPOINT at one");
    }
  }

  static void printReport(SimulationReport r) {
    System.out.printf(
        Locale.ROOT,
        "sweep %s (seed %d): %d cells, %d spans, %d scorer events in %.1f s (%.0f cells/s);"
            + " %d duplicates, %d late, %d out of order, %d infra failures%n",
        r.sweepId(),
        r.seed(),
        r.cellsSent(),
        r.spansSent(),
        r.eventsSent(),
        r.elapsed().toMillis() / 1000.0,
        r.cellsPerSecond(),
        r.duplicateEvents(),
        r.lateEvents(),
        r.outOfOrderCells(),
        r.infraFailures());
    for (SimulationReport.InjectedRegression reg : r.regressions()) {
      System.out.println("  injected: " + reg.description());
    }
  }
}
