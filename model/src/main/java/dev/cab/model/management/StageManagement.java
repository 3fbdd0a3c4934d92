package dev.cab.model.management;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * One stage's share of a {@link ManagementServer}: a meter registry whose every meter carries the
 * label {@code stage=<name>}, and the health checks that decide whether the stage is ready. A stage
 * gets one from {@link ManagementServer#stage(String)} (or {@link #detached(String)} in tests that
 * start a service without a port), registers its counters and Kafka clients, and closes it when it
 * stops: its meters leave the shared registry and it no longer counts for readiness. Thread-safe.
 */
public final class StageManagement implements AutoCloseable {
  /** How often Kafka client metrics are re-read for meters that appear later (partitions). */
  static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

  private final String stage;
  private final MeterRegistry shared;
  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final Runnable onClose;
  private ScheduledExecutorService scheduler;

  StageManagement(String stage, MeterRegistry shared, Runnable onClose) {
    this.stage = stage;
    this.shared = shared;
    this.onClose = onClose;
    registry.config().commonTags("stage", stage);
    registry.add(shared);
  }

  /** A stage not served on any port: its meters are still counted (tests, embedding). */
  public static StageManagement detached(String stage) {
    return ManagementServer.detached().stage(stage);
  }

  public String stage() {
    return stage;
  }

  /** Where the stage registers its meters; each gets the {@code stage} label. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Adds a readiness check, e.g. {@code "kafka"}; {@code /health/ready} runs it on every call. */
  public StageManagement readiness(String name, HealthCheck check) {
    checks.put(name, check);
    if (check instanceof AutoCloseable c) {
      closeables.add(c);
    }
    return this;
  }

  /** Binds the Kafka client's own metrics (producer, consumer or admin) with the stage label. */
  public void bindKafkaClient(Object client) {
    List<Tag> none = List.of();
    KafkaClientMetrics metrics =
        switch (client) {
          case Producer<?, ?> p ->
              new KafkaClientMetrics(p, none, scheduler(), KAFKA_METRICS_REFRESH);
          case Consumer<?, ?> c ->
              new KafkaClientMetrics(c, none, scheduler(), KAFKA_METRICS_REFRESH);
          case AdminClient a -> new KafkaClientMetrics(a, none, scheduler(), KAFKA_METRICS_REFRESH);
          default -> throw new IllegalArgumentException("not a Kafka client: " + client);
        };
    metrics.bindTo(registry);
    closeables.add(metrics);
  }

  /** Anything to close with the stage (e.g. a Kafka Streams metrics binder). */
  public void closeWithStage(AutoCloseable closeable) {
    closeables.add(closeable);
  }

  /**
   * The scheduler Micrometer's Kafka binders use to pick up metrics that appear after binding
   * (per-partition lag after an assignment): one daemon thread per stage, stopped with it.
   */
  public synchronized ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("cab-" + stage + "-metrics").factory());
    }
    return scheduler;
  }

  Map<String, HealthCheck> checks() {
    return checks;
  }

  /** Unbinds the stage: its meters leave the shared registry, its checks stop counting. */
  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(StageManagement.class)
            .debug("closing {} of stage {}", c, stage, e);
      }
    }
    closeables.clear();
    synchronized (this) {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
    }
    List<Meter> mine = new ArrayList<>(registry.getMeters());
    for (Meter m : mine) {
      registry.remove(m);
    }
    shared.getMeters().stream()
        .filter(m -> stage.equals(m.getId().getTag("stage")))
        .toList()
        .forEach(shared::remove);
    registry.remove(shared);
    onClose.run();
  }
}
