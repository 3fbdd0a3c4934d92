package dev.cab.collector.internal;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/**
 * How one export request ended once Kafka acknowledged everything that was accepted, and the OTLP
 * response that says so: the one place where HTTP and gRPC build their answers, so both transports
 * report rejected items the same way.
 *
 * @param accepted items stored
 * @param rejected items refused (OTLP partial success)
 * @param ignored items deliberately skipped (non-evaluation log records)
 * @param errorMessage why items were rejected, or empty
 */
public record ExportOutcome(int accepted, int rejected, int ignored, String errorMessage) {

  /**
   * The traces response: empty when everything was stored, else {@code partial_success} with the
   * number of rejected spans and why (OTLP: the client must not retry those).
   */
  public ExportTraceServiceResponse traceResponse() {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    if (rejected > 0) {
      response.setPartialSuccess(
          ExportTracePartialSuccess.newBuilder()
              .setRejectedSpans(rejected)
              .setErrorMessage(errorMessage));
    }
    return response.build();
  }

  /** The logs response: like {@link #traceResponse()}, counting rejected log records. */
  public ExportLogsServiceResponse logsResponse() {
    ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
    if (rejected > 0) {
      response.setPartialSuccess(
          ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(rejected)
              .setErrorMessage(errorMessage));
    }
    return response.build();
  }

  /** The metrics response: like {@link #traceResponse()}, counting rejected data points. */
  public ExportMetricsServiceResponse metricsResponse() {
    ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
    if (rejected > 0) {
      response.setPartialSuccess(
          ExportMetricsPartialSuccess.newBuilder()
              .setRejectedDataPoints(rejected)
              .setErrorMessage(errorMessage));
    }
    return response.build();
  }
}
