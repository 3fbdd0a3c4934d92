package dev.cab.collector.internal;

import dev.cab.collector.auth.Tenant;
import dev.cab.collector.kafka.KafkaUnavailableException;
import dev.cab.collector.kafka.RecordWriter;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.metrics.CollectorMetrics.Total;
import dev.cab.collector.otlp.MappedBatch;
import dev.cab.collector.otlp.OtlpMapper;
import dev.cab.collector.otlp.SweepPlanMapper;
import dev.cab.collector.redact.SecretRedactor;
import dev.cab.model.topic.Topic;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.SweepPlan;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The transport-independent part of an export: OTLP to wire records, secret redaction, size check,
 * produce every record, then wait for every acknowledgement. A request is answered only after that
 * wait: success means every accepted record is in Kafka; {@link KafkaUnavailableException} means
 * the runner must retry the whole request (records acknowledged before the failure may then arrive
 * twice; readers deduplicate). Thread-safe.
 */
public final class ExportPipeline {
  /** At most this many rejection reasons are spelled out in a response. */
  static final int MAX_REASONS = 5;

  private final RecordWriter writer;
  private final SecretRedactor redactor;
  private final CollectorMetrics metrics;
  private final Duration ackTimeout;
  private final int maxRecordBytes;

  /**
   * @param writer where records go
   * @param redactor masks secrets before serialization
   * @param metrics counters to update
   * @param ackTimeout how long to wait for Kafka's acknowledgements of one request
   * @param maxRecordBytes larger serialized records are rejected (Kafka would refuse them)
   */
  public ExportPipeline(
      RecordWriter writer,
      SecretRedactor redactor,
      CollectorMetrics metrics,
      Duration ackTimeout,
      int maxRecordBytes) {
    this.writer = writer;
    this.redactor = redactor;
    this.metrics = metrics;
    this.ackTimeout = ackTimeout;
    this.maxRecordBytes = maxRecordBytes;
  }

  public CollectorMetrics metrics() {
    return metrics;
  }

  /** Stores the spans of a traces export request of the open tenant (no authentication). */
  public ExportOutcome exportTraces(ExportTraceServiceRequest request)
      throws KafkaUnavailableException {
    return exportTraces(request, Tenant.OPEN);
  }

  /**
   * Stores the spans of a traces export request; spans of sweeps outside the tenant's prefix are
   * rejected in partial success.
   */
  public ExportOutcome exportTraces(ExportTraceServiceRequest request, Tenant tenant)
      throws KafkaUnavailableException {
    MappedBatch<SpanRecord> batch =
        ownSweeps(OtlpMapper.spans(request), tenant, s -> s.cell().sweepId(), "span");
    // every span of a ResourceSpans shares one resource map: mask it once per request
    Map<Map<String, Object>, Map<String, Object>> cleanResources = new IdentityHashMap<>();
    ExportOutcome outcome =
        store(
            batch,
            Topics.SPANS,
            span -> {
              Map<String, Object> resource =
                  cleanResources.computeIfAbsent(
                      span.resource(),
                      raw -> {
                        SecretRedactor.Result<Map<String, Object>> r =
                            redactor.redactAttributes(raw);
                        metrics.add(Total.REDACTIONS, r.redactions());
                        return r.value();
                      });
              SecretRedactor.Result<SpanRecord> r =
                  redactor.redactSpan(span.withResource(Map.of()));
              metrics.add(Total.REDACTIONS, r.redactions());
              return r.value().withResource(resource);
            },
            span -> "span " + span.spanId(),
            "spans");
    metrics.add(Total.SPANS_ACCEPTED, outcome.accepted());
    metrics.add(Total.SPANS_REJECTED, outcome.rejected());
    return outcome;
  }

  /**
   * Stores the scorer events and sweep plans of a logs export request; other log records are
   * ignored.
   */
  public ExportOutcome exportLogs(ExportLogsServiceRequest request)
      throws KafkaUnavailableException {
    return exportLogs(request, Tenant.OPEN);
  }

  /**
   * Stores the scorer events and sweep plans of a logs export request; records of sweeps outside
   * the tenant's prefix are rejected in partial success.
   */
  public ExportOutcome exportLogs(ExportLogsServiceRequest request, Tenant tenant)
      throws KafkaUnavailableException {
    MappedBatch<ScoreEvent> batch =
        ownSweeps(OtlpMapper.scores(request), tenant, e -> e.cell().sweepId(), "evaluation event");
    MappedBatch<SweepPlan> plans =
        ownSweeps(SweepPlanMapper.plans(request), tenant, SweepPlan::sweepId, "sweep plan");
    ExportOutcome planned =
        store(
            plans,
            Topics.SWEEP_PLANS,
            plan -> {
              SecretRedactor.Result<Map<String, Object>> r =
                  redactor.redactAttributes(plan.attributes());
              metrics.add(Total.REDACTIONS, r.redactions());
              return plan.withAttributes(r.value());
            },
            plan -> "sweep plan " + plan.sweepId(),
            "sweep plans");
    // the score mapper skipped the plans as "not evaluation events": they were not ignored
    int ignored = batch.ignored() - plans.accepted().size() - plans.rejections().size();
    metrics.add(Total.LOGS_IGNORED, ignored);
    ExportOutcome scored =
        store(
            batch,
            Topics.SCORES,
            event -> {
              SecretRedactor.Result<ScoreEvent> r = redactor.redactScore(event);
              metrics.add(Total.REDACTIONS, r.redactions());
              return r.value();
            },
            event -> "evaluation event " + event.axis() + " of span " + event.spanId(),
            "log records");
    ExportOutcome outcome =
        new ExportOutcome(
            scored.accepted() + planned.accepted(),
            scored.rejected() + planned.rejected(),
            ignored,
            String.join(
                "; ",
                java.util.stream.Stream.of(scored.errorMessage(), planned.errorMessage())
                    .filter(m -> !m.isEmpty())
                    .toList()));
    metrics.add(Total.LOGS_ACCEPTED, outcome.accepted());
    metrics.add(Total.LOGS_REJECTED, outcome.rejected());
    return outcome;
  }

