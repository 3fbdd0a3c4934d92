package dev.cab.dashboards.live;

import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
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
 * Reads the cell records the streams stage writes ({@code cab.cells.v1}) and hands each batch to
 * the board push as it arrives. It reads what streams committed only ({@code read_committed}: a
 * cell of an aborted transaction never shows), with no consumer group and no commits: it takes
 * every partition of the topic and starts at its end, since what was written before is in
 * ClickHouse or on its way there, and the board's full read covers it. A record that cannot be
 * decoded is counted ({@code cab_dashboards_push_undecodable_total}) and skipped. While Kafka or
 * the topic is missing it retries every second; the boards keep following ClickHouse meanwhile. One
 * platform thread; {@link #close()} stops it.
 */
public final class CellFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CellFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** Batches of cell records: the records, their Kafka timestamps, and when they were read. */
  @FunctionalInterface
  public interface Listener {
    void arrived(List<CellRecord> cells, List<Long> timestamps, long readMillis);
  }

  private final String topic;
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
    this.bootstrap = s.kafkaBootstrap();
    this.consumer = new KafkaConsumer<>(props(s));
    this.listener = listener;
    this.undecodable =
        Counter.builder("cab_dashboards_push_undecodable")
            .description("cell records the board push could not decode (skipped)")
            .register(registry);
    this.read =
        Counter.builder("cab_dashboards_push_cells")
            .description("cell records the board push read from Kafka")
            .register(registry);
    this.thread = Thread.ofPlatform().name("cab-dashboards-cells").daemon().unstarted(this::run);
  }

  /** Starts reading {@code s.cellsTopic()} from its end. */
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
    return p;
  }

  private void run() {
    Deserializer<CellRecord> values = Topics.CELLS.valueSerde().deserializer();
    try {
      while (running) {
        try {
          if (consumer.assignment().isEmpty() && !assign()) {
            stop.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
            continue;
          }
          var batch = consumer.poll(POLL);
          long readMillis = System.currentTimeMillis();
          List<CellRecord> cells = new ArrayList<>(batch.count());
          List<Long> timestamps = new ArrayList<>(batch.count());
          for (ConsumerRecord<byte[], byte[]> r : batch) {
            CellRecord cell = decode(values, r);
            if (cell != null) {
              cells.add(cell);
              timestamps.add(r.timestamp());
            }
          }
          read.increment(cells.size());
          if (!cells.isEmpty()) {
            listener.arrived(cells, timestamps, readMillis);
          }
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

  /** Takes every partition of the topic at its end; false while Kafka or the topic is missing. */
  private boolean assign() {
    List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
    if (partitions == null || partitions.isEmpty()) {
      problem(
          "Board push: no topic " + topic + " yet; the boards follow ClickHouse meanwhile", null);
      return false;
    }
    List<TopicPartition> all =
        partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(all);
    consumer.seekToEnd(all);
    all.forEach(consumer::position); // the end as of now: what is written after this is read
    reading = true;
    LOG.info("Board push: reading {} ({} partitions) from its end", topic, all.size());
    return true;
  }

  private CellRecord decode(Deserializer<CellRecord> values, ConsumerRecord<byte[], byte[]> r) {
    try {
      CellRecord c = values.deserialize(topic, r.value());
      if (c != null && c.sweepId() != null && c.cellId() != null) {
        return c;
      }
      return null; // a tombstone, or a record without its identity: nothing to show
    } catch (RuntimeException e) {
      undecodable.increment();
      problem(
          "Board push: skipped an undecodable cell record at "
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
