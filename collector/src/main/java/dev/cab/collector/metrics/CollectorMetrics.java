package dev.cab.collector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
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
    GRPC;

    /** The value of the {@code transport} tag. */
    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The counters without tags. Their key in {@link #snapshot()} is their name in lower case, e.g.
   * {@code spans_accepted}.
   */
  public enum Total {
    SPANS_ACCEPTED("cab.collector.spans.accepted", "Spans stored in Kafka."),
    SPANS_REJECTED("cab.collector.spans.rejected", "Spans rejected (partial success)."),
    LOGS_ACCEPTED("cab.collector.scores.accepted", "Scorer events stored in Kafka."),
    /** E.g. without a cell id. */
    LOGS_REJECTED("cab.collector.scores.rejected", "Scorer events rejected."),
    LOGS_IGNORED("cab.collector.logs.ignored", "Log records that are not scorer events, dropped."),
    METRIC_POINTS_ACCEPTED(
        "cab.collector.metric.points.accepted",
        "OTLP metric data points received and counted, not stored."),
    REDACTIONS("cab.collector.redactions", "Secrets masked in spans and events."),
    BYTES_RECEIVED("cab.collector.received", "Request body bytes received.", "bytes");

    private final String meter;
    private final String description;
    private final String baseUnit;

    Total(String meter, String description) {
      this(meter, description, null);
    }

    Total(String meter, String description, String baseUnit) {
      this.meter = meter;
      this.description = description;
      this.baseUnit = baseUnit;
    }
  }

  private final MeterRegistry registry;
  private final Map<Total, Counter> totals = new EnumMap<>(Total.class);

  /** Counters in a registry of their own (tests). */
  public CollectorMetrics() {
    this(new SimpleMeterRegistry());
  }

  /** Counters registered in the stage's registry. */
  public CollectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Total total : Total.values()) {
      totals.put(
          total,
          Counter.builder(total.meter)
              .description(total.description)
              .baseUnit(total.baseUnit)
              .register(registry));
    }
  }

  /** Adds {@code n} to a counter. */
  public void add(Total total, long n) {
    totals.get(total).increment(n);
  }

  /** A counter's count since start. */
  public long count(Total total) {
    return count(totals.get(total));
  }

  /**
   * Counts one answered request.
   *
   * @param status the HTTP status, or the gRPC status code name
   */
  public void request(Transport transport, String status) {
    Counter.builder("cab.collector.requests")
        .description("Export requests answered, by transport and status.")
        .tag("transport", transport.tag())
        .tag("status", status)
        .register(registry)
        .increment();
  }

  /** Requests answered with a status, e.g. {@code requests(HTTP, "200")}, {@code (GRPC, "OK")}. */
  public long requests(Transport transport, String status) {
    Counter c =
        registry
            .find("cab.collector.requests")
            .tag("transport", transport.tag())
            .tag("status", status)
            .counter();
    return count(c);
  }

  /** Counts a request refused for want of a valid bearer token (401 / UNAUTHENTICATED). */
  public void authRejected(Transport transport) {
    Counter.builder("cab.collector.auth.rejected")
        .description("Export requests refused without a valid bearer token.")
        .tag("transport", transport.tag())
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
        registry.find("cab.collector.auth.rejected").tag("transport", transport.tag()).counter();
    return count(c);
  }

  /** Requests of a tenant refused over a limit ({@code requests} or {@code bytes}). */
  public long tenantLimitedCount(String tenant, String limit) {
    Counter c =
        registry
            .find("cab.collector.tenant.limited")
            .tag("tenant", tenant)
            .tag("limit", limit)
            .counter();
    return count(c);
  }

  /** Every counter by name, sorted: for the shutdown log and tests. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    for (Total total : Total.values()) {
      out.put(total.name().toLowerCase(Locale.ROOT), count(total));
    }
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

  private static long count(Counter c) {
    return c == null ? 0 : (long) c.count();
  }
}
