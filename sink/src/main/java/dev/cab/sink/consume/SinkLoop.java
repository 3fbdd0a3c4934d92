package dev.cab.sink.consume;

import dev.cab.sink.clickhouse.AlertRowMapper;
import dev.cab.sink.clickhouse.BatchWriter;
import dev.cab.sink.clickhouse.BatchWriter.Rejected;
import dev.cab.sink.clickhouse.CellRowMapper;
import dev.cab.sink.clickhouse.ClickHouseWriteException;
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
import java.sql.SQLException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Each row is encoded into its table's insert body as it is taken, when the inserter makes
 * bodies ({@link Inserter#newBody}: RowBinary), so a batch holds its rows' bytes and their Kafka
 * records, not their mapped values, which die young (a draining sink's heap was full of them: its
 * JVM paused for a quarter of the drain, docs/PERFORMANCE.md); a row that does not fit its table is
 * dead-lettered as it is taken, as one that cannot be mapped is.
 *
 * <p>Pipelining ({@code sink.insert.overlap}, on by default): a flush hands the batch to the loop's
 * insert thread and the consumer thread goes on polling, mapping and encoding the next batch while
 * ClickHouse takes the inserts, so a draining sink pays max(mapping, insert) per batch instead of
 * their sum. At most one batch is in flight: the next flush first waits for it (polling with every
 * partition paused meanwhile, so the group keeps the member and nothing more is fetched), so the
 * filling batch is the only other one in memory, and batches complete, and commit, in order.
 *
 * <p>Delivery: at least once. A batch writes every table (one INSERT per table, retried and split
 * by {@link BatchWriter}); when ClickHouse acknowledged every row of it, the consumer thread sends
 * the dead letters of the rows ClickHouse rejected, waits for Kafka's acknowledgement of every dead
 * letter so far, and only then commits the offsets the batch covers ({@code commitSync}). The
 * offsets of a batch are committed only after those of the batch before it, and never when its
 * insert failed: an insert that fails for good (after {@code sink.retry.timeout.ms}, or a fatal
 * error) ends the loop with nothing more committed. A crash before the commit means the records are
 * read again; the tables are ReplacingMergeTrees and inserts carry offset-derived deduplication
 * tokens, so a replay collapses.
 *
 * <p>On revocation the loop waits for the batch in flight (up to {@code sink.close.timeout.ms}) and
 * commits it, then flushes the filling batch (with the close timeout) and commits; what it cannot
 * flush in time is dropped from its buffer and the offsets of the revoked partitions are never
 * committed by this member (an abandoned insert may still land: a replay the tables collapse), so
 * the partition's next owner reads it again. Lost partitions are forgotten at once. The rule is the
 * same with {@code sink.insert.overlap=false}: the serial loop hands its batch to the insert thread
 * too and waits for it polling paused, so a revocation meets its insert in flight in the same
 * callback.
 *
 * <p>Threading: {@link #run()} owns the consumer, the dead-letter producer and the batches; the
 * insert thread ({@code <consumer thread>-insert}) only runs {@link BatchWriter#write} on a batch
 * it was handed, and hands back what ClickHouse rejected. {@link #stop()} may be called from any
 * thread.
 */
public final class SinkLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);

  /** How long the consumer thread waits on the batch in flight before it polls (paused) again. */
  private static final Duration WAIT_SLICE = Duration.ofMillis(200);

  /** The longest poll while a batch is in flight: its completion (the commit) is noticed soon. */
  private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(20);

  private final SinkSettings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final DeadLetterPublisher deadLetters;
  private final SinkMetrics metrics;
  private final InstantSource clock;
  private final Inserter inserter;
  private final BatchWriter writer;
  private final BatchWriter boundedWriter;
  private final Map<String, RowMapper> mappers = new HashMap<>();

  /** The rows of one table in a batch, in consumption order, and their body when encoded. */
  private static final class TableBatch {
    final List<Row<ConsumerRecord<byte[], byte[]>>> rows = new ArrayList<>();

    /** Chosen with the first row: null when the rows keep their values. */
    Inserter.Body body;
  }

  /** The batch being filled, per table. */
  private Map<TableSpec, TableBatch> pending;

  /** The offsets the filling batch covers: next offset to read, per partition. */
  private Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

  /** Records taken into the filling batch (rows, dead letters and tombstones). */
  private int buffered;

  private Instant oldest;

  /** The batch whose inserts run on the insert thread, or null: at most one. */
  private InFlight inFlight;

  /** Runs the inserts of the batch in flight; created by {@link #run()}. */
  private ExecutorService inserts;

  /** The partitions this member holds, as the rebalance listener was told. */
  private final Set<TopicPartition> owned = new HashSet<>();

  /** Partitions paused while the consumer thread waits for the batch in flight. */
  private final Set<TopicPartition> pausedForWait = new HashSet<>();

  /**
   * A whole batch waits in Kafka (the lag after the last poll): waiting to fill this one costs no
   * freshness the backlog has not cost already. A burst smaller than a batch (a demo's sweep) never
   * counts, so its rows keep leaving every {@code sink.batch.max.ms}.
   */
  private boolean behind;

  /** Inside a paused poll while waiting for the batch in flight. */
  private boolean waiting;

  /** Inside the revocation callback, or the final flush: waits never poll. */
  private boolean inCallback;

  private boolean finishing;

  /**
   * A batch failed for good where it could not be thrown (the revocation callback): nothing may be
   * committed after it, and the loop ends with it.
   */
  private RuntimeException broken;

  private volatile boolean running = true;
  private volatile boolean aborted;
  private volatile Throwable failure;

  /**
   * A batch handed to the insert thread.
   *
   * @param offsets what its commit covers (the consumer thread drops revoked partitions from it)
   * @param started when it was handed over
   * @param firstBuffered when its first record was taken
   * @param result the rows ClickHouse rejected as data errors, once every table is written
   */
  private record InFlight(
      Map<TopicPartition, OffsetAndMetadata> offsets,
      Instant started,
      Instant firstBuffered,
      Future<List<Rejected<ConsumerRecord<byte[], byte[]>>>> result) {}

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
    this.inserter = inserter;
    RetryPolicy retry =
        new RetryPolicy(
            settings.retryInitialBackoff(), settings.retryMaxBackoff(), settings.retryTimeout());
    RetryPolicy bounded =
        new RetryPolicy(
            settings.retryInitialBackoff(),
            settings.retryMaxBackoff(),
            settings.closeTimeout().isZero() ? Duration.ofMillis(1) : settings.closeTimeout());
    // Both run on the insert thread, which has nothing else to do while it waits to retry; the
    // consumer thread keeps the member in its group meanwhile (awaitInFlight).
    this.writer = new BatchWriter(inserter, retry, clock, SinkLoop::sleep, metrics);
    this.boundedWriter = new BatchWriter(inserter, bounded, clock, SinkLoop::sleep, metrics);
    mappers.put(settings.cellsTopic(), new CellRowMapper());
    mappers.put(settings.spansTopic(), new SpanRowMapper());
    mappers.put(settings.scoresTopic(), new ScoreRowMapper());
    mappers.put(settings.alertsTopic(), new AlertRowMapper());
    mappers.put(settings.sweepPlansTopic(), new SweepPlanRowMapper());
    pending = newPending();
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
    String insertThread = Thread.currentThread().getName() + "-insert";
    inserts =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, insertThread);
              t.setDaemon(true);
              return t;
            });
    try {
      consumer.subscribe(topics(), new Rebalance());
      while (running) {
        if (inFlight != null && inFlight.result().isDone()) {
          complete();
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
        throwIfBroken();
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
    finishing = true;
    try {
      if (failure == null && !aborted) {
        if (inFlight != null && !completesWithin(settings.closeTimeout())) {
          LOG.warn(
              "Sink stopping with a batch still being inserted after {} ms; it and the {} records"
                  + " after it will be read again",
              settings.closeTimeout().toMillis(),
              buffered);
        } else {
          if (inFlight != null) {
            complete();
          }
          if (buffered > 0) {
            LOG.info("Sink stopping: final flush of {} records", buffered);
            flush(boundedWriter);
          }
        }
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
      // A batch still in flight (a crash, a failure, a stop that timed out) is not waited for and
      // never committed: its insert thread is interrupted and its records are read again.
      inserts.shutdownNow();
      closeQuietly(consumer::close, "consumer");
      closeQuietly(deadLetters::close, "dead-letter producer");
    }
  }

  private Duration pollTimeout() {
    Duration timeout = settings.pollTimeout();
    if (buffered > 0) {
      Duration left = batchMaxTime().minus(batchAge());
      if (left.isNegative()) {
        return Duration.ZERO;
      }
      timeout = min(left, timeout);
    }
    return inFlight == null ? timeout : min(IN_FLIGHT_POLL, timeout);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /** How old the batch may get before it is flushed. */
  private Duration batchMaxTime() {
    return behind ? settings.batchMaxTimeBehind() : settings.batchMaxTime();
  }

  private Duration batchAge() {
    return oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant());
  }

  private Map<TableSpec, TableBatch> newPending() {
    Map<TableSpec, TableBatch> m = new LinkedHashMap<>();
    for (RowMapper mapper : mappers.values()) {
      m.put(mapper.table(), new TableBatch());
    }
    return m;
  }

  /** Buffers one record as a row, a dead letter or a skipped tombstone. */
  private void take(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    if (!owned.contains(tp)) {
      // Revoked while this poll's records were being taken (a rebalance inside a paused poll):
      // its next owner reads the record from the last commit.
      return;
    }
    toCommit.put(tp, new OffsetAndMetadata(r.offset() + 1));
    if (buffered++ == 0) {
      oldest = clock.instant();
    }
    if (r.value() == null) {
      metrics.tombstoneSkipped();
      return;
    }
    RowMapper mapper = mappers.get(r.topic());
    TableBatch batch = pending.get(mapper.table());
    try {
      Map<String, Object> values = mapper.map(r.value(), r.partition(), r.offset());
      if (batch.rows.isEmpty() && batch.body == null) {
        batch.body = inserter.newBody(mapper.table());
      }
      if (batch.body != null) {
        batch.body.append(values);
        values = null;
      }
      batch.rows.add(new Row<>(r, r.topic(), r.partition(), r.offset(), values));
    } catch (MappingException | SQLException | RuntimeException e) {
      deadLetters.send(r, e);
    }
  }

  /**
   * Hands the filling batch to the insert thread once the batch before it completed (committed),
   * and with {@code sink.insert.overlap=false}, in the revocation callback and in the final flush
   * waits for it to complete too.
   */
  private void flush(BatchWriter w) throws InterruptedException {
    awaitInFlight();
    if (buffered == 0) {
      // the revocation callback flushed it while this thread waited
      return;
    }
    Map<TableSpec, TableBatch> batch = pending;
    Instant started = clock.instant();
    inFlight =
        new InFlight(
            toCommit,
            started,
            oldest == null ? started : oldest,
            inserts.submit(() -> write(w, batch)));
    pending = newPending();
    toCommit = new HashMap<>();
    buffered = 0;
    oldest = null;
    if (!settings.insertOverlap() || inCallback || finishing) {
      awaitInFlight();
    }
  }

  /** On the insert thread: writes every table of a batch; returns what ClickHouse rejected. */
  private static List<Rejected<ConsumerRecord<byte[], byte[]>>> write(
      BatchWriter w, Map<TableSpec, TableBatch> batch) throws InterruptedException {
    CrashPoints.reached(CrashPoints.Point.BEFORE_INSERT);
    List<Rejected<ConsumerRecord<byte[], byte[]>>> rejected = new ArrayList<>();
    for (var e : batch.entrySet()) {
      rejected.addAll(w.write(e.getKey(), e.getValue().rows, e.getValue().body));
    }
    return rejected;
  }

  /**
   * Waits until the batch in flight is written, then completes it. Outside the callbacks it polls
   * with every partition paused every {@link #WAIT_SLICE}, so the group keeps this member while
   * ClickHouse is slow or failing and the insert thread retries.
   */
  private void awaitInFlight() throws InterruptedException {
    if (inFlight == null) {
      return;
    }
    if (inCallback || finishing) {
      try {
        inFlight.result().get();
      } catch (ExecutionException e) {
        // complete() reports it
      }
    } else {
      try {
        while (inFlight != null && !inFlight.result().isDone()) {
          try {
            inFlight.result().get(WAIT_SLICE.toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException | ExecutionException e) {
            // still running, or done with a failure that complete() reports
          }
          if (inFlight != null && !inFlight.result().isDone()) {
            pollPaused();
          }
        }
      } finally {
        pausedForWait.retainAll(consumer.assignment());
        consumer.resume(pausedForWait);
        pausedForWait.clear();
      }
    }
    if (inFlight != null) {
      // null when the revocation callback (inside the paused poll) completed it
      complete();
    }
  }

  /** One poll that fetches nothing: keeps the member in its group and runs its callbacks. */
  private void pollPaused() {
    Set<TopicPartition> assigned = consumer.assignment();
    pausedForWait.addAll(assigned);
    consumer.pause(assigned);
    waiting = true;
    ConsumerRecords<byte[], byte[]> unexpected;
    try {
      unexpected = consumer.poll(Duration.ZERO);
    } finally {
      waiting = false;
    }
    if (!unexpected.isEmpty()) {
      // Defensive: a partition that was fetched anyway is rewound, so nothing is skipped.
      for (TopicPartition tp : unexpected.partitions()) {
        consumer.seek(tp, unexpected.records(tp).getFirst().offset());
        pausedForWait.add(tp);
      }
      consumer.pause(unexpected.partitions());
    }
    throwIfBroken();
  }

  /** Waits up to {@code limit} for the batch in flight to be written; false when it is not. */
  private boolean completesWithin(Duration limit) throws InterruptedException {
    try {
      inFlight.result().get(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // written or failed: complete() says which
    } catch (TimeoutException e) {
      return false;
    }
    return true;
  }

  /**
   * Completes the written batch in flight: dead-letters what ClickHouse rejected, waits for Kafka
   * to acknowledge the dead letters, then commits the batch's offsets.
   *
   * @throws ClickHouseWriteException (or what else the insert thread threw) when the batch could
   *     not be written: nothing of it, and nothing after it, is committed
   */
  private void complete() throws InterruptedException {
    InFlight b = inFlight;
    inFlight = null;
    List<Rejected<ConsumerRecord<byte[], byte[]>>> rejected;
    try {
      rejected = b.result().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new ClickHouseWriteException("the batch's insert ended without writing it", cause);
    }
    for (Rejected<ConsumerRecord<byte[], byte[]>> r : rejected) {
      deadLetters.send(r.row().source(), r.error());
    }
    deadLetters.awaitSent();
    CrashPoints.reached(CrashPoints.Point.AFTER_INSERT);
    commit(b.offsets());
    Instant done = clock.instant();
    metrics.flushed(done);
    metrics.batchTimes(
        Duration.between(b.started(), done), Duration.between(b.firstBuffered(), done));
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> batch) {
    throwIfBroken();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(batch);
    // Partitions revoked or lost since the batch was taken belong to another member now.
    offsets.keySet().retainAll(owned);
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

  private void throwIfBroken() {
    if (broken != null) {
      throw broken;
    }
  }

  private static void sleep(Duration d) throws InterruptedException {
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

  /**
   * Forgets the filling batch's rows and offsets of partitions this sink no longer owns, and keeps
   * the batch in flight from committing them.
   */
  private void forget(Collection<TopicPartition> partitions) {
    Set<TopicPartition> gone = new HashSet<>(partitions);
    toCommit.keySet().removeAll(gone);
    if (inFlight != null) {
      inFlight.offsets().keySet().removeAll(gone);
    }
    int dropped = 0;
    for (TableBatch batch : pending.values()) {
      List<Row<ConsumerRecord<byte[], byte[]>>> rows = batch.rows;
      int before = rows.size();
      if (batch.body != null) {
        batch.body = batch.body.retain(i -> !isIn(gone, rows.get(i)));
      }
      rows.removeIf(r -> isIn(gone, r));
      dropped += before - rows.size();
    }
    if (dropped > 0) {
      LOG.info(
          "Dropped {} buffered rows of partitions no longer owned: read again by their owner",
          dropped);
    }
  }

  private static boolean isIn(Set<TopicPartition> partitions, Row<?> row) {
    return partitions.contains(new TopicPartition(row.topic(), row.partition()));
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        if (partitions.isEmpty() || aborted || failure != null || broken != null) {
          // consumer.close() revokes on the way out: a crash must not flush, and after a failure
          // the batch is left for the next owner to read again
          return;
        }
        inCallback = true;
        try {
          if (inFlight != null && !completesWithin(settings.closeTimeout())) {
            // Abandoned: the insert goes on (and may land: a replay the tables collapse), but
            // nothing of these partitions is committed by this member.
            LOG.warn(
                "Partitions revoked while a batch is still being inserted after {} ms; their"
                    + " records will be read again by their next owner",
                settings.closeTimeout().toMillis());
            forget(partitions);
            return;
          }
          if (inFlight != null) {
            complete();
          }
          if (buffered > 0) {
            flush(boundedWriter);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          forget(partitions);
        } catch (RuntimeException e) {
          LOG.warn("Flush on partition revocation failed; those records will be read again", e);
          forget(partitions);
          Set<TopicPartition> kept = new HashSet<>(owned);
          kept.removeAll(partitions);
          if (!kept.isEmpty()) {
            // The failed batch held rows of partitions this member keeps (a cooperative
            // rebalance): a later commit of theirs would skip those rows, so the loop ends.
            broken = e;
          }
        } finally {
          inCallback = false;
        }
      } finally {
        owned.removeAll(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      owned.removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      owned.addAll(partitions);
      if (waiting) {
        // Assigned while waiting for the batch in flight: stay paused until it is through.
        consumer.pause(partitions);
        pausedForWait.addAll(partitions);
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
