package dev.cab.runner;

import dev.cab.runner.internal.CabLogRecordExporter;
import dev.cab.runner.internal.CabSpanExporter;
import dev.cab.runner.internal.CellIdGenerator;
import dev.cab.runner.internal.ExportCounters;
import dev.cab.runner.internal.SignalExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The runner-side entry point: emits a benchmark cell's spans and scorer events over OTLP in
 * exactly the shape the cab-telemetry collector decodes (see {@link CabAttributes}).
 *
 * <pre>{@code
 * try (CabTelemetry telemetry = CabTelemetry.fromEnvironment()) {   // OTEL_EXPORTER_OTLP_* apply
 *   Cell cell = telemetry.startCell(
 *       CellIdentity.of("sweep-1", "aider", "meta/llama-3.3-70b-instruct", "mutations/x"));
 *   try (CellSpan setup = cell.span(CellSpanKind.TASK_SETUP, "prepare:mutations/x")) {
 *     setup.set("workdir", "/tmp/work").set("plugin_stack", List.of());
 *   }
 *   CellSpan root = cell.root()                                      // adapter_run, tui:task
 *       .containerImage("codingagentbench/aider:1.0", "sha256:4f2a...").modelBuildId("llama-3.3");
 *   cell.modelCall(TokenUsage.of(1200, 300)).end();                  // a child of the root
 *   root.exitCode(0).end();
 *   cell.score(Axis.PASS_RATE, 1, Map.of("pass", 1, "exit_code", 0, "timed_out", false));
 *   cell.evaluation(Axis.LATENCY, 19005.2).efficiency(0.68).emit();
 *   cell.end();                                                      // ends what is still open
 *   FlushResult flushed = telemetry.flush(Duration.ofSeconds(10));   // bounded wait
 * }
 * }</pre>
 *
 * <p>One trace per cell: every span of the cell shares the cell's trace id; spans started while the
 * root (adapter_run) span is open are its children, others (task_setup before it, cleanup after it)
 * have no parent. Scorer events are OTLP log records named {@value
 * CabAttributes#EVALUATION_EVENT_NAME}, linked to the root span.
 *
 * <p>Delivery: spans and events go through batch processors (large queues, 200 ms delay), the OTLP
 * exporter's retries, and resends of a failed export for {@link
 * CabTelemetryOptions#DEFAULT_RESEND_FOR} (a collector restart loses nothing); nothing is
 * guaranteed until {@link #flush} or {@link #close} reports {@link FlushResult#allExported()}. A
 * full queue drops data: emitters that produce faster than the endpoint accepts should pace
 * themselves with {@link #awaitBacklogAtMost}. Thread-safe; close it once, there is no shutdown
 * hook.
 */
public final class CabTelemetry implements AutoCloseable {
  /** The instrumentation scope of every span and event. */
  public static final String INSTRUMENTATION_SCOPE = "dev.cab.runner";

  /** Bound on the wait of {@link #close()} without an argument. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final Logger logger;
  private final CellIdGenerator ids = new CellIdGenerator();
  private final ExportCounters spanCounters = new ExportCounters();
  private final ExportCounters eventCounters = new ExportCounters();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile int spanQueueSize = CabTelemetryOptions.DEFAULT_MAX_QUEUE_SIZE;
  private volatile int eventQueueSize = CabTelemetryOptions.DEFAULT_MAX_QUEUE_SIZE;

  private CabTelemetry(CabTelemetryOptions options) {
    this.sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(CabTelemetry::defaultProperties)
            .addPropertiesCustomizer(config -> overrides(options, config))
            // A benchmark cell is never sampled away, whatever OTEL_TRACES_SAMPLER says.
            .addSamplerCustomizer((sampler, config) -> Sampler.alwaysOn())
            .addTracerProviderCustomizer(
                (builder, config) -> {
                  spanQueueSize = config.getInt("otel.bsp.max.queue.size", spanQueueSize);
                  return builder.setIdGenerator(ids);
                })
            .addLoggerProviderCustomizer(
                (builder, config) -> {
                  eventQueueSize = config.getInt("otel.blrp.max.queue.size", eventQueueSize);
                  return builder;
                })
            .addSpanExporterCustomizer(
                (exporter, config) ->
                    new CabSpanExporter(
                        wired(
                            exporter,
                            options.spanExporter(),
                            CabSpanExporter::core,
                            spanCounters,
                            config,
                            "spans")))
            .addLogRecordExporterCustomizer(
                (exporter, config) ->
                    new CabLogRecordExporter(
                        wired(
                            exporter,
                            options.logRecordExporter(),
                            CabLogRecordExporter::core,
                            eventCounters,
                            config,
                            "scorer events")))
            .addResourceCustomizer(CabTelemetry::defaultServiceName)
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    this.tracer = sdk.getTracer(INSTRUMENTATION_SCOPE);
    this.logger = sdk.getLogsBridge().get(INSTRUMENTATION_SCOPE);
  }

  /**
   * Telemetry configured by {@code options}, then by the standard {@code OTEL_*} variables.
   *
   * @throws IllegalArgumentException when the variables are invalid (the SDK's message names the
   *     property)
   */
  public static CabTelemetry create(CabTelemetryOptions options) {
    try {
      return new CabTelemetry(options);
    } catch (io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException e) {
      throw new IllegalArgumentException(
          "invalid OpenTelemetry configuration: " + e.getMessage(), e);
    }
  }

  /** Telemetry configured by the standard {@code OTEL_*} variables alone. */
  public static CabTelemetry fromEnvironment() {
    return create(CabTelemetryOptions.defaults());
  }

  /** Starts a cell with a random trace id and root span id. */
  public Cell startCell(CellIdentity identity) {
    return startCell(identity, new CellTraceIds(randomHex(16), randomHex(8)));
  }

  /** Starts a cell with chosen OTLP ids (seed replay, deterministic simulation). */
  public Cell startCell(CellIdentity identity, CellTraceIds traceIds) {
    if (closed.get()) {
      throw new IllegalStateException("telemetry is closed");
    }
    return new Cell(this, identity, traceIds);
  }

  /**
   * Declares a sweep's matrix before its cells run: one {@value
   * CabAttributes#SWEEP_PLAN_EVENT_NAME} log record carrying the sweep id, the agent CLIs, models
   * and tasks as string arrays and the baseline, if any. Declaring again replaces the plan (the
   * newest declaration wins).
   */
  public void declareSweep(SweepPlan plan) {
    if (closed.get()) {
      throw new IllegalStateException("telemetry is closed");
    }
    LogRecordBuilder record =
        logger
            .logRecordBuilder()
            .setEventName(CabAttributes.SWEEP_PLAN_EVENT_NAME)
            .setTimestamp(Instant.now())
            .setAttribute(AttributeKey.stringKey(CabAttributes.SWEEP_ID), plan.sweepId())
            .setAttribute(AttributeKey.stringArrayKey(CabAttributes.SWEEP_TUIS), plan.tuis())
            .setAttribute(AttributeKey.stringArrayKey(CabAttributes.SWEEP_MODELS), plan.models())
            .setAttribute(AttributeKey.stringArrayKey(CabAttributes.SWEEP_TASKS), plan.tasks());
    if (plan.baselineSweepId() != null) {
      record.setAttribute(
          AttributeKey.stringKey(CabAttributes.SWEEP_BASELINE), plan.baselineSweepId());
    }
    record.emit();
    eventEmitted();
  }

  /**
   * Exports everything emitted so far, waiting at most {@code timeout}.
   *
   * @return what was exported; {@link FlushResult#allExported()} says whether it was everything
   */
  public FlushResult flush(Duration timeout) {
    CompletableResultCode result =
        CompletableResultCode.ofAll(
            List.of(
                sdk.getSdkTracerProvider().forceFlush(), sdk.getSdkLoggerProvider().forceFlush()));
    return counts(join(result, timeout));
  }

  /**
   * Flushes and shuts the SDK down, waiting at most {@code timeout}. Later calls only report.
   *
   * @return what was exported in the end
   */
  public FlushResult close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return counts(true);
    }
    return counts(join(sdk.shutdown(), timeout));
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /** The export counts now, without waiting. */
  public FlushResult counts() {
    return counts(true);
  }

  /** Spans and events handed to the SDK and not yet acknowledged or failed by the exporter. */
  public long backlog() {
    return spanCounters.backlog() + eventCounters.backlog();
  }

  /** The smaller of the two batch processors' queue sizes in effect. */
  public int maxQueueSize() {
    return Math.min(spanQueueSize, eventQueueSize);
  }

  /**
   * Waits until at most {@code maxItems} spans and {@code maxItems} events are unconfirmed, or the
   * timeout passes: lets a fast emitter stay below the queue size instead of having data dropped.
   *
   * @return whether the backlog is below the bound
   */
  public boolean awaitBacklogAtMost(long maxItems, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    return spanCounters.awaitBacklogAtMost(maxItems, deadline)
        && eventCounters.awaitBacklogAtMost(maxItems, deadline);
  }

  /** The SDK's own description: processors, exporters, endpoints (header values masked). */
  @Override
  public String toString() {
    return "CabTelemetry{" + sdk + "}";
  }

  Tracer tracer() {
    return tracer;
  }

  Logger logger() {
    return logger;
  }

  CellIdGenerator ids() {
    return ids;
  }

  void spanEnded() {
    spanCounters.submitted(1);
  }

  void eventEmitted() {
    eventCounters.submitted(1);
  }

  private FlushResult counts(boolean completedInTime) {
    return new FlushResult(
        completedInTime,
        spanCounters.submitted(),
        spanCounters.exported(),
        spanCounters.failed(),
        eventCounters.submitted(),
        eventCounters.exported(),
        eventCounters.failed());
  }

  /**
   * The exporter of one signal as the SDK will call it, counted in {@code counters}: the one the
   * SDK configured with resends on top, or the one {@code options} gave (the configured one is shut
   * down unused; a given exporter gets no resends).
   *
   * @param given the exporter from {@code options}, or null
   * @param core the signal's adapter from an SDK exporter to the shared core
   */
  private static <E, T> SignalExporter<T> wired(
      E configured,
      E given,
      Function<E, SignalExporter<T>> core,
      ExportCounters counters,
      ConfigProperties config,
      String signal) {
    counters.enable();
    if (given == null) {
      return core.apply(configured).resending(resendFor(config), signal).counting(counters);
    }
    core.apply(configured).shutdown();
    return core.apply(given).counting(counters);
  }

  private static Duration resendFor(ConfigProperties config) {
    Duration d =
        config.getDuration(
            CabTelemetryOptions.RESEND_FOR_PROPERTY, CabTelemetryOptions.DEFAULT_RESEND_FOR);
    if (d.isNegative()) {
      throw new IllegalArgumentException(
          CabTelemetryOptions.RESEND_FOR_PROPERTY + " must not be negative, got " + d);
    }
    return d;
  }

  private static boolean join(CompletableResultCode result, Duration timeout) {
    result.join(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
    return result.isDone() && result.isSuccess();
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    do {
      RANDOM.nextBytes(b);
    } while (allZero(b));
    return HEX.formatHex(b);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** The lowest-priority defaults: the standard variables override every one of them. */
  private static Map<String, String> defaultProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    // The SDK autoconfigure module defaults to grpc; the OTLP specification's default is this.
    p.put("otel.exporter.otlp.protocol", CabTelemetryOptions.Protocol.HTTP_PROTOBUF.value());
    p.put("otel.traces.exporter", "otlp");
    p.put("otel.logs.exporter", "otlp");
    // The runner sends traces and events only; SDK metrics would be a third stream to the
    // collector, which does not accept them.
    p.put("otel.metrics.exporter", "none");
    p.put("otel.bsp.max.queue.size", String.valueOf(CabTelemetryOptions.DEFAULT_MAX_QUEUE_SIZE));
    p.put(
        "otel.bsp.max.export.batch.size",
        String.valueOf(CabTelemetryOptions.DEFAULT_SPAN_BATCH_SIZE));
    p.put("otel.bsp.schedule.delay", CabTelemetryOptions.DEFAULT_SCHEDULE_DELAY.toMillis() + "ms");
    p.put("otel.blrp.max.queue.size", String.valueOf(CabTelemetryOptions.DEFAULT_MAX_QUEUE_SIZE));
    p.put(
        "otel.blrp.max.export.batch.size",
        String.valueOf(CabTelemetryOptions.DEFAULT_EVENT_BATCH_SIZE));
    p.put("otel.blrp.schedule.delay", CabTelemetryOptions.DEFAULT_SCHEDULE_DELAY.toMillis() + "ms");
    return p;
  }

  /** The options' settings, which win over the standard variables. */
  static Map<String, String> overrides(CabTelemetryOptions options, ConfigProperties config) {
    Map<String, String> p = new LinkedHashMap<>();
    String protocol =
        options.protocol() != null
            ? options.protocol().value()
            : config.getString("otel.exporter.otlp.protocol", "http/protobuf");
    if (options.protocol() != null) {
      forAllSignals(p, "protocol", protocol);
    }
    if (options.endpoint() != null) {
      p.put("otel.exporter.otlp.endpoint", options.endpoint());
      for (String signal : List.of("traces", "logs")) {
        String signalProtocol =
            options.protocol() != null
                ? protocol
                : config.getString("otel.exporter.otlp." + signal + ".protocol", protocol);
        // The http/protobuf exporter takes a signal-specific endpoint as the full URL.
        String path = "grpc".equals(signalProtocol) ? "" : "/v1/" + signal;
        p.put("otel.exporter.otlp." + signal + ".endpoint", options.endpoint() + path);
      }
    }
    if (options.headers() != null) {
      forAllSignals(
          p,
          "headers",
          options.headers().entrySet().stream()
              .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining(",")));
    }
    if (options.timeout() != null) {
      forAllSignals(p, "timeout", options.timeout().toMillis() + "ms");
    }
    if (options.compression() != null) {
      forAllSignals(p, "compression", options.compression());
    }
    if (options.serviceName() != null) {
      p.put("otel.service.name", options.serviceName());
    }
    if (options.maxQueueSize() != null) {
      p.put("otel.bsp.max.queue.size", options.maxQueueSize().toString());
      p.put("otel.blrp.max.queue.size", options.maxQueueSize().toString());
    }
    if (options.spanBatchSize() != null) {
      p.put("otel.bsp.max.export.batch.size", options.spanBatchSize().toString());
    }
    if (options.eventBatchSize() != null) {
      p.put("otel.blrp.max.export.batch.size", options.eventBatchSize().toString());
    }
    if (options.scheduleDelay() != null) {
      p.put("otel.bsp.schedule.delay", options.scheduleDelay().toMillis() + "ms");
      p.put("otel.blrp.schedule.delay", options.scheduleDelay().toMillis() + "ms");
    }
    if (options.resendFor() != null) {
      p.put(CabTelemetryOptions.RESEND_FOR_PROPERTY, options.resendFor().toMillis() + "ms");
    }
    p.putAll(options.properties());
    return p;
  }

  private static void forAllSignals(Map<String, String> p, String setting, String value) {
    p.put("otel.exporter.otlp." + setting, value);
    p.put("otel.exporter.otlp.traces." + setting, value);
    p.put("otel.exporter.otlp.logs." + setting, value);
  }

  private static Resource defaultServiceName(Resource resource, ConfigProperties config) {
    String name = resource.getAttribute(AttributeKey.stringKey("service.name"));
    if (name == null || name.startsWith("unknown_service")) {
      return resource.merge(
          Resource.builder().put("service.name", CabTelemetryOptions.DEFAULT_SERVICE_NAME).build());
    }
    return resource;
  }
}
