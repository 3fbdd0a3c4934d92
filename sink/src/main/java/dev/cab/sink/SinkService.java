package dev.cab.sink;

import dev.cab.model.config.GroupSessionTimeout;
import dev.cab.model.management.ClickHouseHealthCheck;
import dev.cab.model.management.KafkaHealthCheck;
import dev.cab.model.management.StageManagement;
import dev.cab.model.topic.TopicProvisioner;
import dev.cab.sink.clickhouse.ClickHouseConnector;
import dev.cab.sink.clickhouse.ClickHouseErrors;
import dev.cab.sink.clickhouse.Migrations;
import dev.cab.sink.config.SinkSettings;
import dev.cab.sink.consume.SinkLoop;
import dev.cab.sink.dlq.DeadLetterPublisher;
import dev.cab.sink.metrics.SinkMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink stage: Kafka ({@code cab.cells.v1}, {@code cab.spans.v1}, {@code cab.scores.v1}) to
 * ClickHouse ({@code cells}, {@code spans}, {@code score_events}), dead letters to {@code
 * cab.dlq.v1}.
 *
 * <p>{@link #start} connects to ClickHouse, applies the schema migrations and starts the consumer
 * loop on its own thread; {@link #close} flushes what is buffered, commits and stops. Delivery is
 * at least once (see {@link SinkLoop}); a replay collapses in the ReplacingMergeTree tables.
 * Several sinks may run at once: they share the consumer group {@code sink.group.id} and split the
 * partitions. Thread-safe.
 */
public final class SinkService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final SinkSettings settings;
  private final SinkMetrics metrics;
  private final SinkLoop loop;
  private final Thread thread;
  private final ClickHouseConnector clickhouse;
  private final StageManagement management;

  private SinkService(
      SinkSettings settings,
      SinkMetrics metrics,
      SinkLoop loop,
      Thread thread,
      ClickHouseConnector clickhouse,
      StageManagement management) {
    this.management = management;
    this.settings = settings;
    this.metrics = metrics;
    this.loop = loop;
    this.thread = thread;
    this.clickhouse = clickhouse;
  }

  /**
   * Starts a sink: waits up to {@code sink.startup.timeout.ms} for ClickHouse, applies pending
   * migrations, then consumes on a thread of its own.
   *
   * @throws SinkStartException naming the ClickHouse URL (without credentials) when ClickHouse
   *     cannot be reached, refuses the user, or a migration fails
   */
  public static SinkService start(SinkSettings settings) {
    return start(settings, InstantSource.system());
  }

  /** {@link #start(SinkSettings)} with the clock that times batches and retries. */
  public static SinkService start(SinkSettings settings, InstantSource clock) {
    return start(settings, clock, StageManagement.detached(SinkSettings.STAGE));
  }

  /**
   * {@link #start(SinkSettings)} counting into {@code management} (served on the management port),
   * with readiness checks for Kafka and ClickHouse. Takes ownership of {@code management}.
   */
  public static SinkService start(SinkSettings settings, StageManagement management) {
    return start(settings, InstantSource.system(), management);
  }

  private static SinkService start(
      SinkSettings settings, InstantSource clock, StageManagement management) {
    try {
      SinkService service = doStart(settings, clock, management);
      management.readiness(
          "kafka", new KafkaHealthCheck(settings.kafkaBootstrap(), "cab-sink-health"));
      management.readiness("clickhouse", new ClickHouseHealthCheck(settings.clickhouse()));
      return service;
    } catch (RuntimeException e) {
      management.close();
      throw e;
    }
  }

  private static SinkService doStart(
      SinkSettings settings, InstantSource clock, StageManagement management) {
    ClickHouseConnector clickhouse = connect(settings, clock);
    try {
      List<Integer> applied;
      if (settings.separateMigrationsUser()) {
        // The schema belongs to the administrator; the sink itself only inserts and selects.
        try (Connection admin = ClickHouseConnector.openMigrations(settings)) {
          applied = migrate(admin, settings);
        }
      } else {
        applied = migrate(clickhouse.connection(), settings);
      }
      LOG.info(
          "Schema of database {} is up to date{} (migrations as ClickHouse user '{}')",
          settings.database(),
          applied.isEmpty() ? "" : " (applied migrations " + applied + ")",
          settings.migrationsUser());
      settings.prices().load(clickhouse.connection(), settings.database());
      LOG.info(
          "Loaded model prices {} ({} models)",
          settings.prices().version(),
          settings.prices().prices().size());
    } catch (SQLException | RuntimeException e) {
      closeQuietly(clickhouse);
      throw new SinkStartException(
          "cannot apply the schema migrations or load the model prices to database "
              + settings.database()
              + " at "
              + settings.clickhouseUrlForLog(),
          e);
    }

    if (settings.createTopics()) {
      try {
        // at least 10 s: the startup timeout is ClickHouse's, and may be 0 (fail fast)
        Duration timeout =
            settings.startupTimeout().compareTo(Duration.ofSeconds(10)) > 0
                ? settings.startupTimeout()
                : Duration.ofSeconds(10);
        TopicProvisioner.ensure(settings.kafka(), "cab-sink-admin", timeout);
      } catch (TopicProvisioner.TopicsUnavailableException e) {
        closeQuietly(clickhouse);
        throw new SinkStartException(e.getMessage(), e);
      }
    }
    int n = INSTANCES.incrementAndGet();
    SinkMetrics metrics = new SinkMetrics(management.registry());
    KafkaConsumer<byte[], byte[]> consumer = null;
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      consumer = new KafkaConsumer<>(consumerConfig(settings, n));
      producer = new KafkaProducer<>(producerConfig(settings, n));
    } catch (RuntimeException e) {
      if (consumer != null) {
        consumer.close();
      }
      closeQuietly(clickhouse);
      throw new SinkStartException(
          "cannot create the Kafka clients for " + settings.kafkaBootstrap(), e);
    }
    SinkLoop loop =
        new SinkLoop(
            settings,
            consumer,
            clickhouse,
            new DeadLetterPublisher(producer, settings.dlqTopic(), metrics),
            metrics,
            clock);
    management.bindKafkaClient(consumer);
    management.bindKafkaClient(producer);
    Thread thread = new Thread(loop, "cab-sink-" + n);
    SinkService service = new SinkService(settings, metrics, loop, thread, clickhouse, management);
    thread.start();
    LOG.info(
        "Sink started: {} -> ClickHouse {} database {} (group {}, batches of up to {} rows / {} ms)",
        loop.topics(),
        settings.clickhouseUrlForLog(),
        settings.database(),
        settings.groupId(),
        settings.batchMaxRows(),
        settings.batchMaxTime().toMillis());
    return service;
  }

  private static List<Integer> migrate(Connection connection, SinkSettings settings)
      throws SQLException {
    return Migrations.apply(
        connection,
        settings.database(),
        settings.retention().migrationParameters(),
        settings.clickhouseCluster());
  }

  private static ClickHouseConnector connect(SinkSettings settings, InstantSource clock) {
    Instant deadline = clock.instant().plus(settings.startupTimeout());
    Duration backoff = settings.retryInitialBackoff();
    while (true) {
      try {
        return ClickHouseConnector.open(settings);
      } catch (SQLException | RuntimeException e) {
        String where = settings.clickhouseUrlForLog();
        if (ClickHouseErrors.isAuthentication(e)) {
          throw new SinkStartException(
              "ClickHouse at "
                  + where
                  + " refused user '"
                  + settings.clickhouseUser()
                  + "' (check cab.clickhouse.user / cab.clickhouse.password)",
              e);
        }
        if (ClickHouseErrors.classify(e) != ClickHouseErrors.Kind.RETRIABLE
            || !clock.instant().isBefore(deadline)) {
          throw new SinkStartException(
              "cannot reach ClickHouse at "
                  + where
                  + " as user '"
                  + settings.clickhouseUser()
                  + "' within "
                  + settings.startupTimeout().toSeconds()
                  + " s",
              e);
        }
        LOG.warn("ClickHouse at {} is not reachable yet; retrying in {} ms", where, backoff, e);
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new SinkStartException("interrupted while waiting for ClickHouse at " + where, ie);
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(settings.retryMaxBackoff()) > 0) {
          backoff = settings.retryMaxBackoff();
        }
      }
    }
  }

  static Map<String, Object> consumerConfig(SinkSettings s, int instance) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, s.clientId() + "-" + instance + "-consumer");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Bytes, not wire records: a value that does not decode is dead-lettered as it was.
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Offsets are committed by the loop, after ClickHouse accepted the batch.
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A new group loads everything: cab.cells.v1 is compacted and holds every cell.
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The streams stage writes transactionally: never store an aborted cell version.
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Topics are created by the pipeline with their configs (compaction); never by a consumer.
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // Fewer, larger polls; the loop flushes mid-poll when a batch is full.
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, s.maxPollRecords());
    // Default 45 s: how long a SIGKILLed sink keeps its partitions before the others take them
    // over. The heartbeat stays at most a third of it.
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) s.sessionTimeout().toMillis());
    c.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) GroupSessionTimeout.heartbeatInterval(s.sessionTimeout()).toMillis());
    return c;
  }

  static Map<String, Object> producerConfig(SinkSettings s, int instance) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap());
    c.put(ProducerConfig.CLIENT_ID_CONFIG, s.clientId() + "-" + instance + "-dlq");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return c;
  }

  /**
   * Stops like a crash: no final flush, no commit (tests of the delivery guarantee). Buffered
   * records are read again by the next sink of the group.
   */
  void abort() throws InterruptedException {
    loop.abort();
    thread.join();
    closeQuietly(clickhouse);
    management.close();
  }

  /** The sink's counters now. */
  public SinkMetrics.Snapshot metrics() {
    return metrics.snapshot();
  }

  /** The settings it runs with. */
  public SinkSettings settings() {
    return settings;
  }

  /** True while the consumer loop runs. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /** Why the loop stopped on its own (fatal ClickHouse error, retries exhausted, ...). */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(loop.failure());
  }

  /**
   * Waits until the loop ends (after {@link #close} or a failure).
   *
   * @return true when it ended within the timeout
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    thread.join(timeout);
    return !thread.isAlive();
  }

  /**
   * Stops the loop: flushes what is buffered (retrying for up to {@code sink.close.timeout.ms}),
   * commits, closes the Kafka clients and the ClickHouse connection. Idempotent.
   */
  @Override
  public void close() {
    loop.stop();
    try {
      Duration wait = settings.closeTimeout().plus(settings.insertTimeout()).plusSeconds(10);
      if (!awaitTermination(wait)) {
        LOG.warn("Sink loop did not stop within {}; interrupting it", wait);
        thread.interrupt();
        thread.join(Duration.ofSeconds(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(clickhouse);
      management.close();
    }
  }

  private static void closeQuietly(ClickHouseConnector c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Closing the ClickHouse connection failed", e);
    }
  }
}
