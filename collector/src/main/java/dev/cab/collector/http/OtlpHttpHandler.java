package dev.cab.collector.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import com.google.rpc.Code;
import dev.cab.collector.auth.AuthenticationException;
import dev.cab.collector.auth.Authenticator;
import dev.cab.collector.auth.Tenant;
import dev.cab.collector.auth.TenantLimits;
import dev.cab.collector.internal.AdmissionControl;
import dev.cab.collector.internal.ExportPipeline;
import dev.cab.collector.kafka.KafkaUnavailableException;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.metrics.CollectorMetrics.Total;
import dev.cab.collector.otlp.OtlpDecodeException;
import dev.cab.collector.otlp.OtlpJson;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP semantics, independent of the HTTP server: {@code POST /v1/traces}, {@code POST
 * /v1/logs} and {@code POST /v1/metrics} with {@code application/x-protobuf} or {@code
 * application/json} bodies, optionally gzip-encoded; answers in the request's content type. Metrics
 * are decoded and counted, not stored (an SDK exports them by default; the pipeline has no use for
 * them), behind the same authentication, limits and decoding as the other signals.
 *
 * <ul>
 *   <li>200 only after Kafka acknowledged every stored record, with {@code partial_success} when
 *       some items were rejected;
 *   <li>400 for a body that does not decode (the message says what was wrong), 404/405 for other
 *       paths and methods, 413 beyond {@code maxBodyBytes} (compressed or not), 415 for another
 *       content type or encoding;
 *   <li>401 without a valid bearer token once tokens are configured; 429 with {@code Retry-After}
 *       when the tenant is over its request or byte rate, or too many requests or bytes are in
 *       flight; 503 with {@code Retry-After} when Kafka did not acknowledge in time;
 *   <li>items of sweeps outside the tenant's prefix are rejected in {@code partial_success}.
 * </ul>
 *
 * <p>Every error answer carries a one-line reason ({@code google.rpc.Status.message}, or the plain
 * text body).
 *
 * <p>Metrics and health are on the management port ({@code cab.management.port}). Thread-safe.
 */
