package dev.cab.alerts;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.alerts.deliver.HttpReceiver;
import dev.cab.alerts.deliver.Receiver;
import dev.cab.model.management.KafkaHealthCheck;
import dev.cab.model.management.StageManagement;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.topic.TopicProvisioner;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.AlertRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts stage: a detection thread ({@link DetectionLoop}: {@code cab.cells.v1} -> {@code
 * cab.alerts.v1}) and, when a receiver is configured, a delivery thread ({@link DeliveryLoop}:
 * {@code cab.alerts.v1} -> Alertmanager / webhook). Start with {@link #start}, stop with {@link
 * #close} (idempotent, from any thread).
 */
public final class AlertsService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);

  private final AlertsMetrics metrics = new AlertsMetrics();
  private final DetectionLoop detection;
  private final DeliveryLoop delivery;
  private final Thread detectionThread;
  private final Thread deliveryThread;
  private final StageManagement management;
  private volatile boolean closed;

  private AlertsService(AlertsSettings s, Clock clock, StageManagement management) {
    this.management = management;
    detection =
        new DetectionLoop(
            s, new KafkaConsumer<>(replayProps(s, "detect")), producer(s), metrics, clock);
    List<Receiver> receivers = new ArrayList<>();
    if (!s.alertmanagerUrl().isEmpty()) {
      receivers.add(
          HttpReceiver.alertmanager(s.alertmanagerUrl(), s.httpTimeout(), s.resendInterval()));
    }
    if (!s.webhookUrl().isEmpty()) {
      receivers.add(HttpReceiver.webhook(s.webhookUrl(), s.httpTimeout()));
    }
    if (receivers.isEmpty()) {
      LOG.info(
          "Alerts: no receiver configured ({} / {} unset): alerts go to {} and ClickHouse only",
          AlertsSettings.ALERTMANAGER_URL,
          AlertsSettings.WEBHOOK_URL,
          s.alertsTopic());
      delivery = null;
    } else {
      delivery =
          new DeliveryLoop(
              s,
              new KafkaConsumer<>(groupProps(s)),
              new KafkaConsumer<>(replayProps(s, "delivery-replay")),
              receivers,
              metrics,
              clock);
      LOG.info("Alerts: delivering to {}", receivers.stream().map(Receiver::name).toList());
    }
    detectionThread = Thread.ofPlatform().name("cab-alerts-detect").unstarted(detection);
    deliveryThread =
        delivery == null
            ? null
            : Thread.ofPlatform().name("cab-alerts-deliver").unstarted(delivery);
  }

  /**
   * Checks Kafka, creates the alerts topic when missing, and starts both loops; its counters are
   * not served (tests, embedding).
   *
   * @throws AlertsStartException when Kafka does not answer within {@code
   *     alerts.startup.timeout.ms}
   */
  public static AlertsService start(AlertsSettings settings) {
    return start(settings, StageManagement.detached(AlertsSettings.STAGE));
  }

  /**
   * {@link #start(AlertsSettings)} counting into {@code management} ({@code cab_alerts_*} on the
   * management port), with a readiness check for Kafka. Takes ownership of {@code management}.
   */
  public static AlertsService start(AlertsSettings settings, StageManagement management) {
    return start(settings, Clock.systemUTC(), management);
  }

  static AlertsService start(AlertsSettings settings, Clock clock, StageManagement management) {
    try {
      createMissingTopics(settings);
      AlertsService s = new AlertsService(settings, clock, management);
      s.metrics.bind(management.registry());
      management.readiness(
          "kafka",
          new KafkaHealthCheck(settings.kafkaBootstrap(), settings.clientId() + "-health"));
      // Ready once detection has replayed the cells that were there at start, while both loops run.
      management.readiness(
          "detection",
          timeout -> {
            if (s.failure().isPresent()) {
              throw new IllegalStateException("stopped: " + s.failure().get());
            }
            if (!s.caughtUp()) {
              throw new IllegalStateException("replaying " + settings.cellsTopic());
            }
          });
      s.detectionThread.start();
      if (s.deliveryThread != null) {
        s.deliveryThread.start();
      }
      return s;
    } catch (RuntimeException e) {
      management.close();
      throw e;
    }
  }

  /**
   * The topics it reads and writes, under their configured names, through the topic catalogue's
   * provisioner like every stage (unless {@code cab.kafka.topic.create=false}).
   */
  private static void createMissingTopics(AlertsSettings s) {
    if (!s.kafka().createTopics()) {
      return;
    }
    Duration timeout = s.startupTimeout();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                s.kafkaBootstrap(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                s.clientId() + "-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))) {
      TopicProvisioner.ensure(
          admin,
          List.of(
              Topics.CELLS.withName(s.cellsTopic()),
              Topics.SWEEP_PLANS.withName(s.sweepPlansTopic()),
              Topics.ALERTS.withName(s.alertsTopic())),
          s.kafka(),
          timeout);
    } catch (TopicProvisioner.TopicsUnavailableException e) {
      throw new AlertsStartException(e.getMessage(), e);
    }
  }

  private static Properties replayProps(AlertsSettings s, String role) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.clientId() + "-" + role);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Read only what streams committed: a cell of an aborted transaction never counts.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  private static Properties groupProps(AlertsSettings s) {
    Properties p = replayProps(s, "delivery");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.deliveryGroupId());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A delivery retried with back-off polls paused partitions; one record at a time keeps the
    // in-flight work small.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
    return p;
  }

  private static KafkaProducer<String, AlertRecord> producer(AlertsSettings s) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, s.clientId() + "-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(
        p, new StringSerializer(), new JsonSerde<>(AlertRecord.class).serializer());
  }

  /** Counters. */
  public AlertsMetrics metrics() {
    return metrics;
  }

  /** Whether detection has replayed the cells that were on the topic at start. */
  public boolean caughtUp() {
    return detection.caughtUp();
  }

  /** Why a loop ended on its own, if one did. */
  public Optional<Throwable> failure() {
    Throwable t = detection.failure();
    if (t == null && delivery != null) {
      t = delivery.failure();
    }
    return Optional.ofNullable(t);
  }

  /** Waits until both loops ended (a failure, or {@link #close}). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    detectionThread.join(timeout);
    if (deliveryThread != null) {
      deliveryThread.join(timeout);
    }
    return !detectionThread.isAlive() && (deliveryThread == null || !deliveryThread.isAlive());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    detection.stop();
    if (delivery != null) {
      delivery.stop();
    }
    try {
      detectionThread.join(Duration.ofSeconds(30));
      if (deliveryThread != null) {
        deliveryThread.join(Duration.ofSeconds(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("Alerts stopped: {}", metrics);
    management.close();
  }

  @Override
  public String toString() {
    return "alerts";
  }
}