  private <T> ExportOutcome store(
      MappedBatch<T> batch,
      Topic<String, T> topic,
      Function<T, T> redact,
      Function<T, String> describe,
      String noun)
      throws KafkaUnavailableException {
    List<String> rejections = new ArrayList<>(batch.rejections());
    List<CompletableFuture<Void>> acks = new ArrayList<>(batch.accepted().size());
    for (T record : batch.accepted()) {
      T clean = redact.apply(record);
      byte[] value;
      try {
        value = topic.valueSerde().serializer().serialize(topic.name(), clean);
      } catch (SerializationException e) {
        rejections.add(describe.apply(clean) + ": cannot be serialized");
        continue;
      }
      if (value.length > maxRecordBytes) {
        rejections.add(
            describe.apply(clean)
                + ": "
                + value.length
                + " bytes exceed the record limit of "
                + maxRecordBytes);
        continue;
      }
      acks.add(writer.send(topic.name(), cellId(clean), value));
    }
    awaitAll(acks, topic.name());
    return new ExportOutcome(
        acks.size(), rejections.size(), batch.ignored(), errorMessage(rejections, noun));
  }

  /**
   * Accepts a metrics export request and counts its data points. Nothing downstream reads OTLP
   * metrics, so they are not stored; but an OpenTelemetry SDK exports metrics by default, and the
   * OTLP specification has a receiver answer success for data it accepts and does not keep, rather
   * than an error at every export interval. Nothing goes to Kafka, so there is nothing to wait for.
   */
  public ExportOutcome exportMetrics(ExportMetricsServiceRequest request) {
    long points = 0;
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          points += dataPoints(metric);
        }
      }
    }
    metrics.add(Total.METRIC_POINTS_ACCEPTED, points);
    return new ExportOutcome((int) Math.min(points, Integer.MAX_VALUE), 0, 0, "");
  }

  private static int dataPoints(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  /** The batch with every record outside the tenant's sweeps moved to the rejections. */
  private static <T> MappedBatch<T> ownSweeps(
      MappedBatch<T> batch, Tenant tenant, Function<T, String> sweepOf, String noun) {
    if (tenant.sweepPrefix().isEmpty()) {
      return batch;
    }
    List<T> own = new ArrayList<>(batch.accepted().size());
    List<String> rejections = new ArrayList<>(batch.rejections());
    for (T record : batch.accepted()) {
      String sweep = sweepOf.apply(record);
      if (tenant.mayWrite(sweep)) {
        own.add(record);
      } else {
        rejections.add(
            noun
                + (sweep == null ? " without cab.sweep.id" : " of sweep '" + sweep + "'")
                + ": tenant '"
                + tenant.name()
                + "' may only write sweeps starting with '"
                + tenant.sweepPrefix()
                + "'");
      }
    }
    return own.size() == batch.accepted().size()
        ? batch
        : new MappedBatch<>(own, rejections, batch.ignored());
  }

  /** The Kafka key: the cell id of per-cell records, the sweep id of a plan. */
  private static String cellId(Object record) {
    return switch (record) {
      case SpanRecord s -> s.cell().cellId();
      case ScoreEvent e -> e.cell().cellId();
      case SweepPlan p -> p.sweepId();
      default -> throw new IllegalArgumentException(record.getClass().getName());
    };
  }

  private void awaitAll(List<CompletableFuture<Void>> acks, String topic)
      throws KafkaUnavailableException {
    if (acks.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException(
          "Kafka did not store the records of " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "Kafka did not acknowledge " + topic + " within " + ackTimeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
    }
  }

  static String errorMessage(List<String> rejections, String noun) {
    if (rejections.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("rejected ").append(rejections.size()).append(' ').append(noun).append(": ");
    int shown = Math.min(MAX_REASONS, rejections.size());
    sb.append(String.join("; ", rejections.subList(0, shown)));
    if (rejections.size() > shown) {
      sb.append("; and ").append(rejections.size() - shown).append(" more");
    }
    return sb.toString();
  }
}
