package dev.cab.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.topic.Topics;
import dev.cab.sink.clickhouse.ClickHouseWriteException;
import dev.cab.sink.clickhouse.Inserter;
import dev.cab.sink.clickhouse.TableSpec;
import dev.cab.sink.config.SinkSettings;
import dev.cab.sink.dlq.DeadLetterPublisher;
import dev.cab.sink.metrics.SinkMetrics;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loop's pipelining (one batch inserting on the insert thread while the next is read): commits
 * follow the inserts in order, a failed insert commits nothing of its batch or of any batch after
 * it, and a revocation with an insert in flight waits for it or abandons it, never committing past
 * a row ClickHouse has not acknowledged. Kafka's own {@link MockConsumer} stands in for the broker
 * and a gated {@link Inserter} for ClickHouse, so the test decides when each insert answers; the
 * real paths are in {@code SinkServiceIT} and the fault suite.
 */
class SinkLoopTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TOPIC = Topics.SWEEP_PLANS.name();
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition ALERTS0 = new TopicPartition(Topics.ALERTS.name(), 0);

  private final Slow consumer = new Slow();
  private final GatedInserter inserter = new GatedInserter();
  private final SinkMetrics metrics = new SinkMetrics();
  private MockProducer<byte[], byte[]> producer;
  private SinkLoop loop;
  private Thread thread;

  @AfterEach
  void stopLoop() throws InterruptedException {
    inserter.openAll();
    if (loop != null) {
      loop.abort();
      thread.join(WAIT.toMillis());
    }
  }

  @Test
  void theNextBatchIsReadWhileOneInsertsAndCommitsFollowTheInsertsInOrder() throws Exception {
    start(Map.of());
    add(0, 1);
    Insert first = inserter.next();
    assertThat(first.offsets()).containsExactly(0L, 1L);

    // The first insert hangs: the loop reads and maps the next batch meanwhile, commits nothing.
    add(2, 3);
    await(() -> metrics.snapshot().recordsConsumed() == 4, "the second batch is read");
    assertThat(inserter.calls).isEmpty();
    assertThat(committed()).isNull();

    // A third batch fills while the first is in flight: the loop waits for it (one in flight).
    add(4, 5);
    first.answer().complete(null);
    await(() -> committed() != null && committed().offset() == 2, "the first batch is committed");
    Insert second = inserter.next();
    assertThat(second.offsets()).containsExactly(2L, 3L);
    assertThat(committed().offset()).isEqualTo(2);

    second.answer().complete(null);
    Insert third = inserter.next();
    assertThat(third.offsets()).containsExactly(4L, 5L);
    await(() -> committed().offset() == 4, "the second batch is committed");
    third.answer().complete(null);
    await(() -> committed().offset() == 6, "the third batch is committed");
  }

  @Test
  void theConsumerThreadEncodesEachRowAsItIsTakenAlsoWhileTheBatchBeforeInserts() throws Exception {
    start(Map.of());
    add(0, 1);
    Insert first = inserter.next();
    // The rows went to the insert in their body, encoded by the consumer thread as it took them.
    assertThat(first.encoded()).isTrue();
    assertThat(inserter.appendedOn).containsExactly("cab-sink-test", "cab-sink-test");

    // The second batch is taken, and encoded, while the first inserts.
    add(2, 3);
    await(() -> inserter.appendedOn.size() == 4, "the second batch is encoded");
    assertThat(inserter.appendedOn).containsOnly("cab-sink-test");
    first.answer().complete(null);
    Insert second = inserter.next();
    assertThat(second.offsets()).containsExactly(2L, 3L);
    assertThat(second.encoded()).isTrue();
    second.answer().complete(null);
    await(() -> committed() != null && committed().offset() == 4, "both batches are committed");
  }

  @Test
  void aRowItsBodyRefusesIsDeadLetteredAsItIsTakenAndTheRestOfItsBatchLands() throws Exception {
    start(Map.of());
    inserter.openAll();
    add(0);
    addPlan(1, GatedInserter.DOES_NOT_FIT);
    add(2, 3);

    await(() -> committed() != null && committed().offset() == 4, "every record is committed");
    assertThat(inserter.offsetsInserted()).containsExactly(0L, 2L, 3L);
    assertThat(metrics.snapshot().deadLetteredTotal()).isEqualTo(1);
    assertThat(producer.history())
        .singleElement()
        .satisfies(r -> assertThat(r.topic()).isEqualTo("cab.dlq.v1"));
  }

  @Test
  void withoutOverlapTheLoopReadsNothingWhileItsBatchInserts() throws Exception {
    start(Map.of(SinkSettings.INSERT_OVERLAP, "false"));
    add(0, 1);
    Insert first = inserter.next();
    add(2, 3);
    // Paused: the records wait in the consumer, unread, until the insert answers.
    Thread.sleep(300);
    assertThat(metrics.snapshot().recordsConsumed()).isEqualTo(2);
    first.answer().complete(null);
    await(() -> committed() != null && committed().offset() == 2, "the first batch is committed");
    Insert second = inserter.next();
    assertThat(second.offsets()).containsExactly(2L, 3L);
    second.answer().complete(null);
    await(() -> committed().offset() == 4, "the second batch is committed");
  }

  @Test
  void anInsertThatFailsForGoodCommitsNeitherItsBatchNorTheOneReadAfterIt() throws Exception {
    start(
        Map.of(SinkSettings.RETRY_TIMEOUT_MS, "300", SinkSettings.RETRY_BACKOFF_INITIAL_MS, "50"));
    add(0, 1);
    inserter.next().answer().complete(null);
    await(() -> committed() != null && committed().offset() == 2, "the first batch is committed");

    add(2, 3);
    Insert failing = inserter.next();
    add(4, 5); // mapped while the second batch is in flight
    await(() -> metrics.snapshot().recordsConsumed() == 6, "the third batch is read");
    // This attempt and every retry of the same rows fail until the retry timeout.
    inserter.failFromNowOn(new SQLTransientException("ClickHouse is down"));
    failing.answer().completeExceptionally(new SQLTransientException("ClickHouse is down"));

    thread.join(WAIT.toMillis());
    assertThat(thread.isAlive()).isFalse();
    assertThat(loop.failure()).isInstanceOf(ClickHouseWriteException.class);
    assertThat(consumer.closed()).isTrue();
    // Nothing after the first batch: the second and third are read again by the next sink.
    assertThat(consumer.committedOffsets.get(P0).offset()).isEqualTo(2);
    assertThat(inserter.offsetsInserted()).doesNotContain(4L, 5L);
  }

  /**
   * Both modes meet a revocation with an insert in flight the same way: the serial loop ({@code
   * sink.insert.overlap=false}) also waits for its batch on the insert thread, polling paused, and
   * the rebalance callback that runs inside such a poll is the one rule for both.
   */
  @ParameterizedTest(name = "sink.insert.overlap={0}")
  @ValueSource(booleans = {true, false})
  void aRevocationWaitsForTheInsertInFlightThenCommitsIt(boolean overlap) throws Exception {
    Insert first = startWithAnInsertInFlight(overlap, 5000);

    // The insert answers while the revocation callback waits for it.
    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)
        .execute(() -> first.answer().complete(null));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    long expected = 2;
    if (overlap) {
      // The callback also flushes the half batch (bounded) before the partition goes.
      Insert half = inserter.next();
      assertThat(half.offsets()).containsExactly(2L);
      half.answer().complete(null);
      expected = 3;
    }
    long committedOffset = expected;
    await(
        () -> consumer.committedOffsets.containsKey(P0) && committed().offset() == committedOffset,
        "every batch read is committed before the partition moves");
    await(() -> consumer.assignment().isEmpty(), "the partition is revoked");
    assertThat(metrics.snapshot().recordsConsumed()).isEqualTo(overlap ? 3 : 2);
    assertThat(loop.failure()).isNull();
  }

  @ParameterizedTest(name = "sink.insert.overlap={0}")
  @ValueSource(booleans = {true, false})
  void aRevocationAbandonsAStuckInsertAndNeverCommitsItsRows(boolean overlap) throws Exception {
    Insert stuck = startWithAnInsertInFlight(overlap, 200);

    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    await(() -> consumer.assignment().isEmpty(), "the partition is revoked");
    // Long after the callback gave up on it, the insert lands: still no commit of the revoked
    // partition, whose next owner reads it from the last commit.
    Thread.sleep(300);
    stuck.answer().complete(null);
    Thread.sleep(300);
    assertThat(consumer.committedOffsets).doesNotContainKey(P0);
    assertThat(inserter.calls).isEmpty(); // the half batch was dropped, not inserted
    assertThat(loop.failure()).isNull();
    assertThat(thread.isAlive()).isTrue();
  }

  @Test
  void stopCompletesTheBatchInFlightAndFlushesTheRest() throws Exception {
    start(Map.of());
    add(0, 1);
    Insert first = inserter.next();
    add(2);
    await(() -> metrics.snapshot().recordsConsumed() == 3, "the third record is read");
    loop.stop();
    Thread.sleep(200);
    assertThat(committed()).isNull();
    first.answer().complete(null);
    Insert last = inserter.next();
    assertThat(last.offsets()).containsExactly(2L);
    last.answer().complete(null);
    thread.join(WAIT.toMillis());
    assertThat(thread.isAlive()).isFalse();
    assertThat(loop.failure()).isNull();
    assertThat(consumer.committedOffsets.get(P0).offset()).isEqualTo(3);
    loop = null;
  }

  @Test
  void aBatchOfTwoTablesCommitsOnlyAfterBothInsertsAreAcknowledged() throws Exception {
    start(Map.of());
    add(0);
    addAlert(0);
    Insert one = inserter.next();
    one.answer().complete(null);
    Insert other = inserter.next();
    Thread.sleep(200);
    assertThat(consumer.committedOffsets).isEmpty();
    other.answer().complete(null);
    await(() -> consumer.committedOffsets.size() == 2, "both partitions are committed");
    assertThat(consumer.committedOffsets.get(ALERTS0).offset()).isEqualTo(1);
    assertThat(committed().offset()).isEqualTo(1);
  }

  /**
   * Starts the loop and leaves the batch of records 0 and 1 in flight (returned, unanswered) with
   * record 2 added behind it: with the overlap read into a half batch, without left unread
   * (paused).
   */
  private Insert startWithAnInsertInFlight(boolean overlap, long closeTimeoutMs) throws Exception {
    start(
        Map.of(
            SinkSettings.CLOSE_TIMEOUT_MS,
            String.valueOf(closeTimeoutMs),
            SinkSettings.INSERT_OVERLAP,
            String.valueOf(overlap)));
    add(0, 1);
    Insert inFlight = inserter.next();
    add(2);
    if (overlap) {
      await(() -> metrics.snapshot().recordsConsumed() == 3, "the third record is read");
    }
    return inFlight;
  }

  private void start(Map<String, String> overrides) throws InterruptedException {
    Map<String, String> p = new HashMap<>();
    p.put(SinkSettings.KAFKA_BOOTSTRAP, "127.0.0.1:1");
    p.put(SinkSettings.CLICKHOUSE_URL, "http://127.0.0.1:1");
    p.put(SinkSettings.BATCH_MAX_ROWS, "2");
    p.put(SinkSettings.BATCH_MAX_MS, "60000");
    p.put(SinkSettings.POLL_TIMEOUT_MS, "20");
    p.putAll(overrides);
    SinkSettings settings = SinkSettings.from(p, Map.of());
    producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    loop =
        new SinkLoop(
            settings,
            consumer,
            inserter,
            new DeadLetterPublisher(producer, settings.dlqTopic(), metrics),
            metrics,
            InstantSource.system());
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, ALERTS0));
          consumer.updateBeginningOffsets(Map.of(P0, 0L, ALERTS0, 0L));
        });
    thread = new Thread(loop, "cab-sink-test");
    thread.start();
    await(() -> consumer.assignment().contains(P0), "the partition is assigned");
  }

  /** Sweep plans at these offsets of partition 0. */
  private void add(long... offsets) {
    for (long o : offsets) {
      addPlan(o, "sweep-" + o);
    }
  }

  private void addPlan(long offset, String sweepId) {
    String json =
        "{\"schema_version\":1,\"sweep_id\":\""
            + sweepId
            + "\",\"tuis\":[],\"models\":[],\"tasks\":[],\"planned_cells\":0,"
            + "\"declared_at\":\"2026-12-01T00:00:00Z\",\"attributes\":{}}";
    consumer.addRecord(
        new ConsumerRecord<>(TOPIC, 0, offset, null, json.getBytes(StandardCharsets.UTF_8)));
  }

  /** An alert transition at this offset of partition 0 of the alerts topic. */
  private void addAlert(long offset) {
    String json =
        "{\"schema_version\":1,\"fingerprint\":\"f-"
            + offset
            + "\",\"rule\":\"pass_rate_drop\",\"state\":\"firing\",\"sequence\":1,"
            + "\"at\":\"2026-12-01T00:00:00Z\",\"starts_at\":\"2026-12-01T00:00:00Z\"}";
    consumer.addRecord(
        new ConsumerRecord<>(
            ALERTS0.topic(), 0, offset, null, json.getBytes(StandardCharsets.UTF_8)));
  }

  private OffsetAndMetadata committed() {
    return consumer.committedOffsets.get(P0);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  /**
   * One insert call: the offsets of its rows, whether they came encoded in a body, and how the test
   * answers it.
   */
  record Insert(List<Long> offsets, boolean encoded, CompletableFuture<Void> answer) {}

  /**
   * Blocks every insert until the test answers it; remembers what landed. Makes bodies as the
   * connector does for RowBinary: a body here is the offsets of its rows, and refuses a plan of the
   * sweep {@link #DOES_NOT_FIT}, as the connector's refuses a value that does not fit.
   */
  static final class GatedInserter implements Inserter {
    static final String DOES_NOT_FIT = "sweep-does-not-fit";

    final BlockingQueue<Insert> calls = new LinkedBlockingQueue<>();
    private final List<Long> landed = new ArrayList<>();

    /** The threads that appended rows to bodies, in order. */
    final List<String> appendedOn = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile SQLException failure;
    private volatile boolean open;

    /** A body: the offsets of its rows. */
    private final class OffsetBody implements Inserter.Body {
      final List<Long> offsets;

      OffsetBody(List<Long> offsets) {
        this.offsets = offsets;
      }

      @Override
      public void append(Map<String, Object> row) throws SQLException {
        appendedOn.add(Thread.currentThread().getName());
        if (DOES_NOT_FIT.equals(row.get("sweep_id"))) {
          throw new java.sql.SQLDataException("a row does not fit", "22000", 53);
        }
        offsets.add((Long) row.get("kafka_offset"));
      }

      @Override
      public int rows() {
        return offsets.size();
      }

      @Override
      public Inserter.Body slice(int from, int to) {
        return new OffsetBody(List.copyOf(offsets.subList(from, to)));
      }

      @Override
      public Inserter.Body retain(java.util.function.IntPredicate keep) {
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < offsets.size(); i++) {
          if (keep.test(i)) {
            kept.add(offsets.get(i));
          }
        }
        return new OffsetBody(kept);
      }
    }

    @Override
    public Inserter.Body newBody(TableSpec table) {
      return new OffsetBody(new ArrayList<>());
    }

    @Override
    public void insert(TableSpec table, Inserter.Body body, String token) throws SQLException {
      insert(((OffsetBody) body).offsets, true);
    }

    @Override
    public void insert(TableSpec table, List<Map<String, Object>> rows, String token)
        throws SQLException {
      List<Long> offsets = new ArrayList<>();
      for (Map<String, Object> r : rows) {
        offsets.add((Long) r.get("kafka_offset"));
      }
      insert(offsets, false);
    }

    private void insert(List<Long> offsets, boolean encoded) throws SQLException {
      SQLException f = failure;
      if (f != null) {
        throw f;
      }
      Insert call = new Insert(List.copyOf(offsets), encoded, new CompletableFuture<>());
      if (!open) {
        calls.add(call);
        try {
          call.answer().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw (SQLException) e.getCause();
        }
      }
      synchronized (landed) {
        landed.addAll(offsets);
      }
    }

    Insert next() throws InterruptedException {
      Insert call = calls.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(call).as("an insert within %s", WAIT).isNotNull();
      return call;
    }

    void failFromNowOn(SQLException e) {
      failure = e;
    }

    List<Long> offsetsInserted() {
      synchronized (landed) {
        return List.copyOf(landed);
      }
    }

    void openAll() {
      open = true;
      for (Insert c; (c = calls.poll()) != null; ) {
        c.answer().complete(null);
      }
    }
  }

  /**
   * {@link MockConsumer} returns at once from an empty poll; this one waits a little, as a real
   * consumer would, so the loop does not spin; and it keeps what was committed.
   */
  static final class Slow extends MockConsumer<byte[], byte[]> {
    final Map<TopicPartition, OffsetAndMetadata> committedOffsets =
        new java.util.concurrent.ConcurrentHashMap<>();

    Slow() {
      super("earliest");
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      ConsumerRecords<byte[], byte[]> r = super.poll(timeout);
      if (r.isEmpty() && timeout.isPositive()) {
        try {
          Thread.sleep(Math.min(5, timeout.toMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return r;
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      super.commitSync(offsets);
      committedOffsets.putAll(offsets);
    }
  }
}
