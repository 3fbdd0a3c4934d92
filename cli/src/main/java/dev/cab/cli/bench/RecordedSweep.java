package dev.cab.cli.bench;

import com.sun.net.httpserver.HttpServer;
import dev.cab.runner.sim.SimulationOptions;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * One simulated sweep as the runner SDK sends it over OTLP/HTTP protobuf, recorded once and then
 * replayed as many times as a benchmark needs, each time as a new sweep: the sweep id has a fixed
 * width ({@code cabbench-NNNNNNNN}) and every occurrence of it in a request body (cell ids, the
 * {@code cab.sweep.id} attribute) is overwritten in place, so the protobuf lengths stay valid and a
 * replay costs a byte copy, not an encoding. Immutable once recorded.
 */
public final class RecordedSweep {

  /** The sweep id of the recording; a replay writes {@link #sweepId(long)} over it. */
  static final String TEMPLATE = sweepId(0);

  /** One recorded request. */
  record Request(String path, String contentType, byte[] body, int[] sweepIdOffsets, int events) {

    /** The body with the sweep id of round {@code round}. */
    byte[] bodyFor(long round) {
      byte[] copy = body.clone();
      byte[] id = sweepId(round).getBytes(StandardCharsets.US_ASCII);
      for (int offset : sweepIdOffsets) {
        System.arraycopy(id, 0, copy, offset, id.length);
      }
      return copy;
    }
  }

  private final List<Request> requests;
  private final int cells;

  private RecordedSweep(List<Request> requests, int cells) {
    this.requests = List.copyOf(requests);
    this.cells = cells;
  }

  /** The sweep id of a replay round: fixed width, so it fits where the template was. */
  public static String sweepId(long round) {
    return String.format(Locale.ROOT, "cabbench-%08d", round);
  }

  /**
   * Records a sweep: runs the simulator through the runner SDK against a local endpoint that
   * answers every export with an empty success and keeps the request bodies.
   *
   * @param simulate runs the sweep: (endpoint, options) -> cells sent
   */
  public static RecordedSweep record(
      SimulationOptions sweep, BiFunction<String, SimulationOptions, Long> simulate)
      throws IOException {
    List<Request> recorded = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange;
              InputStream in = exchange.getRequestBody()) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = in.readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            recorded.add(request(path, type, body));
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, 0); // an empty Export*ServiceResponse: success
            try (OutputStream out = exchange.getResponseBody()) {
              out.flush();
            }
          }
        });
    server.start();
    long cells;
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      cells = simulate.apply(endpoint, sweep.toBuilder().sweepId(TEMPLATE).build());
    } finally {
      server.stop(0);
    }
    return new RecordedSweep(recorded, Math.toIntExact(cells));
  }

  private static Request request(String path, String contentType, byte[] body) throws IOException {
    int events =
        switch (path) {
          case "/v1/traces" -> countSpans(ExportTraceServiceRequest.parseFrom(body));
          case "/v1/logs" -> countLogs(ExportLogsServiceRequest.parseFrom(body));
          default -> throw new IOException("unexpected OTLP path " + path);
        };
    return new Request(path, contentType, body, offsetsOf(body), events);
  }

  private static int countSpans(ExportTraceServiceRequest r) {
    int n = 0;
    for (ResourceSpans rs : r.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  private static int countLogs(ExportLogsServiceRequest r) {
    int n = 0;
    for (ResourceLogs rl : r.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        n += sl.getLogRecordsCount();
      }
    }
    return n;
  }

  private static int[] offsetsOf(byte[] body) {
    byte[] needle = TEMPLATE.getBytes(StandardCharsets.US_ASCII);
    List<Integer> found = new ArrayList<>();
    outer:
    for (int i = 0; i <= body.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (body[i + j] != needle[j]) {
          continue outer;
        }
      }
      found.add(i);
      i += needle.length - 1;
    }
    return found.stream().mapToInt(Integer::intValue).toArray();
  }

  List<Request> requests() {
    return requests;
  }

  /** Cells per replay. */
  public int cells() {
    return cells;
  }

  /** Spans and scorer events per replay. */
  public long events() {
    return requests.stream().mapToLong(Request::events).sum();
  }

  /** Request body bytes per replay. */
  public long bytes() {
    return requests.stream().mapToLong(r -> r.body().length).sum();
  }
}
