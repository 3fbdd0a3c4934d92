package dev.cab.sink.consume;

import dev.cab.sink.clickhouse.AlertRowMapper;
import dev.cab.sink.clickhouse.BatchWriter;
import dev.cab.sink.clickhouse.BatchWriter.Rejected;
import dev.cab.sink.clickhouse.CellRowMapper;
import dev.cab.sink.clickhouse.Inserter;
import dev.cab.sink.clickhouse.MappingException;
import dev.cab.sink.clickhouse.RetryPolicy;
import dev.cab.sink.clickhouse.Row;
import dev.cab.sink.clickhouse.RowMapper;
import dev.cab.sink.clickhouse.ScoreRowMapper;
import dev.cab.sink.clickhouse.SpanRowMapper;
import dev.cab.sink.clickhouse.SweepPlanRowMapper;
import dev.cab.sink.clickhouse.TableSpec;
import dev.cab.sink.config.SinkSettings;
import dev.cab.sink.dlq.DeadLetterPublisher;
import dev.cab.sink.fault.CrashPoints;
import dev.cab.sink.metrics.SinkMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: polls {@code cab.cells.v1}, {@code cab.spans.v1}, {@code cab.scores.v1}
 * and {@code cab.alerts.v1}, maps each record to a row of its table, and flushes when {@code
 * sink.batch.max.rows} records are buffered or the oldest is {@code sink.batch.max.ms} old. While
 * it is behind (a whole batch, {@code sink.batch.max.rows} records, waits in Kafka) the batch may
 * fill for up to {@code sink.batch.catch.up.max.ms} instead: a sink draining a backlog sends large
 * inserts, which ClickHouse takes at a far lower cost per row than small ones.
 *
 * <p>Delivery: at least once. A flush writes every table (one INSERT per table, retried and split
 * by {@link BatchWriter}), sends the dead letters and waits for Kafka's acknowledgement, and only
 * then commits the offsets of every record it covered ({@code commitSync}). A crash before the
 * commit means the records are read again; the tables are ReplacingMergeTrees and inserts carry
 * offset-derived deduplication tokens, so a replay collapses.
 *
 * <p>While ClickHouse is failing the loop keeps polling with every partition paused, so the group
 * does not evict it (no {@code max.poll.interval.ms} expiry) and no record is fetched that it could
 * not buffer. On revocation it flushes once (with the close timeout) and commits; what it cannot
 * flush is dropped from the buffer and read again by the partition's next owner.
 *
 * <p>Threading: {@link #run()} owns the consumer, the producer and the ClickHouse connection;
 * {@link #stop()} may be called from any thread.
 */
public final class SinkLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);

  private final SinkSettings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final DeadLetterPublisher deadLetters;
  private final SinkMetrics metrics;
  private final InstantSource clock;
  private final BatchWriter writer;
  private final BatchWriter boundedWriter;
  private final Map<String, RowMapper> mappers = new HashMap<>();

  /** Rows waiting for the next flush, per table, in consumption order. */
  private final Map<TableSpec, List<Row<ConsumerRecord<byte[], byte[]>>>> pending =
      new LinkedHashMap<>();

  /** The offsets the next commit covers: next offset to read, per partition. */
  private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

  /** Records taken since the last flush (rows, dead letters and tombstones). */
  private int buffered;

  /** Partitions paused while an insert waits to be retried. */
  private final Set<TopicPartition> pausedForRetry = new HashSet<>();

  private Instant oldest;

  /**
   * A whole batch waits in Kafka (the lag after the last poll): waiting to fill this one costs no
   * freshness the backlog has not cost already. A burst smaller than a batch (a demo's sweep) never
   * counts, so its rows keep leaving every {@code sink.batch.max.ms}.
   */
  private boolean behind;

  private boolean flushing;
  private boolean inCallback;
  private volatile boolean running = true;
  private volatile boolean aborted;
  private volatile Throwable failure;

  public SinkLoop(
      SinkSettings settings,
      Consumer<byte[], byte[]> consumer,
      Inserter inserter,
      DeadLetterPublisher deadLetters,
      SinkMetrics metrics,
      InstantSource clock) {
    this.settings = settings;
    this.consumer = consumer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.clock = clock;
    RetryPolicy retry =
        new RetryPolicy(
            settings.retryInitialBackoff(), settings.retryMaxBackoff(), settings.retryTimeout());
    RetryPolicy bounded =
        new RetryPolicy(
            settings.retryInitialBackoff(),
            settings.retryMaxBackoff(),
            settings.closeTimeout().isZero() ? Duration.ofMillis(1) : settings.closeTimeout());
    this.writer = new BatchWriter(inserter, retry, clock, this::awaitBackoff, metrics);
    this.boundedWriter = new BatchWriter(inserter, bounded, clock, this::sleep, metrics);
    mappers.put(settings.cellsTopic(), new CellRowMapper());
    mappers.put(settings.spansTopic(), new SpanRowMapper());
    mappers.put(settings.scoresTopic(), new ScoreRowMapper());
    mappers.put(settings.alertsTopic(), new AlertRowMapper());
    mappers.put(settings.sweepPlansTopic(), new SweepPlanRowMapper());
    for (RowMapper m : mappers.values()) {
      pending.put(m.table(), new ArrayList<>());
    }
    CrashPoints.warnIfArmed();
  }

  /** The topics the loop reads. */
  public List<String> topics() {
    return List.copyOf(new java.util.TreeSet<>(mappers.keySet()));
  }

  /** Asks the loop to flush, commit and end; returns at once. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  /**
   * Ends the loop like a crash would: no final flush, no commit. What was buffered is read again by
   * the next sink of the group. For tests of the delivery guarantee.
   */
  public void abort() {
    aborted = true;
    stop();
  }

  /** Why the loop ended on its own, or null. */
  public Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(topics(), new Rebalance());
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
        metrics.consumed(records.count());
        behind = updateLag() >= settings.batchMaxRows();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          take(r);
          if (buffered >= settings.batchMaxRows()) {
            flush(writer);
          }
        }
        if (buffered > 0 && batchAge().compareTo(batchMaxTime()) >= 0) {
          flush(writer);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
        LOG.error("Sink consumer woken up unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
      LOG.error("Sink loop interrupted; stopping without a final flush", e);
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("Sink loop failed; stopping without committing the current batch", e);
    } finally {
      finish();
    }
  }

  private void finish() {
    try {
      if (failure == null && !aborted && buffered > 0) {
        LOG.info("Sink stopping: final flush of {} records", buffered);
        flush(boundedWriter);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Interrupted during the final flush; its records will be read again", e);
    } catch (RuntimeException e) {
      LOG.warn("Final flush failed; its records will be read again", e);
      if (failure == null) {
        failure = e;
      }
    } finally {
      closeQuietly(consumer::close, "consumer");
      closeQuietly(deadLetters::close, "dead-letter producer");
    }
  }

  private Duration pollTimeout() {
    if (buffered == 0) {
      return settings.pollTimeout();
    }
    Duration left = batchMaxTime().minus(batchAge());
    if (left.isNegative()) {
      return Duration.ZERO;
    }
    return left.compareTo(settings.pollTimeout()) < 0 ? left : settings.pollTimeout();
  }

  /** How old the batch may get before it is flushed. */
  private Duration batchMaxTime() {
    return behind ? settings.batchMaxTimeBehind() : settings.batchMaxTime();
  }

  private Duration batchAge() {
    return oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant());
  }

  /** Buffers one record as a row, a dead letter or a skipped tombstone. */
  private void take(ConsumerRecord<byte[], byte[]> r) {
    toCommit.put(
        new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    if (buffered++ == 0) {
      oldest = clock.instant();
    }
    if (r.value() == null) {
      metrics.tombstoneSkipped();
      return;
    }
    RowMapper mapper = mappers.get(r.topic());
    try {
      Map<String, Object> values = mapper.map(r.value(), r.partition(), r.offset());
      pending.get(mapper.table()).add(new Row<>(r, r.topic(), r.partition(), r.offset(), values));
    } catch (MappingException | RuntimeException e) {
      deadLetters.send(r, e);
    }
  }

  /** Writes every table, dead-letters what ClickHouse rejects, then commits. */
  private void flush(BatchWriter w) throws InterruptedException {
    flushing = true;
    Instant started = clock.instant();
    Instant firstBuffered = oldest == null ? started : oldest;
    try {
      CrashPoints.reached(CrashPoints.Point.BEFORE_INSERT);
      for (var e : pending.entrySet()) {
        List<Row<ConsumerRecord<byte[], byte[]>>> rows = e.getValue();
        if (rows.isEmpty()) {
          continue;
        }
        for (Rejected<ConsumerRecord<byte[], byte[]>> rejected : w.write(e.getKey(), rows)) {
          deadLetters.send(rejected.row().source(), rejected.error());
        }
        rows.clear();
      }
      deadLetters.awaitSent();
      CrashPoints.reached(CrashPoints.Point.AFTER_INSERT);
      commit();
      Instant done = clock.instant();
      metrics.flushed(done);
      metrics.batchTimes(Duration.between(started, done), Duration.between(firstBuffered, done));
    } finally {
      flushing = false;
    }
  }

  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(toCommit);
    toCommit.clear();
    buffered = 0;
    oldest = null;
    if (offsets.isEmpty()) {
      return;
    }
    try {
      try {
        consumer.commitSync(offsets);
      } catch (WakeupException e) {
        if (running) {
          throw e;
        }
        // stop() woke the consumer while it was not polling; the wake-up is spent now.
        consumer.commitSync(offsets);
      }
      metrics.committed();
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The rows are in ClickHouse; the partitions moved on. Their next owner reads them again
      // from the last commit and the replay collapses in the ReplacingMergeTrees.
      LOG.warn("Offset commit failed after a rebalance; those records will be read again", e);
    }
  }

  /** Waits between insert attempts while keeping the consumer in its group. */
  private void awaitBackoff(Duration d) throws InterruptedException {
    if (inCallback) {
      sleep(d);
      return;
    }
    pausedForRetry.addAll(consumer.assignment());
    consumer.pause(pausedForRetry);
    try {
      Instant end = clock.instant().plus(d);
      for (Duration left = d; left.isPositive(); left = Duration.between(clock.instant(), end)) {
        ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(left);
        if (!unexpected.isEmpty()) {
          // Defensive: a partition that was fetched anyway is rewound, so nothing is skipped.
          for (TopicPartition tp : unexpected.partitions()) {
            consumer.seek(tp, unexpected.records(tp).getFirst().offset());
            pausedForRetry.add(tp);
          }
          consumer.pause(unexpected.partitions());
        }
      }
    } finally {
      pausedForRetry.retainAll(consumer.assignment());
      consumer.resume(pausedForRetry);
      pausedForRetry.clear();
    }
  }

  private void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /** Sums the lag of the assigned partitions into the metric; returns it (0 when unknown). */
  private long updateLag() {
    long sum = 0;
    boolean known = false;
    for (TopicPartition tp : consumer.assignment()) {
      var lag = consumer.currentLag(tp);
      if (lag.isPresent()) {
        sum += lag.getAsLong();
        known = true;
      }
    }
    metrics.lag(known ? sum : -1);
    return sum;
  }

  /** Forgets buffered rows and offsets of partitions this sink no longer owns. */
  private void forget(Collection<TopicPartition> partitions) {
    Set<TopicPartition> gone = new HashSet<>(partitions);
    toCommit.keySet().removeAll(gone);
    int dropped = 0;
    for (List<Row<ConsumerRecord<byte[], byte[]>>> rows : pending.values()) {
      int before = rows.size();
      rows.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
      dropped += before - rows.size();
    }
    if (dropped > 0) {
      LOG.info(
          "Dropped {} buffered rows of partitions no longer owned: read again by their owner",
          dropped);
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || aborted || failure != null) {
        // consumer.close() revokes on the way out: a crash must not flush, and after a failure
        // the batch is left for the next owner to read again
        return;
      }
      if (flushing) {
        // Mid-flush (waiting to retry): the rows in flight still go out; just do not commit
        // offsets of partitions that are no longer ours.
        toCommit.keySet().removeAll(partitions);
        return;
      }
      if (buffered > 0) {
        inCallback = true;
        try {
          flush(boundedWriter);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          forget(partitions);
        } catch (RuntimeException e) {
          LOG.warn("Flush on partition revocation failed; those records will be read again", e);
          forget(partitions);
        } finally {
          inCallback = false;
        }
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (flushing && !inCallback) {
        // Assigned while waiting to retry an insert: stay paused until the batch is through.
        consumer.pause(partitions);
        pausedForRetry.addAll(partitions);
      }
      LOG.info("Sink assigned {}", partitions);
    }
  }

  private static void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Closing the sink's {} failed", what, e);
    }
  }
}
