package dev.cab.alerts;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.detect.CellObservations;
import dev.cab.alerts.detect.Detector;
import dev.cab.alerts.stats.AlphaSpending;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.AlertRecord;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.SweepPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detection as cells land: reads the compacted {@code cab.cells.v1} from its beginning (every
 * partition, no consumer group: the topic is the detector's state, rebuilt at each start), feeds
 * the {@link Detector}, and writes each alert transition to {@code cab.alerts.v1} (idempotent
 * producer, acks=all, each batch awaited before the next poll).
 *
 * <p>At start it first reads {@code cab.alerts.v1} back, so a restart repeats no transition, and it
 * evaluates only once it has caught up with the cells that were there at start (interim states of a
 * replay would otherwise resolve and re-fire alerts). One instance per cluster: two would write the
 * same transitions twice (harmless for the compacted topic and the sink's ReplacingMergeTree, noisy
 * for webhooks).
 *
 * <p>Threading: {@link #run()} owns both clients; {@link #stop()} may be called from any thread.
 */
final class DetectionLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(DetectionLoop.class);

  private final AlertsSettings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final Producer<String, AlertRecord> producer;
  private final AlertsMetrics metrics;
  private final Clock clock;
  private final Detector detector;
  private final RateLimitedLog undecodable = new RateLimitedLog(LOG);
  private final RateLimitedLog unusable = new RateLimitedLog(LOG);
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private volatile Throwable failure;

  DetectionLoop(
      AlertsSettings settings,
      Consumer<byte[], byte[]> consumer,
      Producer<String, AlertRecord> producer,
      AlertsMetrics metrics,
      Clock clock) {
    this.settings = settings;
    this.consumer = consumer;
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
    this.detector =
        new Detector(
            new AlphaSpending(settings.looks(), settings.spendingRho()),
            settings.fdr(),
            settings.minPairs(),
            settings.baselineSweeps(),
            settings.keptSweeps(),
            line -> LOG.info("{}", line));
    settings.baselines().forEach(detector::declareBaseline);
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }

  Throwable failure() {
    return failure;
  }

  /** Whether the replay of the cells present at start is done. */
  boolean caughtUp() {
    return caughtUp;
  }

  @Override
  public void run() {
    try {
      restoreAlerts();
      // The plans first in the assignment, though only reaching both ends starts evaluation: a
      // plan's baseline is known before any comparison is chosen.
      Map<TopicPartition, Long> end =
          assignFromBeginning(settings.sweepPlansTopic(), settings.cellsTopic());
      LOG.info(
          "Alerts: replaying {} and {} ({} records)",
          settings.sweepPlansTopic(),
          settings.cellsTopic(),
          total(end));
      while (running) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          take(r);
        }
        if (!caughtUp && reached(end)) {
          caughtUp = true;
          LOG.info("Alerts: caught up with {}; detecting live", settings.cellsTopic());
        }
        if (caughtUp) {
          publish(detector.evaluate(clock.instant()));
          metrics.hypothesesTested.set(detector.hypothesesTested());
          Map<String, Long> byState = new HashMap<>();
          for (AlertRecord a : detector.lifecycle().current().values()) {
            byState.merge(a.state(), 1L, Long::sum);
          }
          metrics.current(byState);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException | ExecutionException e) {
      failure = e;
      LOG.error("Alerts detection failed; stopping", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } finally {
      closeQuietly(consumer);
      closeQuietly(producer);
    }
  }

  private void restoreAlerts() {
    Map<TopicPartition, Long> end = assignFromBeginning(settings.alertsTopic());
    int n = 0;
    while (running && !reached(end)) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.value() == null) {
          continue;
        }
        try {
          detector
              .lifecycle()
              .restore(Topics.ALERTS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
          n++;
        } catch (SerializationException e) {
          undecodable.warn(
              "Alerts: undecodable record at "
                  + r.topic()
                  + "/"
                  + r.partition()
                  + "@"
                  + r.offset()
                  + " skipped while restoring alert states",
              e);
        }
      }
    }
    LOG.info(
        "Alerts: restored the state of {} alert transitions from {}", n, settings.alertsTopic());
  }

  private Map<TopicPartition, Long> assignFromBeginning(String... topics) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (var info : consumer.partitionsFor(topic, settings.startupTimeout())) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return new HashMap<>(consumer.endOffsets(partitions, settings.startupTimeout()));
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static long total(Map<TopicPartition, Long> end) {
    return end.values().stream().mapToLong(Long::longValue).sum();
  }

  private void take(ConsumerRecord<byte[], byte[]> r) {
    if (r.topic().equals(settings.sweepPlansTopic())) {
      takePlan(r);
      return;
    }
    if (r.value() == null) {
      metrics.tombstones.incrementAndGet();
      if (r.key() != null) {
        detector.delete(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
      }
      return;
    }
    CellRecord cell;
    try {
      cell = Topics.CELLS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      metrics.undecodable.incrementAndGet();
      undecodable.warn(
          "Alerts: undecodable cell record at "
              + r.topic()
              + "/"
              + r.partition()
              + "@"
              + r.offset()
              + " left out of detection",
          e);
      return;
    }
    metrics.cells.incrementAndGet();
    try {
      detector.accept(CellObservations.of(cell));
    } catch (CellObservations.Unusable e) {
      metrics.unusable.incrementAndGet();
      unusable.warn("Alerts: " + e.getMessage(), null);
    }
  }

  private void publish(List<AlertRecord> transitions)
      throws ExecutionException, InterruptedException {
    if (transitions.isEmpty()) {
      return;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (AlertRecord a : transitions) {
      LOG.info("Alert {} -> {}: {}", a.previousState(), a.state(), a.summary());
      sent.add(producer.send(new ProducerRecord<>(settings.alertsTopic(), a.fingerprint(), a)));
    }
    producer.flush();
    for (Future<RecordMetadata> f : sent) {
      f.get();
    }
    for (AlertRecord a : transitions) {
      metrics.transition(a.state());
    }
  }

  /** A sweep plan: its baseline, if it declares one, becomes the sweep's declared baseline. */
  private void takePlan(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return; // a deleted plan: the baseline chosen from it stays for the comparison's life
    }
    SweepPlan plan;
    try {
      plan = Topics.SWEEP_PLANS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      metrics.undecodablePlans.incrementAndGet();
      undecodable.warn(
          "Alerts: undecodable sweep plan at "
              + r.topic()
              + "/"
              + r.partition()
              + "@"
              + r.offset()
              + " skipped; its sweep gets the automatic baseline",
          e);
      return;
    }
    if (plan == null || plan.sweepId() == null || plan.sweepId().isBlank()) {
      metrics.undecodablePlans.incrementAndGet();
      undecodable.warn(
          "Alerts: sweep plan without sweep id at "
              + r.topic()
              + "/"
              + r.partition()
              + "@"
              + r.offset()
              + " skipped",
          null);
      return;
    }
    metrics.plans.incrementAndGet();
    detector.declarePlannedBaseline(plan.sweepId(), plan.baselineSweepId());
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Closing a Kafka client of the alerts stage failed", e);
    }
  }
}
