package dev.cab.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.collector.metrics.CollectorMetrics.Total;
import dev.cab.collector.metrics.CollectorMetrics.Transport;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class CollectorMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CollectorMetrics metrics = new CollectorMetrics(registry);

  @Test
  void everyTotalIsRegisteredUnderTheNameOperationsDocuments() {
    assertThat(registry.getMeters())
        .extracting(m -> m.getId().getName())
        .containsExactlyInAnyOrder(
            "cab.collector.spans.accepted",
            "cab.collector.spans.rejected",
            "cab.collector.scores.accepted",
            "cab.collector.scores.rejected",
            "cab.collector.logs.ignored",
            "cab.collector.metric.points.accepted",
            "cab.collector.redactions",
            "cab.collector.received");
    // Served as cab_collector_received_bytes_total.
    assertThat(registry.get("cab.collector.received").counter().getId().getBaseUnit())
        .isEqualTo("bytes");
    assertThat(registry.get("cab.collector.redactions").counter().getId())
        .extracting(Meter.Id::getBaseUnit)
        .isNull();
  }

  @Test
  void theSnapshotHasEveryTotalAndEveryAnsweredStatus() {
    metrics.add(Total.SPANS_ACCEPTED, 5);
    metrics.add(Total.SPANS_ACCEPTED, 2);
    metrics.add(Total.BYTES_RECEIVED, 1234);
    metrics.request(Transport.GRPC, "OK");

    assertThat(metrics.count(Total.SPANS_ACCEPTED)).isEqualTo(7);
    assertThat(metrics.requests(Transport.GRPC, "OK")).isEqualTo(1);
    assertThat(metrics.requests(Transport.HTTP, "200")).isZero();
    assertThat(metrics.snapshot())
        .containsOnlyKeys(
            "spans_accepted",
            "spans_rejected",
            "logs_accepted",
            "logs_rejected",
            "logs_ignored",
            "metric_points_accepted",
            "redactions",
            "bytes_received",
            "requests_grpc:OK")
        .containsEntry("spans_accepted", 7L)
        .containsEntry("bytes_received", 1234L)
        .containsEntry("redactions", 0L)
        .containsEntry("requests_grpc:OK", 1L);
  }
}
