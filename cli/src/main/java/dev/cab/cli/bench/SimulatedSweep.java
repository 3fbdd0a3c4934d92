package dev.cab.cli.bench;

import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.SweepSimulator;
import java.util.List;

/**
 * The simulated sweep every bench run sends (five models, the simulator's four agent CLIs, no
 * faults), and the runner SDK that sends it as a runner would: OTLP/HTTP protobuf, uncompressed, in
 * requests of up to 128 spans or events.
 */
final class SimulatedSweep {

  static final List<String> MODELS =
      List.of(
          "stepfun-ai/step-3.5-flash",
          "meta/llama-3.3-70b-instruct",
          "qwen/qwen3-coder-480b-a35b-instruct",
          "openai/gpt-oss-120b",
          "moonshotai/kimi-k2");

  private SimulatedSweep() {}

  /** A sweep of 4 CLIs x 5 models x {@code tasks} tasks, run 4 cells at a time, without faults. */
  static SimulationOptions.Builder options(int tasks) {
    return SimulationOptions.builder().models(MODELS).taskCount(tasks).concurrency(4).noFaults();
  }

  /** Runs a simulated sweep through the runner SDK against {@code endpoint}; its cell count. */
  static long send(String endpoint, SimulationOptions sweep) {
    CabTelemetryOptions options =
        CabTelemetryOptions.builder()
            .endpoint(endpoint)
            .protocol(CabTelemetryOptions.Protocol.HTTP_PROTOBUF)
            .compression("none")
            .serviceName("cab-bench")
            .spanBatchSize(128)
            .eventBatchSize(128)
            .build();
    try (CabTelemetry telemetry = CabTelemetry.create(options)) {
      // Requests of up to 128 spans or events: many runners sending small batches, not one
      // sending a few huge ones, and enough requests per sweep to keep every connection busy.
      return new SweepSimulator(telemetry).run(sweep, ProgressListener.NONE).cellsSent();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending the sweep", e);
    }
  }
}
