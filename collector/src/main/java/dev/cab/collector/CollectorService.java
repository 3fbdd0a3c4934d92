package dev.cab.collector;

import dev.cab.collector.auth.AuthSettings;
import dev.cab.collector.auth.TenantLimits;
import dev.cab.collector.auth.Tls;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.collector.grpc.OtlpGrpcServer;
import dev.cab.collector.http.OtlpHttpHandler;
import dev.cab.collector.http.OtlpHttpServer;
import dev.cab.collector.internal.AdmissionControl;
import dev.cab.collector.internal.ExportPipeline;
import dev.cab.collector.kafka.KafkaRecordWriter;
import dev.cab.collector.kafka.RecordWriter;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.redact.SecretRedactor;
import dev.cab.model.management.KafkaHealthCheck;
import dev.cab.model.management.StageManagement;
import dev.cab.model.topic.TopicProvisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector stage: OTLP/HTTP and OTLP/gRPC receivers in front of one idempotent Kafka producer.
 * Spans go to {@code cab.spans.v1}, scorer events to {@code cab.scores.v1}, keyed by cell id, with
 * secrets masked. An export is answered 200/OK only after Kafka acknowledged every record it stored
 * (at-least-once end to end when the runner retries 429/503).
 *
 * <p>{@link #close()} stops accepting, lets requests in progress finish (bounded by the drain
 * timeout) and flushes the producer. Thread-safe.
 */
public final class CollectorService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CollectorService.class);

  private final CollectorMetrics metrics;
  private final RecordWriter writer;
  private final OtlpHttpServer http;
  private final OtlpGrpcServer grpc;
  private final StageManagement management;

  private CollectorService(
      CollectorMetrics metrics,
      RecordWriter writer,
      OtlpHttpServer http,
      OtlpGrpcServer grpc,
      StageManagement management) {
    this.management = management;
    this.metrics = metrics;
    this.writer = writer;
    this.http = http;
    this.grpc = grpc;
  }

  /**
   * Creates missing topics (when {@code cab.kafka.topic.create}), connects the producer and binds
   * both endpoints.
   *
   * @throws UncheckedIOException when a port cannot be bound (cause: {@link
   *     java.net.BindException})
   * @throws IllegalStateException when Kafka cannot be reached to create topics
   */
  public static CollectorService start(CollectorSettings settings) {
    return start(settings, StageManagement.detached(CollectorSettings.STAGE));
  }

  /**
   * Like {@link #start(CollectorSettings)}, counting into {@code management} (served on the
   * management port) and registering the Kafka readiness check there. Takes ownership of it.
   */
  public static CollectorService start(CollectorSettings settings, StageManagement management) {
    try {
      if (settings.createTopics()) {
        try {
          TopicProvisioner.ensure(
              settings.kafka(), "cab-collector-admin", settings.kafkaAckTimeout());
        } catch (TopicProvisioner.TopicsUnavailableException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
      KafkaRecordWriter writer =
          KafkaRecordWriter.create(
              settings.kafkaBootstrap(),
              settings.kafkaAckTimeout(),
              settings.kafkaLinger(),
              settings.maxRecordBytes());
      writer.bindMetrics(management);
      management.readiness(
          "kafka", new KafkaHealthCheck(settings.kafkaBootstrap(), "cab-collector-health"));
      return start(settings, writer, management);
    } catch (RuntimeException e) {
      management.close();
      throw e;
    }
  }

  /** Starts the endpoints in front of any record writer (tests, benchmarks). Takes ownership. */
  static CollectorService start(CollectorSettings settings, RecordWriter writer) {
    return start(settings, writer, StageManagement.detached(CollectorSettings.STAGE));
  }

  private static CollectorService start(
      CollectorSettings settings, RecordWriter writer, StageManagement management) {
    CollectorMetrics metrics = new CollectorMetrics(management.registry());
    ExportPipeline pipeline =
        new ExportPipeline(
            writer,
            new SecretRedactor(),
            metrics,
            settings.kafkaAckTimeout(),
            settings.maxRecordBytes());
    AdmissionControl admission =
        new AdmissionControl(settings.maxInflightRequests(), settings.maxInflightBytes());
    AuthSettings auth = settings.auth();
    TenantLimits limits = auth.limits(settings.maxBodyBytes());
    OtlpHttpServer http = null;
    OtlpGrpcServer grpc = null;
    try {
      if (settings.httpPort() >= 0) {
        int retryAfterSeconds =
            (int) Math.max(1, Math.ceilDiv(settings.retryAfter().toMillis(), 1000));
        http =
            OtlpHttpServer.start(
                new InetSocketAddress(settings.bindAddress(), settings.httpPort()),
                new OtlpHttpHandler(
                    pipeline,
                    admission,
                    settings.maxBodyBytes(),
                    retryAfterSeconds,
                    auth.authenticator(),
                    limits),
                settings.drainTimeout(),
                auth.tls() ? Tls.serverContext(auth.keystore(), auth.keystorePassword()) : null);
      }
      if (settings.grpcPort() >= 0) {
        grpc =
            OtlpGrpcServer.start(
                new InetSocketAddress(settings.bindAddress(), settings.grpcPort()),
                pipeline,
                admission,
                settings.maxBodyBytes(),
                settings.retryAfter(),
                settings.drainTimeout(),
                auth.authenticator(),
                limits,
                auth.keystore(),
                auth.keystorePassword());
      }
    } catch (IOException e) {
      closeQuietly(http, grpc, writer);
      throw new UncheckedIOException(
          "cannot listen on " + settings.bindAddress() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(http, grpc, writer);
      throw e;
    }
    CollectorService service = new CollectorService(metrics, writer, http, grpc, management);
    LOG.info(
        "collector listening on {} (OTLP/HTTP port {}, OTLP/gRPC port {}{}), Kafka at {}; {}",
        settings.bindAddress(),
        service.httpPort(),
        service.grpcPort(),
        auth.tls() ? ", TLS" : "",
        settings.kafkaBootstrap(),
        auth.tokens() == null
            ? "open: no bearer token needed (set " + AuthSettings.TOKENS_FILE + " to require one)"
            : auth.tokens().size() + " bearer tokens accepted, per-tenant sweep prefixes enforced");
    return service;
  }

  /** The bound OTLP/HTTP port, or -1 when disabled. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The bound OTLP/gRPC port, or -1 when disabled. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.port();
  }

  /** The live counters. */
  public CollectorMetrics metrics() {
    return metrics;
  }

  /** Stops accepting, drains requests in progress, flushes and closes the producer. */
  @Override
  public void close() {
    if (grpc != null) {
      grpc.stopAccepting();
    }
    closeQuietly(http, grpc, writer);
    LOG.info("collector stopped: {}", metrics.snapshot());
    management.close();
  }

  private static void closeQuietly(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r == null) {
        continue;
      }
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", r.getClass().getSimpleName(), e);
      }
    }
  }
}
