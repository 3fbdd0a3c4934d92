package dev.cab.streams;

import dev.cab.model.management.KafkaHealthCheck;
import dev.cab.model.management.StageManagement;
import dev.cab.model.topic.TopicProvisioner;
import dev.cab.streams.config.StreamsSettings;
import dev.cab.streams.topology.CellState;
import dev.cab.streams.topology.CellTopology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streams stage: creates the pipeline topics when missing, starts the {@link
 * CellTopology} and waits until it is RUNNING. Delivery is what {@link
 * StreamsSettings#processingGuarantee()} says (exactly-once by default). A fatal error in a stream
 * thread shuts the client down (state ERROR); {@link #awaitTermination()} then returns.
 * Thread-safe.
 */
public final class StreamsService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  private final StreamsSettings settings;
  private final KafkaStreams streams;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private final StageManagement management;

  private StreamsService(
      StreamsSettings settings, KafkaStreams streams, StageManagement management) {
    this.settings = settings;
    this.streams = streams;
    this.management = management;
  }

  /**
   * Starts the stage and waits for RUNNING.
   *
   * @throws IllegalStateException naming the bootstrap address when Kafka is unreachable, or when
   *     the app does not reach RUNNING before {@link StreamsSettings#startupTimeout()}
   */
  public static StreamsService start(StreamsSettings settings) {
    return start(settings, StageManagement.detached(StreamsSettings.STAGE));
  }

  /**
   * Like {@link #start(StreamsSettings)}, with Kafka Streams' metrics (process rates, dropped
   * records, consumer lag) and the readiness checks in {@code management}. Takes ownership of it.
   */
  public static StreamsService start(StreamsSettings settings, StageManagement management) {
    try {
      return doStart(settings, management);
    } catch (RuntimeException e) {
      management.close();
      throw e;
    }
  }

  private static StreamsService doStart(StreamsSettings settings, StageManagement management) {
    Instant deadline = Instant.now().plus(settings.startupTimeout());
    if (settings.createTopics()) {
      try {
        TopicProvisioner.ensure(settings.kafka(), "cab-streams-admin", remaining(deadline));
      } catch (TopicProvisioner.TopicsUnavailableException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }

    KafkaStreams streams = new KafkaStreams(CellTopology.build(settings), settings.toProperties());
    KafkaStreamsMetrics streamsMetrics =
        new KafkaStreamsMetrics(streams, List.of(), management.scheduler(), Duration.ofSeconds(10));
    streamsMetrics.bindTo(management.registry());
    management.closeWithStage(streamsMetrics);
    Gauge.builder("cab.streams.running", streams, s -> s.state().isRunningOrRebalancing() ? 1 : 0)
        .description("1 while the Kafka Streams client is running or rebalancing, else 0.")
        .register(management.registry());
    management.readiness("kafka", new KafkaHealthCheck(settings.bootstrap(), "cab-streams-health"));
    management.readiness(
        "streams",
        timeout -> {
          if (!streams.state().isRunningOrRebalancing()) {
            throw new IllegalStateException("Kafka Streams is " + streams.state());
          }
        });
    StreamsService service = new StreamsService(settings, streams, management);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          log.info("cab-streams state {} -> {}", before, now);
          if (now == State.RUNNING) {
            running.countDown();
          }
          if (now == State.ERROR || now == State.NOT_RUNNING || now == State.PENDING_ERROR) {
            running.countDown();
            service.stopped.countDown();
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("cab-streams stream thread failed; shutting the client down", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    try {
      if (!running.await(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS)) {
        service.close();
        throw new IllegalStateException(
            "cab-streams did not reach RUNNING within "
                + settings.startupTimeout()
                + " (Kafka at "
                + settings.bootstrap()
                + ", state "
                + streams.state()
                + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      service.close();
      throw new IllegalStateException("interrupted while starting cab-streams", e);
    }
    if (streams.state() != State.RUNNING && streams.state() != State.REBALANCING) {
      State state = streams.state();
      service.close();
      throw new IllegalStateException(
          "cab-streams stopped while starting (state " + state + "); see the log above");
    }
    log.info("cab-streams running: {}", settings.applicationId());
    return service;
  }

  /** The Kafka Streams client state. */
  public State state() {
    return streams.state();
  }

  /**
   * The cell states held by this instance, read through the record cache (an interactive query):
   * they may be newer than the last cell record written, which waits for the next commit.
   */
  ReadOnlyKeyValueStore<String, CellState> cellStates() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            CellTopology.STATE_STORE, QueryableStoreTypes.<String, CellState>keyValueStore()));
  }

  /** Blocks until the client has stopped (fatal error or {@link #close()}). */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /** Closes the client, waiting at most {@link StreamsSettings#closeTimeout()}. */
  @Override
  public void close() {
    // Default: Kafka Streams stays in the group on close (to spare a rebalance when the instance
    // comes back within the session timeout), so a restarted instance, or the others, wait out
    // the session timeout before they get its tasks (45 s by default; docs/PERFORMANCE.md,
    // "Streams state restore"). Leave instead: the group rebalances at once.
    boolean clean =
        streams.close(
            CloseOptions.timeout(settings.closeTimeout())
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    if (!clean) {
      log.warn("cab-streams did not close within {}", settings.closeTimeout());
    }
    management.close();
    stopped.countDown();
  }

  private static Duration remaining(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