public final class OtlpHttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpHandler.class);

  public static final String PROTOBUF = "application/x-protobuf";
  public static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";

  /** An HTTP request: lower-case header names to their first value. */
  public record Request(String method, String path, Map<String, String> headers, InputStream body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  /** An HTTP response: extra headers beside Content-Type. */
  public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What an export path carries. */
  private enum Signal {
    TRACES,
    LOGS,
    METRICS
  }

  private enum Format {
    PROTOBUF,
    JSON
  }

  private final ExportPipeline pipeline;
  private final AdmissionControl admission;
  private final CollectorMetrics metrics;
  private final long maxBodyBytes;
  private final int retryAfterSeconds;
  private final Authenticator authenticator;
  private final TenantLimits limits;

  /**
   * @param pipeline stores what the requests carry
   * @param admission bounds requests and bytes in flight (shared with gRPC)
   * @param maxBodyBytes larger bodies, compressed or decompressed, are refused with 413
   * @param retryAfterSeconds the {@code Retry-After} of 429 and 503 answers
   */
  public OtlpHttpHandler(
      ExportPipeline pipeline,
      AdmissionControl admission,
      long maxBodyBytes,
      int retryAfterSeconds) {
    this(
        pipeline,
        admission,
        maxBodyBytes,
        retryAfterSeconds,
        Authenticator.open(),
        TenantLimits.none());
  }

  /**
   * @param authenticator maps the Authorization header to a tenant
   * @param limits per-tenant request and byte rates
   */
  public OtlpHttpHandler(
      ExportPipeline pipeline,
      AdmissionControl admission,
      long maxBodyBytes,
      int retryAfterSeconds,
      Authenticator authenticator,
      TenantLimits limits) {
    this.authenticator = authenticator;
    this.limits = limits;
    this.pipeline = pipeline;
    this.admission = admission;
    this.metrics = pipeline.metrics();
    this.maxBodyBytes = maxBodyBytes;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Answers one request; never throws for anything the client sent. */
  public Response handle(Request request) {
    Response response;
    try {
      response = route(request);
    } catch (RuntimeException e) {
      LOG.error("unexpected failure answering {} {}", request.method(), request.path(), e);
      response = error(500, null, Code.INTERNAL, "internal error: see the collector log");
    }
    if (request.path().startsWith("/v1/")) {
      metrics.request(CollectorMetrics.Transport.HTTP, Integer.toString(response.status()));
    }
    return response;
  }

  private Response route(Request request) {
    String path = request.path();
    switch (path) {
      case "/v1/traces" -> {
        return export(request, Signal.TRACES);
      }
      case "/v1/logs" -> {
        return export(request, Signal.LOGS);
      }
      case "/v1/metrics" -> {
        return export(request, Signal.METRICS);
      }
      default -> {
        return error(
            404, null, Code.NOT_FOUND, "no such path: use /v1/traces, /v1/logs or /v1/metrics");
      }
    }
  }

  private Response export(Request request, Signal signal) {
    Format format = format(request.header("content-type"));
    if (!"POST".equals(request.method())) {
      return methodNotAllowed("POST", format);
    }
    Tenant tenant;
    try {
      tenant = authenticator.authenticate(request.header("authorization"));
    } catch (AuthenticationException e) {
      metrics.authRejected(CollectorMetrics.Transport.HTTP);
      Response r = error(401, format, Code.UNAUTHENTICATED, e.getMessage());
      return new Response(
          r.status(),
          r.contentType(),
          r.body(),
          Map.of("WWW-Authenticate", "Bearer realm=\"cab-telemetry\""));
    }
    long wait = limits.admitRequest(tenant);
    if (wait > 0) {
      metrics.tenantLimited(tenant.name(), "requests");
      return retryLater(
          429,
          format,
          Code.RESOURCE_EXHAUSTED,
          "tenant '" + tenant.name() + "' is over its request rate: retry later",
          wait);
    }
    if (format == null) {
      return error(
          415,
          null,
          Code.INVALID_ARGUMENT,
          "unsupported content type '"
              + request.header("content-type")
              + "': use application/x-protobuf or application/json");
    }
    String encoding = request.header("content-encoding");
    boolean gzip;
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      gzip = false;
    } else if (encoding.trim().equalsIgnoreCase("gzip")) {
      gzip = true;
    } else {
      return error(
          415,
          format,
          Code.INVALID_ARGUMENT,
          "unsupported content encoding '" + encoding + "': use gzip or none");
    }
    String length = request.header("content-length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBodyBytes) {
          return tooLarge(format);
        }
      } catch (NumberFormatException e) {
        return error(400, format, Code.INVALID_ARGUMENT, "Content-Length is not a number");
      }
    }
    AdmissionControl.Ticket ticket = admission.tryEnter();
    if (ticket == null) {
      return retryLater(429, format, Code.RESOURCE_EXHAUSTED, "too many requests in flight");
    }
    try (ticket) {
      byte[] body;
      try {
        body = readBody(request.body(), gzip);
      } catch (BodyTooLargeException e) {
        return tooLarge(format);
      } catch (ZipException | EOFException e) {
        return error(
            400, format, Code.INVALID_ARGUMENT, "body is not valid gzip: " + e.getMessage());
      } catch (IOException e) {
        LOG.debug("cannot read request body", e);
        return error(400, format, Code.INVALID_ARGUMENT, "cannot read the request body");
      }
      if (!ticket.reserveBytes(body.length)) {
        return retryLater(429, format, Code.RESOURCE_EXHAUSTED, "too many bytes in flight");
      }
      wait = limits.admitBytes(tenant, body.length);
      if (wait > 0) {
        metrics.tenantLimited(tenant.name(), "bytes");
        return retryLater(
            429,
            format,
            Code.RESOURCE_EXHAUSTED,
            "tenant '" + tenant.name() + "' is over its byte rate: retry later",
            wait);
      }
      metrics.add(Total.BYTES_RECEIVED, body.length);
      try {
        return switch (signal) {
          case TRACES -> exportTraces(body, format, tenant);
          case LOGS -> exportLogs(body, format, tenant);
          case METRICS -> exportMetrics(body, format);
        };
      } catch (OtlpDecodeException e) {
        return error(400, format, Code.INVALID_ARGUMENT, e.getMessage());
      } catch (KafkaUnavailableException e) {
        LOG.warn("answering 503: {}", e.getMessage(), e);
        return retryLater(503, format, Code.UNAVAILABLE, "Kafka is unavailable: " + e.getMessage());
      }
    }
  }

  private Response exportTraces(byte[] body, Format format, Tenant tenant)
      throws OtlpDecodeException, KafkaUnavailableException {
    ExportTraceServiceRequest request;
    if (format == Format.PROTOBUF) {
      try {
        request = ExportTraceServiceRequest.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new OtlpDecodeException(
            "body is not a valid ExportTraceServiceRequest protobuf: " + e.getMessage(), e);
      }
    } else {
      request = OtlpJson.traces(body);
    }
    return ok(pipeline.exportTraces(request, tenant).traceResponse(), format);
  }

  private Response exportLogs(byte[] body, Format format, Tenant tenant)
      throws OtlpDecodeException, KafkaUnavailableException {
    ExportLogsServiceRequest request;
    if (format == Format.PROTOBUF) {
      try {
        request = ExportLogsServiceRequest.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new OtlpDecodeException(
            "body is not a valid ExportLogsServiceRequest protobuf: " + e.getMessage(), e);
      }
    } else {
      request = OtlpJson.logs(body);
    }
    return ok(pipeline.exportLogs(request, tenant).logsResponse(), format);
  }

  private Response exportMetrics(byte[] body, Format format) throws OtlpDecodeException {
    ExportMetricsServiceRequest request;
    if (format == Format.PROTOBUF) {
      try {
        request = ExportMetricsServiceRequest.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new OtlpDecodeException(
            "body is not a valid ExportMetricsServiceRequest protobuf: " + e.getMessage(), e);
      }
    } else {
      request = OtlpJson.metrics(body);
    }
    return ok(pipeline.exportMetrics(request).metricsResponse(), format);
  }

  private byte[] readBody(InputStream raw, boolean gzip) throws IOException {
    InputStream bounded = new BoundedInputStream(raw, maxBodyBytes);
    try (InputStream in =
        gzip ? new BoundedInputStream(new GZIPInputStream(bounded, 8192), maxBodyBytes) : bounded) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  private static Format format(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    return switch (mediaType) {
      case PROTOBUF -> Format.PROTOBUF;
      case JSON -> Format.JSON;
      default -> null;
    };
  }

  private static Response ok(MessageLite message, Format format) {
    return format == Format.PROTOBUF
        ? new Response(200, PROTOBUF, message.toByteArray(), Map.of())
        : new Response(200, JSON, OtlpJson.print((MessageOrBuilder) message), Map.of());
  }

  private Response tooLarge(Format format) {
    return error(
        413,
        format,
        Code.RESOURCE_EXHAUSTED,
        "body exceeds the limit of " + maxBodyBytes + " bytes: export smaller batches");
  }

  private Response retryLater(int status, Format format, Code code, String message) {
    return retryLater(status, format, code, message, retryAfterSeconds);
  }

  private static Response retryLater(
      int status, Format format, Code code, String message, long seconds) {
    Response r = error(status, format, code, message);
    return new Response(
        r.status(), r.contentType(), r.body(), Map.of("Retry-After", Long.toString(seconds)));
  }

  private static Response methodNotAllowed(String allowed, Format format) {
    Response r = error(405, format, Code.UNIMPLEMENTED, "method not allowed: use " + allowed);
    return new Response(r.status(), r.contentType(), r.body(), Map.of("Allow", allowed));
  }

  /** An error answer: a google.rpc.Status in the request's format, plain text if it has none. */
  private static Response error(int status, Format format, Code code, String message) {
    com.google.rpc.Status body =
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
    if (format == Format.PROTOBUF) {
      return new Response(status, PROTOBUF, body.toByteArray(), Map.of());
    }
    if (format == Format.JSON) {
      return new Response(status, JSON, OtlpJson.print(body), Map.of());
    }
    return new Response(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
