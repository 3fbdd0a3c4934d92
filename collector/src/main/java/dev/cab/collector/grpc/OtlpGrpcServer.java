package dev.cab.collector.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.cab.collector.auth.AuthenticationException;
import dev.cab.collector.auth.Authenticator;
import dev.cab.collector.auth.Tenant;
import dev.cab.collector.auth.TenantLimits;
import dev.cab.collector.auth.Tls;
import dev.cab.collector.internal.AdmissionControl;
import dev.cab.collector.internal.ExportPipeline;
import dev.cab.collector.kafka.KafkaUnavailableException;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.metrics.CollectorMetrics.Total;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC endpoint ({@code TraceService/Export}, {@code LogsService/Export}, {@code
 * MetricsService/Export}: metrics are counted, not stored) on grpc-java's shaded Netty, with calls
 * run on virtual threads. Same semantics as OTLP/HTTP: OK with {@code partial_success} after Kafka
 * acknowledged, INVALID_ARGUMENT for a message that does not decode (the request bytes are parsed
 * here rather than by gRPC's marshaller, which would say INTERNAL), RESOURCE_EXHAUSTED with a
 * {@link RetryInfo} when overloaded (OTLP exporters retry it only with one), UNAVAILABLE when Kafka
 * did not acknowledge. gzip request compression is built in.
 *
 * <p>Once tokens are configured, a call without a valid {@code authorization: Bearer <token>}
 * metadata entry ends UNAUTHENTICATED before its message is read; a tenant over its request or byte
 * rate gets RESOURCE_EXHAUSTED with a {@link RetryInfo}; TLS when a keystore is configured. Every
 * status carries a one-line reason.
 */
public final class OtlpGrpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcServer.class);

  private final Server server;
  private final ExecutorService executor;
  private final Duration drainTimeout;

  private OtlpGrpcServer(Server server, ExecutorService executor, Duration drainTimeout) {
    this.server = server;
    this.executor = executor;
    this.drainTimeout = drainTimeout;
  }

  /**
   * Binds and starts serving.
   *
   * @param address where to listen; port 0 picks a free port
   * @param maxMessageBytes larger (decompressed) messages are refused by gRPC
   * @param retryAfter the retry delay advertised when overloaded or Kafka is unavailable
   * @param drainTimeout how long {@link #close()} waits for calls in progress
   * @throws IOException when the address cannot be bound
   */
  public static OtlpGrpcServer start(
      InetSocketAddress address,
      ExportPipeline pipeline,
      AdmissionControl admission,
      int maxMessageBytes,
      Duration retryAfter,
      Duration drainTimeout)
      throws IOException {
    return start(
        address,
        pipeline,
        admission,
        maxMessageBytes,
        retryAfter,
        drainTimeout,
        Authenticator.open(),
        TenantLimits.none(),
        null,
        "");
  }

  /**
   * Binds and starts serving, with authentication, per-tenant limits and optionally TLS.
   *
   * @param keystore the TLS keystore, null for plain text
   * @throws IOException when the address cannot be bound
   */
  public static OtlpGrpcServer start(
      InetSocketAddress address,
      ExportPipeline pipeline,
      AdmissionControl admission,
      int maxMessageBytes,
      Duration retryAfter,
      Duration drainTimeout,
      Authenticator authenticator,
      TenantLimits limits,
      Path keystore,
      String keystorePassword)
      throws IOException {
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("otlp-grpc-", 0).factory());
    Calls calls = new Calls(pipeline, admission, retryAfter, limits);
    ServerInterceptor auth = new BearerInterceptor(authenticator, pipeline.metrics());
    NettyServerBuilder builder =
        keystore == null
            ? NettyServerBuilder.forAddress(address)
            : NettyServerBuilder.forAddress(
                address,
                TlsServerCredentials.newBuilder()
                    .keyManager(Tls.keyManagers(keystore, keystorePassword).getKeyManagers())
                    .build());
    Server server =
        builder
            .executor(executor)
            .maxInboundMessageSize(maxMessageBytes)
            .addService(
                ServerInterceptors.intercept(
                    service(
                        TraceServiceGrpc.SERVICE_NAME,
                        TraceServiceGrpc.getExportMethod(),
                        ExportTraceServiceResponse.getDefaultInstance(),
                        calls::traces),
                    auth))
            .addService(
                ServerInterceptors.intercept(
                    service(
                        LogsServiceGrpc.SERVICE_NAME,
                        LogsServiceGrpc.getExportMethod(),
                        ExportLogsServiceResponse.getDefaultInstance(),
                        calls::logs),
                    auth))
            .addService(
                ServerInterceptors.intercept(
                    service(
                        MetricsServiceGrpc.SERVICE_NAME,
                        MetricsServiceGrpc.getExportMethod(),
                        ExportMetricsServiceResponse.getDefaultInstance(),
                        calls::metrics),
                    auth))
            .build()
            .start();
    return new OtlpGrpcServer(server, executor, drainTimeout);
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /**
   * The service of an OTLP {@code Export} method, whose request reaches {@code call} as the raw
   * bytes (decoded there, after the admission checks).
   */
  private static <R extends Message> ServerServiceDefinition service(
      String serviceName,
      MethodDescriptor<?, R> export,
      R emptyResponse,
      ServerCalls.UnaryMethod<byte[], R> call) {
    MethodDescriptor<byte[], R> method =
        export.toBuilder(RawBytes.INSTANCE, ProtoUtils.marshaller(emptyResponse)).build();
    return ServerServiceDefinition.builder(serviceName)
        .addMethod(method, ServerCalls.asyncUnaryCall(call))
        .build();
  }

  /** Stops accepting new calls without waiting (so that both endpoints drain together). */
  public void stopAccepting() {
    server.shutdown();
  }

  /** Stops accepting calls, waits up to the drain timeout for calls in progress, then stops. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }

  /** The tenant of the call in progress, set by {@link BearerInterceptor}. */
  private static final Context.Key<Tenant> TENANT = Context.key("cab-tenant");

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Authenticates a call from its metadata before its message is read. */
  private record BearerInterceptor(Authenticator authenticator, CollectorMetrics metrics)
      implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      Tenant tenant;
      try {
        tenant = authenticator.authenticate(headers.get(AUTHORIZATION));
      } catch (AuthenticationException e) {
        metrics.authRejected(CollectorMetrics.Transport.GRPC);
        metrics.request(CollectorMetrics.Transport.GRPC, Status.Code.UNAUTHENTICATED.name());
        call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return Contexts.interceptCall(
          Context.current().withValue(TENANT, tenant), call, headers, next);
    }
  }

  /** The three unary calls. */
  private record Calls(
      ExportPipeline pipeline,
      AdmissionControl admission,
      Duration retryAfter,
      TenantLimits limits) {

    void traces(byte[] bytes, StreamObserver<ExportTraceServiceResponse> observer) {
      answer(
          bytes,
          observer,
          () ->
              pipeline
                  .exportTraces(
                      parse(bytes, ExportTraceServiceRequest.getDefaultInstance()), tenant())
                  .traceResponse());
    }

    void logs(byte[] bytes, StreamObserver<ExportLogsServiceResponse> observer) {
      answer(
          bytes,
          observer,
          () ->
              pipeline
                  .exportLogs(parse(bytes, ExportLogsServiceRequest.getDefaultInstance()), tenant())
                  .logsResponse());
    }

    void metrics(byte[] bytes, StreamObserver<ExportMetricsServiceResponse> observer) {
      answer(
          bytes,
          observer,
          () ->
              pipeline
                  .exportMetrics(parse(bytes, ExportMetricsServiceRequest.getDefaultInstance()))
                  .metricsResponse());
    }

    /**
     * The request in {@code bytes}, of the type of {@code empty}, or INVALID_ARGUMENT naming the
     * message that did not decode.
     */
    private static <Q extends Message> Q parse(byte[] bytes, Q empty) {
      try {
        @SuppressWarnings("unchecked") // a generated message's parser makes its own type
        Q request = (Q) empty.getParserForType().parseFrom(bytes);
        return request;
      } catch (InvalidProtocolBufferException e) {
        throw invalid(
            "not a valid " + empty.getDescriptorForType().getName() + ": " + e.getMessage());
      }
    }

    private interface Export<R> {
      R run() throws KafkaUnavailableException;
    }

    private static Tenant tenant() {
      Tenant t = TENANT.get();
      return t == null ? Tenant.OPEN : t;
    }

    private <R> void answer(byte[] bytes, StreamObserver<R> observer, Export<R> export) {
      CollectorMetrics metrics = pipeline.metrics();
      Tenant tenant = tenant();
      long wait = limits.admitRequest(tenant);
      String limit = "requests";
      if (wait == 0) {
        wait = limits.admitBytes(tenant, bytes.length);
        limit = "bytes";
      }
      if (wait > 0) {
        metrics.tenantLimited(tenant.name(), limit);
        fail(
            observer,
            retryLater(
                Code.RESOURCE_EXHAUSTED,
                "tenant '" + tenant.name() + "' is over its request or byte rate: retry later",
                Duration.ofSeconds(wait)));
        return;
      }
      AdmissionControl.Ticket ticket = admission.tryEnter();
      if (ticket == null) {
        fail(observer, retryLater(Code.RESOURCE_EXHAUSTED, "too many requests in flight"));
        return;
      }
      try (ticket) {
        if (!ticket.reserveBytes(bytes.length)) {
          fail(observer, retryLater(Code.RESOURCE_EXHAUSTED, "too many bytes in flight"));
          return;
        }
        metrics.add(Total.BYTES_RECEIVED, bytes.length);
        R response = export.run();
        metrics.request(CollectorMetrics.Transport.GRPC, "OK");
        observer.onNext(response);
        observer.onCompleted();
      } catch (StatusRuntimeException e) {
        fail(observer, e);
      } catch (KafkaUnavailableException e) {
        LOG.warn("answering UNAVAILABLE: {}", e.getMessage(), e);
        fail(observer, retryLater(Code.UNAVAILABLE, "Kafka is unavailable: " + e.getMessage()));
      } catch (RuntimeException e) {
        LOG.error("unexpected failure in an OTLP/gRPC export", e);
        fail(observer, status(Code.INTERNAL, "internal error: see the collector log", null));
      }
    }

    private void fail(StreamObserver<?> observer, StatusRuntimeException e) {
      pipeline.metrics().request(CollectorMetrics.Transport.GRPC, e.getStatus().getCode().name());
      observer.onError(e);
    }

    private StatusRuntimeException retryLater(Code code, String message) {
      return retryLater(code, message, retryAfter);
    }

    private static StatusRuntimeException retryLater(
        Code code, String message, Duration retryAfter) {
      RetryInfo retry =
          RetryInfo.newBuilder()
              .setRetryDelay(
                  com.google.protobuf.Duration.newBuilder()
                      .setSeconds(retryAfter.toSeconds())
                      .setNanos(retryAfter.toNanosPart()))
              .build();
      return status(code, message, retry);
    }

    private static StatusRuntimeException invalid(String message) {
      return status(Code.INVALID_ARGUMENT, message, null);
    }

    private static StatusRuntimeException status(Code code, String message, RetryInfo retry) {
      com.google.rpc.Status.Builder status =
          com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message);
      if (retry != null) {
        status.addDetails(Any.pack(retry));
      }
      return StatusProto.toStatusRuntimeException(status.build());
    }
  }
}
