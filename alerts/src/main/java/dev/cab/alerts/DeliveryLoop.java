package dev.cab.alerts;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.deliver.DeliveryException;
import dev.cab.alerts.deliver.Receiver;
import dev.cab.alerts.lifecycle.AlertStates;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.AlertRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alert transitions from {@code cab.alerts.v1} to the receivers, so nothing is lost while
 * a receiver is down: a transition's offset is committed (group {@code alerts.delivery.group.id})
 * only after every receiver accepted it; a retriable failure (I/O, 408, 429, 5xx) is retried with
 * exponential back-off for as long as it takes, the partitions paused so the group keeps the loop;
 * a refusal (other 4xx) is logged with the receiver's answer, counted, and passed over.
 *
 * <p>Delivered: {@code firing}, and {@code resolved} after {@code firing}. Pending alerts and
 * pending-then-resolved ones stay on the topic and in ClickHouse. Alertmanager also gets every
 * firing alert again each {@code alerts.resend.interval.ms} (it forgets alerts that are not
 * re-sent); the firing set is rebuilt from the compacted topic at start.
 *
 * <p>Threading: {@link #run()} owns the consumers; {@link #stop()} may be called from any thread.
 */
final class DeliveryLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);

  private final AlertsSettings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final Consumer<byte[], byte[]> replay;
  private final List<Receiver> receivers;
  private final AlertsMetrics metrics;
  private final Clock clock;
  private final Map<String, AlertRecord> firing = new LinkedHashMap<>();
  private final RateLimitedLog resendFailures = new RateLimitedLog(LOG);
  private Instant nextResend;
  private volatile boolean running = true;
  private volatile Throwable failure;

  DeliveryLoop(
      AlertsSettings settings,
      Consumer<byte[], byte[]> consumer,
      Consumer<byte[], byte[]> replay,
      List<Receiver> receivers,
      AlertsMetrics metrics,
      Clock clock) {
    this.settings = settings;
    this.consumer = consumer;
    this.replay = replay;
    this.receivers = List.copyOf(receivers);
    this.metrics = metrics;
    this.clock = clock;
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      rebuildFiring();
      nextResend = clock.instant().plus(settings.resendInterval());
      consumer.subscribe(List.of(settings.alertsTopic()));
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          deliver(r);
          consumer.commitSync(
              Map.of(
                  new TopicPartition(r.topic(), r.partition()),
                  new OffsetAndMetadata(r.offset() + 1)));
        }
        resendIfDue();
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("Alert delivery failed; stopping (undelivered transitions stay on the topic)", e);
    } finally {
      closeQuietly(consumer);
      closeQuietly(replay);
    }
  }

  /** The firing set as the compacted topic has it now (for re-sends after a restart). */
  private void rebuildFiring() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (var info : replay.partitionsFor(settings.alertsTopic(), settings.startupTimeout())) {
      partitions.add(new TopicPartition(settings.alertsTopic(), info.partition()));
    }
    replay.assign(partitions);
    replay.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = replay.endOffsets(partitions, settings.startupTimeout());
    while (running
        && end.entrySet().stream().anyMatch(e -> replay.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<byte[], byte[]> r : replay.poll(Duration.ofMillis(200))) {
        AlertRecord a = decode(r);
        if (a != null) {
          track(a);
        }
      }
    }
    LOG.info("Alert delivery: {} alerts firing at start", firing.size());
  }

  private AlertRecord decode(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return null;
    }
    try {
      return Topics.ALERTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      LOG.warn(
          "Alert delivery: undecodable record at {}/{}@{} passed over",
          r.topic(),
          r.partition(),
          r.offset(),
          e);
      return null;
    }
  }

  private void track(AlertRecord a) {
    if (a.state().equals(AlertStates.FIRING)) {
      firing.put(a.fingerprint(), a);
    } else {
      firing.remove(a.fingerprint());
    }
  }

  private static boolean deliverable(AlertRecord a) {
    return a.state().equals(AlertStates.FIRING)
        || (a.state().equals(AlertStates.RESOLVED) && AlertStates.FIRING.equals(a.previousState()));
  }

  private void deliver(ConsumerRecord<byte[], byte[]> r) throws InterruptedException {
    AlertRecord a = decode(r);
    if (a == null) {
      return;
    }
    track(a);
    if (!deliverable(a)) {
      return;
    }
    for (Receiver receiver : receivers) {
      deliverWithRetry(receiver, a);
    }
  }

  private void deliverWithRetry(Receiver receiver, AlertRecord a) throws InterruptedException {
    Duration backoff = settings.retryInitialBackoff();
    int attempt = 0;
    while (running) {
      attempt++;
      try {
        receiver.send(List.of(a), clock.instant());
        metrics.delivered.incrementAndGet();
        LOG.info("Alert delivered to {}: {} {}", receiver.name(), a.state(), a.summary());
        return;
      } catch (DeliveryException e) {
        metrics.deliveryFailures.incrementAndGet();
        if (!e.retriable()) {
          metrics.rejectedByReceiver.incrementAndGet();
          LOG.error(
              "Alert {} ({} {}) refused by {}, not retried: {}",
              a.fingerprint(),
              a.rule(),
              a.state(),
              receiver.name(),
              e.getMessage(),
              e);
          return;
        }
        if (attempt == 1 || attempt % 10 == 0) {
          LOG.warn(
              "Alert {} not delivered to {} (attempt {}), retrying in {} ms: {}",
              a.fingerprint(),
              receiver.name(),
              attempt,
              backoff.toMillis(),
              e.getMessage(),
              e);
        }
        waitKeepingGroup(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff =
            doubled.compareTo(settings.retryMaxBackoff()) > 0
                ? settings.retryMaxBackoff()
                : doubled;
      }
    }
    // Stopping: the offset is not committed, so the next start delivers it.
    throw new WakeupException();
  }

  /** Waits while polling with every partition paused, so the group does not evict this loop. */
  private void waitKeepingGroup(Duration d) {
    Set<TopicPartition> assigned = consumer.assignment();
    consumer.pause(assigned);
    try {
      Instant end = clock.instant().plus(d);
      while (running && clock.instant().isBefore(end)) {
        var unexpected = consumer.poll(Duration.between(clock.instant(), end));
        for (TopicPartition tp : unexpected.partitions()) {
          // Defensive: a partition fetched anyway is rewound so nothing is skipped.
          consumer.seek(tp, unexpected.records(tp).getFirst().offset());
          consumer.pause(List.of(tp));
        }
      }
    } finally {
      consumer.resume(consumer.assignment());
    }
  }

  private void resendIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextResend)) {
      return;
    }
    nextResend = now.plus(settings.resendInterval());
    if (firing.isEmpty()) {
      return;
    }
    for (Receiver receiver : receivers) {
      if (!receiver.wantsResend()) {
        continue;
      }
      try {
        receiver.send(new ArrayList<>(firing.values()), now);
        metrics.resends.incrementAndGet();
      } catch (DeliveryException e) {
        metrics.deliveryFailures.incrementAndGet();
        resendFailures.warn(
            "Re-sending "
                + firing.size()
                + " firing alerts to "
                + receiver.name()
                + " failed (tried again in "
                + settings.resendInterval().toMillis()
                + " ms): "
                + e.getMessage(),
            null);
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Closing a Kafka client of the alert delivery failed", e);
    }
  }
}
