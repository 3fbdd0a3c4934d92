package dev.cab.collector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector's counters: what was accepted, rejected, ignored and redacted, and how requests
 * were answered per transport and status. Monotonic since start; thread-safe and cheap to update
 * from every request thread. They are Micrometer counters in the stage's registry, served as {@code
 * cab_collector_*_total} on the management port ({@code cab.management.port}, {@code /metrics}).
 */
public final class CollectorMetrics {
  /** How a request came in. */
  public enum Transport {
    HTTP,
    GRPC
  }

  private final MeterRegistry registry;
  private final Counter spansAccepted;
  private final Counter spansRejected;
  private final Counter logsAccepted;
  private final Counter logsRejected;
  private final Counter logsIgnored;
  private final Counter metricPointsAccepted;
  private final Counter redactions;
  private final Counter bytesReceived;

  /** Counters in a registry of their own (tests). */
  public CollectorMetrics() {
    this(new SimpleMeterRegistry());
  }

  /** Counters registered in the stage's registry. */
  public CollectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    spansAccepted = counter("cab.collector.spans.accepted", "Spans stored in Kafka.");
    spansRejected = counter("cab.collector.spans.rejected", "Spans rejected (partial success).");
    logsAccepted = counter("cab.collector.scores.accepted", "Scorer events stored in Kafka.");
    logsRejected = counter("cab.collector.scores.rejected", "Scorer events rejected.");
    logsIgnored =
        counter("cab.collector.logs.ignored", "Log records that are not scorer events, dropped.");
    metricPointsAccepted =
        counter(
            "cab.collector.metric.points.accepted",
            "OTLP metric data points received and counted, not stored.");
    redactions = counter("cab.collector.redactions", "Secrets masked in spans and events.");
    bytesReceived =
        Counter.builder("cab.collector.received")
            .baseUnit("bytes")
            .description("Request body bytes received.")
            .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  public void spansAccepted(long n) {
    spansAccepted.increment(n);
  }

  public void spansRejected(long n) {
    spansRejected.increment(n);
  }

  public void logsAccepted(long n) {
    logsAccepted.increment(n);
  }

  public void logsRejected(long n) {
    logsRejected.increment(n);
  }

  public void logsIgnored(long n) {
    logsIgnored.increment(n);
  }

  public void metricPointsAccepted(long n) {
    metricPointsAccepted.increment(n);
  }

  public void redactions(long n) {
    redactions.increment(n);
  }

  public void bytesReceived(long n) {
    bytesReceived.increment(n);
  }

  /**
   * Counts one answered request.
   *
   * @param status the HTTP status, or the gRPC status code name
   */
  public void request(Transport transport, String status) {
    Counter.builder("cab.collector.requests")
        .description("Export requests answered, by transport and status.")
        .tag("transport", transport.name().toLowerCase(Locale.ROOT))
        .tag("status", status)
        .register(registry)
        .increment();
  }

  public long spansAccepted() {
    return (long) spansAccepted.count();
  }

  public long spansRejected() {
    return (long) spansRejected.count();
  }

  /** Scorer events stored. */
  public long logsAccepted() {
    return (long) logsAccepted.count();
  }

  /** Scorer events rejected (e.g. without a cell id). */
  public long logsRejected() {
    return (long) logsRejected.count();
  }

  /** Log records that are not scorer events. */
  public long logsIgnored() {
    return (long) logsIgnored.count();
  }

  /** OTLP metric data points received (counted, not stored). */
  public long metricPointsAccepted() {
    return (long) metricPointsAccepted.count();
  }

  /** Secrets masked. */
  public long redactions() {
    return (long) redactions.count();
  }

  public long bytesReceived() {
    return (long) bytesReceived.count();
  }

  /** Requests answered with a status, e.g. {@code requests(HTTP, "200")}, {@code (GRPC, "OK")}. */
  public long requests(Transport transport, String status) {
    Counter c =
        registry
            .find("cab.collector.requests")
            .tag("transport", transport.name().toLowerCase(Locale.ROOT))
            .tag("status", status)
            .counter();
    return c == null ? 0 : (long) c.count();
  }

  /** Counts a request refused for want of a valid bearer token (401 / UNAUTHENTICATED). */
  public void authRejected(Transport transport) {
    Counter.builder("cab.collector.auth.rejected")
        .description("Export requests refused without a valid bearer token.")
        .tag("transport", transport.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /**
   * Counts a request refused because its tenant is over a rate (429 / RESOURCE_EXHAUSTED).
   *
   * @param tenant the tenant's name from the tokens file (few: one per line of the file)
   * @param limit {@code requests} or {@code bytes}
   */
  public void tenantLimited(String tenant, String limit) {
    Counter.builder("cab.collector.tenant.limited")
        .description("Export requests refused because the tenant is over its rate.")
        .tag("tenant", tenant)
        .tag("limit", limit)
        .register(registry)
        .increment();
  }

  /** Requests refused without a valid bearer token on a transport. */
  public long authRejectedCount(Transport transport) {
    Counter c =
        registry
            .find("cab.collector.auth.rejected")
            .tag("transport", transport.name().toLowerCase(Locale.ROOT))
            .counter();
    return c == null ? 0 : (long) c.count();
  }

  /** Requests of a tenant refused over a limit ({@code requests} or {@code bytes}). */
  public long tenantLimitedCount(String tenant, String limit) {
    Counter c =
        registry
            .find("cab.collector.tenant.limited")
            .tag("tenant", tenant)
            .tag("limit", limit)
            .counter();
    return c == null ? 0 : (long) c.count();
  }

  /** Every counter by name, sorted: for the shutdown log and tests. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    out.put("spans_accepted", spansAccepted());
    out.put("spans_rejected", spansRejected());
    out.put("logs_accepted", logsAccepted());
    out.put("logs_rejected", logsRejected());
    out.put("logs_ignored", logsIgnored());
    out.put("metric_points_accepted", metricPointsAccepted());
    out.put("redactions", redactions());
    out.put("bytes_received", bytesReceived());
    registry
        .find("cab.collector.requests")
        .counters()
        .forEach(
            c ->
                out.put(
                    "requests_" + c.getId().getTag("transport") + ":" + c.getId().getTag("status"),
                    (long) c.count()));
    return out;
  }
}
