package dev.cab.collector.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The collector's counters: what was accepted, rejected, ignored and redacted, and how requests
 * were answered per transport and status. Monotonic since start; thread-safe and cheap to update
 * from every request thread. Exposed as {@code GET /metrics} (Prometheus text) on the HTTP port.
 */
public final class CollectorMetrics {
  /** How a request came in. */
  public enum Transport {
    HTTP,
    GRPC
  }

  private final LongAdder spansAccepted = new LongAdder();
  private final LongAdder spansRejected = new LongAdder();
  private final LongAdder logsAccepted = new LongAdder();
  private final LongAdder logsRejected = new LongAdder();
  private final LongAdder logsIgnored = new LongAdder();
  private final LongAdder redactions = new LongAdder();
  private final LongAdder bytesReceived = new LongAdder();
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();

  public void spansAccepted(long n) {
    spansAccepted.add(n);
  }

  public void spansRejected(long n) {
    spansRejected.add(n);
  }

  public void logsAccepted(long n) {
    logsAccepted.add(n);
  }

  public void logsRejected(long n) {
    logsRejected.add(n);
  }

  public void logsIgnored(long n) {
    logsIgnored.add(n);
  }

  public void redactions(long n) {
    redactions.add(n);
  }

  public void bytesReceived(long n) {
    bytesReceived.add(n);
  }

  /**
   * Counts one answered request.
   *
   * @param status the HTTP status, or the gRPC status code name
   */
  public void request(Transport transport, String status) {
    requests.computeIfAbsent(key(transport, status), k -> new LongAdder()).increment();
  }

  public long spansAccepted() {
    return spansAccepted.sum();
  }

  public long spansRejected() {
    return spansRejected.sum();
  }

  /** Scorer events stored. */
  public long logsAccepted() {
    return logsAccepted.sum();
  }

  /** Scorer events rejected (e.g. without a cell id). */
  public long logsRejected() {
    return logsRejected.sum();
  }

  /** Log records that are not scorer events. */
  public long logsIgnored() {
    return logsIgnored.sum();
  }

  /** Secrets masked. */
  public long redactions() {
    return redactions.sum();
  }

  public long bytesReceived() {
    return bytesReceived.sum();
  }

  /** Requests answered with a status, e.g. {@code requests(HTTP, "200")}, {@code (GRPC, "OK")}. */
  public long requests(Transport transport, String status) {
    LongAdder a = requests.get(key(transport, status));
    return a == null ? 0 : a.sum();
  }

  /** Every counter by name, sorted: for logs and tests. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    out.put("spans_accepted", spansAccepted());
    out.put("spans_rejected", spansRejected());
    out.put("logs_accepted", logsAccepted());
    out.put("logs_rejected", logsRejected());
    out.put("logs_ignored", logsIgnored());
    out.put("redactions", redactions());
    out.put("bytes_received", bytesReceived());
    requests.forEach((k, v) -> out.put("requests_" + k, v.sum()));
    return out;
  }

  /** The counters in the Prometheus text exposition format. */
  public String prometheus() {
    StringBuilder sb = new StringBuilder(1024);
    counter(sb, "cab_collector_spans_accepted_total", "Spans stored in Kafka.", spansAccepted());
    counter(sb, "cab_collector_spans_rejected_total", "Spans rejected.", spansRejected());
    counter(sb, "cab_collector_scores_accepted_total", "Scorer events stored.", logsAccepted());
    counter(sb, "cab_collector_scores_rejected_total", "Scorer events rejected.", logsRejected());
    counter(
        sb, "cab_collector_logs_ignored_total", "Log records that are not scores.", logsIgnored());
    counter(sb, "cab_collector_redactions_total", "Secrets masked.", redactions());
    counter(sb, "cab_collector_received_bytes_total", "Request body bytes.", bytesReceived());
    sb.append("# HELP cab_collector_requests_total Export requests answered.\n")
        .append("# TYPE cab_collector_requests_total counter\n");
    new TreeMap<>(requests)
        .forEach(
            (k, v) -> {
              int colon = k.indexOf(':');
              sb.append("cab_collector_requests_total{transport=\"")
                  .append(k, 0, colon)
                  .append("\",status=\"")
                  .append(k.substring(colon + 1))
                  .append("\"} ")
                  .append(v.sum())
                  .append('\n');
            });
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help, long value) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    sb.append(name).append(' ').append(value).append('\n');
  }

  private static String key(Transport transport, String status) {
    return transport.name().toLowerCase(java.util.Locale.ROOT) + ":" + status;
  }
}
