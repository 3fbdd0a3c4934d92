package dev.cab.runner;

import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link CabTelemetry} exports. Everything left unset here follows the standard OpenTelemetry
 * SDK variables ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL}, {@code
 * _HEADERS}, {@code _TIMEOUT}, {@code _COMPRESSION}, {@code _CERTIFICATE}, their {@code _TRACES_}
 * and {@code _LOGS_} variants, {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}, {@code
 * OTEL_BSP_*}, {@code OTEL_BLRP_*}, and the matching {@code otel.*} system properties); what is set
 * here wins over them. Immutable; build with {@link #builder()}.
 */
public final class CabTelemetryOptions {

  /** The OTLP transport. */
  public enum Protocol {
    /** OTLP over HTTP with protobuf bodies: the standard default. */
    HTTP_PROTOBUF("http/protobuf"),
    /** OTLP over gRPC. */
    GRPC("grpc");

    private final String value;

    Protocol(String value) {
      this.value = value;
    }

    /** The value of {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
    public String value() {
      return value;
    }
  }

  /** Service name when neither {@code OTEL_SERVICE_NAME} nor the options set one. */
  public static final String DEFAULT_SERVICE_NAME = "cab-runner";

  /**
   * Queue size of both batch processors (the SDK default is 2048): the simulator emits thousands of
   * cells of ~10 spans and 6 events as fast as it can, and a full queue drops data silently.
   */
  public static final int DEFAULT_MAX_QUEUE_SIZE = 65_536;

  /**
   * Spans per OTLP request (SDK default 512): fewer, larger requests at simulator rates while a
   * request stays around a megabyte.
   */
  public static final int DEFAULT_SPAN_BATCH_SIZE = 1024;

  /** Scorer events per OTLP request: their bodies carry stdout tails, so half the span batch. */
  public static final int DEFAULT_EVENT_BATCH_SIZE = 512;

  /**
   * Delay between batch exports (SDK default 5 s for spans, 1 s for logs): a cell's data reaches
   * the collector within a fraction of a second, which the live dashboards and the demo want.
   */
  public static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofMillis(200);

  /**
   * How long a failed export is sent again, with back-off, on top of the OTLP exporter's own
   * retries (at most five attempts within a few seconds): long enough for a collector restart or a
   * Kafka outage of a minute or two to lose nothing. Setting {@value #RESEND_FOR_PROPERTY}
   * (variable {@code CAB_EXPORT_RESEND_FOR}, e.g. {@code 5m}; {@code 0} turns it off).
   */
  public static final Duration DEFAULT_RESEND_FOR = Duration.ofMinutes(2);

  /** The SDK property (and, upper-cased with {@code _}, the variable) of the resend window. */
  public static final String RESEND_FOR_PROPERTY = "cab.export.resend.for";

  private final String endpoint;
  private final Protocol protocol;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final String compression;
  private final String serviceName;
  private final Integer maxQueueSize;
  private final Integer spanBatchSize;
  private final Integer eventBatchSize;
  private final Duration scheduleDelay;
  private final Duration resendFor;
  private final Map<String, String> properties;
  private final SpanExporter spanExporter;
  private final LogRecordExporter logRecordExporter;

  private CabTelemetryOptions(Builder b) {
    this.endpoint = b.endpoint;
    this.protocol = b.protocol;
    this.headers = b.headers == null ? null : Map.copyOf(b.headers);
    this.timeout = b.timeout;
    this.compression = b.compression;
    this.serviceName = b.serviceName;
    this.maxQueueSize = b.maxQueueSize;
    this.spanBatchSize = b.spanBatchSize;
    this.eventBatchSize = b.eventBatchSize;
    this.scheduleDelay = b.scheduleDelay;
    this.resendFor = b.resendFor;
    this.properties = Map.copyOf(b.properties);
    this.spanExporter = b.spanExporter;
    this.logRecordExporter = b.logRecordExporter;
  }

  /** Options that take everything from the standard variables. */
  public static CabTelemetryOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** OTLP base endpoint overriding the variables, or null. */
  public String endpoint() {
    return endpoint;
  }

  /** Protocol overriding the variables, or null. */
  public Protocol protocol() {
    return protocol;
  }

  /** Export headers overriding {@code OTEL_EXPORTER_OTLP_HEADERS}, or null. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Export timeout overriding the variables, or null. */
  public Duration timeout() {
    return timeout;
  }

  /** Compression ({@code gzip} or {@code none}) overriding the variables, or null. */
  public String compression() {
    return compression;
  }

  /** Service name overriding the variables, or null. */
  public String serviceName() {
    return serviceName;
  }

  /** Batch processor queue size overriding the variables, or null. */
  public Integer maxQueueSize() {
    return maxQueueSize;
  }

  /** Spans per export overriding {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}, or null. */
  public Integer spanBatchSize() {
    return spanBatchSize;
  }

  /** Scorer events per export overriding {@code OTEL_BLRP_MAX_EXPORT_BATCH_SIZE}, or null. */
  public Integer eventBatchSize() {
    return eventBatchSize;
  }

  /** Delay between batch exports overriding the variables, or null. */
  public Duration scheduleDelay() {
    return scheduleDelay;
  }

  /** Resend window of failed exports overriding {@code CAB_EXPORT_RESEND_FOR}, or null. */
  public Duration resendFor() {
    return resendFor;
  }

  /** Further {@code otel.*} SDK properties that win over the variables. */
  public Map<String, String> properties() {
    return properties;
  }

  /** Span exporter used instead of OTLP (tests), or null. */
  public SpanExporter spanExporter() {
    return spanExporter;
  }

  /** Log record exporter used instead of OTLP (tests), or null. */
  public LogRecordExporter logRecordExporter() {
    return logRecordExporter;
  }

  /** Builds {@link CabTelemetryOptions}; every setter validates its argument. */
  public static final class Builder {
    private String endpoint;
    private Protocol protocol;
    private Map<String, String> headers;
    private Duration timeout;
    private String compression;
    private String serviceName;
    private Integer maxQueueSize;
    private Integer spanBatchSize;
    private Integer eventBatchSize;
    private Duration scheduleDelay;
    private Duration resendFor;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private SpanExporter spanExporter;
    private LogRecordExporter logRecordExporter;

    private Builder() {}

    /**
     * OTLP base endpoint, e.g. {@code http://localhost:4318} for http/protobuf (the SDK appends
     * {@code /v1/traces} and {@code /v1/logs}) or {@code http://localhost:4317} for gRPC. Wins over
     * the general and the signal-specific endpoint variables.
     */
    public Builder endpoint(String endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("endpoint is not a URI: " + endpoint, e);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "endpoint must be an absolute http or https URL: " + endpoint);
      }
      this.endpoint =
          endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
      return this;
    }

    /** OTLP transport; wins over {@code OTEL_EXPORTER_OTLP_PROTOCOL} and its signal variants. */
    public Builder protocol(Protocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /** Export headers (e.g. an API key); replace {@code OTEL_EXPORTER_OTLP_HEADERS}. */
    public Builder headers(Map<String, String> headers) {
      Objects.requireNonNull(headers, "headers");
      headers.forEach(
          (k, v) -> {
            if (k == null || k.isBlank() || v == null || k.contains(",") || k.contains("=")) {
              throw new IllegalArgumentException("headers: invalid header " + k);
            }
          });
      this.headers = new LinkedHashMap<>(headers);
      return this;
    }

    /** Time allowed for one export request. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** {@code gzip} or {@code none}. */
    public Builder compression(String compression) {
      if (!"gzip".equals(compression) && !"none".equals(compression)) {
        throw new IllegalArgumentException("compression must be gzip or none, got: " + compression);
      }
      this.compression = compression;
      return this;
    }

    /** The resource's {@code service.name}; defaults to {@value #DEFAULT_SERVICE_NAME}. */
    public Builder serviceName(String serviceName) {
      if (serviceName == null || serviceName.isBlank()) {
        throw new IllegalArgumentException("serviceName must not be blank");
      }
      this.serviceName = serviceName;
      return this;
    }

    /** Queue size of both batch processors; defaults to {@value #DEFAULT_MAX_QUEUE_SIZE}. */
    public Builder maxQueueSize(int maxQueueSize) {
      this.maxQueueSize = positive(maxQueueSize, "maxQueueSize");
      return this;
    }

    /** Spans per export; defaults to {@value #DEFAULT_SPAN_BATCH_SIZE}. */
    public Builder spanBatchSize(int spanBatchSize) {
      this.spanBatchSize = positive(spanBatchSize, "spanBatchSize");
      return this;
    }

    /** Scorer events per export; defaults to {@value #DEFAULT_EVENT_BATCH_SIZE}. */
    public Builder eventBatchSize(int eventBatchSize) {
      this.eventBatchSize = positive(eventBatchSize, "eventBatchSize");
      return this;
    }

    /** Delay between batch exports; defaults to {@link #DEFAULT_SCHEDULE_DELAY}. */
    public Builder scheduleDelay(Duration scheduleDelay) {
      this.scheduleDelay = positive(scheduleDelay, "scheduleDelay");
      return this;
    }

    /**
     * How long a failed export of the OTLP exporter is sent again, with back-off, until the
     * endpoint acknowledges it; {@link Duration#ZERO} leaves only the exporter's own retries.
     * Defaults to {@link #DEFAULT_RESEND_FOR}. Exporters given with {@link #spanExporter} or {@link
     * #logRecordExporter} bring their own delivery and are never wrapped.
     */
    public Builder resendFor(Duration resendFor) {
      Objects.requireNonNull(resendFor, "resendFor");
      if (resendFor.isNegative()) {
        throw new IllegalArgumentException("resendFor must not be negative, got " + resendFor);
      }
      this.resendFor = resendFor;
      return this;
    }

    /** One more {@code otel.*} SDK property (e.g. {@code otel.exporter.otlp.certificate}). */
    public Builder property(String key, String value) {
      if (key == null || !key.startsWith("otel.")) {
        throw new IllegalArgumentException("property keys start with otel., got: " + key);
      }
      properties.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sends spans to this exporter instead of OTLP, through the same batch processor (tests use
     * OTel's {@code InMemorySpanExporter}). The telemetry shuts it down on close.
     */
    public Builder spanExporter(SpanExporter spanExporter) {
      this.spanExporter = Objects.requireNonNull(spanExporter, "spanExporter");
      return this;
    }

    /** Sends scorer events to this exporter instead of OTLP, through the same batch processor. */
    public Builder logRecordExporter(LogRecordExporter logRecordExporter) {
      this.logRecordExporter = Objects.requireNonNull(logRecordExporter, "logRecordExporter");
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException when a batch size exceeds the queue size
     */
    public CabTelemetryOptions build() {
      int queue = maxQueueSize == null ? DEFAULT_MAX_QUEUE_SIZE : maxQueueSize;
      if (spanBatchSize != null && spanBatchSize > queue) {
        throw new IllegalArgumentException(
            "spanBatchSize " + spanBatchSize + " exceeds maxQueueSize " + queue);
      }
      if (eventBatchSize != null && eventBatchSize > queue) {
        throw new IllegalArgumentException(
            "eventBatchSize " + eventBatchSize + " exceeds maxQueueSize " + queue);
      }
      return new CabTelemetryOptions(this);
    }

    private static int positive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
