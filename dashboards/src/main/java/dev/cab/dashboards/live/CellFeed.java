package dev.cab.dashboards.live;

import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.SweepPlan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the cell records the streams stage writes ({@code cab.cells.v1}) and the sweep plans the
 * collector writes ({@code cab.sweep-plans.v1}), and hands each batch to the board push as it
 * arrives, decoded with {@code model}'s serdes only. It reads what was committed only ({@code
 * read_committed}: a cell of an aborted transaction never shows), with no consumer group and no
 * commits: it takes every partition of both topics and starts at their end, since what was written
 * before is in ClickHouse or on its way there, and the board's full read covers it. A record that
 * cannot be decoded is counted ({@code cab_dashboards_push_undecodable_total}) and skipped. While
 * Kafka or the cell topic is missing it retries every second; the boards keep following ClickHouse
 * meanwhile (without the plan topic it reads the cells alone: plans then come from ClickHouse). It
 * never creates a topic. One platform thread; {@link #close()} stops it.
 */
public final class CellFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CellFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** Cell records handed to the push at a time. */
  private static final int CHUNK = 32;

  /** Batches of records as they are read. */
  public interface Listener {
    /** Cell records, their Kafka timestamps, and when they were read. */
    void arrived(List<CellRecord> cells, List<Long> timestamps, long readMillis);

    /** Sweep plans (newest last) and when they were read. */
    void planned(List<SweepPlan> plans, long readMillis);
  }

  private final String topic;
  private final String plansTopic;
  private final String bootstrap;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Listener listener;
  private final Counter undecodable;
  private final Counter read;
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean reading;
  private long lastProblemLog;

  private CellFeed(DashboardsSettings s, Listener listener, MeterRegistry registry) {
    this.topic = s.cellsTopic();
    this.plansTopic = s.sweepPlansTopic();
    this.bootstrap = s.kafkaBootstrap();
    this.consumer = new KafkaConsumer<>(props(s));
    this.listener = listener;
    this.undecodable =
        Counter.builder("cab_dashboards_push_undecodable")
            .description("cell records and sweep plans the board push could not decode (skipped)")
            .register(registry);
    this.read =
        Counter.builder("cab_dashboards_push_cells")
            .description("cell records the board push read from Kafka")
            .register(registry);
    this.thread = Thread.ofPlatform().name("cab-dashboards-cells").daemon().unstarted(this::run);
  }

  /** Starts reading {@code s.cellsTopic()} and {@code s.sweepPlansTopic()} from their end. */
  public static CellFeed start(DashboardsSettings s, Listener listener, MeterRegistry registry) {
    CellFeed feed = new CellFeed(s, listener, registry);
    feed.thread.start();
    return feed;
  }

  /** Whether it has the topic's partitions and reads what is written from now on. */
  public boolean reading() {
    return reading;
  }

  static Properties props(DashboardsSettings s) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cab-dashboards-push");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    // no group: partitions are assigned here, nothing is committed
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // only what streams committed: the rows the sink will write, never an aborted attempt's
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    // a reader: the topics are the stages' to create
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return p;
  }

  private void run() {
    Deserializer<CellRecord> values = Topics.CELLS.valueSerde().deserializer();
    Deserializer<SweepPlan> planValues = Topics.SWEEP_PLANS.valueSerde().deserializer();
    try {
      while (running) {
        try {
          if (consumer.assignment().isEmpty() && !assign()) {
            stop.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
            continue;
          }
          var batch = consumer.poll(POLL);
          long readMillis = System.currentTimeMillis();
          // the plans first: the cells of a sweep read with its plan land on its laid-out board
          List<SweepPlan> plans = new ArrayList<>();
          for (ConsumerRecord<byte[], byte[]> r : batch.records(plansTopic)) {
            SweepPlan plan = decode(planValues, r);
            if (plan != null && plan.sweepId() != null) {
              plans.add(plan);
            }
          }
          if (!plans.isEmpty()) {
            listener.planned(plans, readMillis);
          }
          // the cells in chunks: the first ones go out while the rest of a big batch is decoded
          List<CellRecord> cells = new ArrayList<>(CHUNK);
          List<Long> timestamps = new ArrayList<>(CHUNK);
          for (ConsumerRecord<byte[], byte[]> r : batch.records(topic)) {
            CellRecord cell = decode(values, r);
            if (cell != null) {
              cells.add(cell);
              timestamps.add(r.timestamp());
            }
            if (cells.size() == CHUNK) {
              hand(cells, timestamps, readMillis);
              cells = new ArrayList<>(CHUNK);
              timestamps = new ArrayList<>(CHUNK);
            }
          }
          hand(cells, timestamps, readMillis);
        } catch (WakeupException e) {
          return;
        } catch (RuntimeException e) {
          problem(
              "Board push: cannot read "
                  + topic
                  + " from Kafka at "
                  + bootstrap
                  + " (retrying every second; the boards follow ClickHouse meanwhile)",
              e);
          stop.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close();
    }
  }

  private void hand(List<CellRecord> cells, List<Long> timestamps, long readMillis) {
    if (!cells.isEmpty()) {
      read.increment(cells.size());
      listener.arrived(cells, timestamps, readMillis);
    }
  }

  /**
   * Takes every partition of both topics at their end; false while Kafka or the cell topic is
   * missing.
   */
  private boolean assign() {
    List<TopicPartition> cells = partitions(topic);
    if (cells.isEmpty()) {
      problem(
          "Board push: no topic " + topic + " yet; the boards follow ClickHouse meanwhile", null);
      return false;
    }
    List<TopicPartition> plans;
    try {
      plans = partitions(plansTopic);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      plans = List.of(); // a missing topic may time out rather than answer empty
    }
    if (plans.isEmpty()) {
      LOG.warn(
          "Board push: no topic {}; sweep plans reach the boards from ClickHouse only", plansTopic);
    }
    List<TopicPartition> all = new ArrayList<>(cells);
    all.addAll(plans);
    consumer.assign(all);
    consumer.seekToEnd(all);
    all.forEach(consumer::position); // the end as of now: what is written after this is read
    reading = true;
    LOG.info(
        "Board push: reading {} ({} partitions) and {} ({}) from their end",
        topic,
        cells.size(),
        plansTopic,
        plans.size());
    return true;
  }

  private List<TopicPartition> partitions(String name) {
    List<PartitionInfo> partitions = consumer.partitionsFor(name, Duration.ofSeconds(5));
    if (partitions == null) {
      return List.of();
    }
    return partitions.stream().map(p -> new TopicPartition(name, p.partition())).toList();
  }

  /** The record's value; null for a tombstone or a cell record without its identity. */
  private <T> T decode(Deserializer<T> values, ConsumerRecord<byte[], byte[]> r) {
    try {
      T v = values.deserialize(r.topic(), r.value());
      if (v instanceof CellRecord c && (c.sweepId() == null || c.cellId() == null)) {
        return null; // nothing to show
      }
      return v;
    } catch (RuntimeException e) {
      undecodable.increment();
      problem(
          "Board push: skipped an undecodable record at "
              + r.topic()
              + "-"
              + r.partition()
              + "@"
              + r.offset(),
          e);
      return null;
    }
  }

  /** Logs at most one warning every 30 s (the rest at debug). */
  private void problem(String message, Throwable cause) {
    long now = System.currentTimeMillis();
    if (now - lastProblemLog >= 30_000) {
      lastProblemLog = now;
      LOG.warn(message, cause);
    } else {
      LOG.debug(message, cause);
    }
  }

  @Override
  public void close() {
    running = false;
    stop.countDown();
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
