package dev.cab.streams;

import dev.cab.model.topic.Topics;
import dev.cab.streams.config.StreamsSettings;
import dev.cab.streams.topology.CellState;
import dev.cab.streams.topology.CellTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
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

  private StreamsService(StreamsSettings settings, KafkaStreams streams) {
    this.settings = settings;
    this.streams = streams;
  }

  /**
   * Starts the stage and waits for RUNNING.
   *
   * @throws IllegalStateException naming the bootstrap address when Kafka is unreachable, or when
   *     the app does not reach RUNNING before {@link StreamsSettings#startupTimeout()}
   */
  public static StreamsService start(StreamsSettings settings) {
    log.info(
        "starting cab-streams with {}",
        settings.effective().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", ")));
    Instant deadline = Instant.now().plus(settings.startupTimeout());
    createTopics(settings, deadline);

    KafkaStreams streams = new KafkaStreams(CellTopology.build(settings), settings.toProperties());
    StreamsService service = new StreamsService(settings, streams);
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
    boolean clean = streams.close(settings.closeTimeout());
    if (!clean) {
      log.warn("cab-streams did not close within {}", settings.closeTimeout());
    }
    stopped.countDown();
  }

  private static void createTopics(StreamsSettings settings, Instant deadline) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining(deadline).toMillis()));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing =
          admin.listTopics().names().get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
      var missing =
          Topics.newTopics(settings.topicPartitions(), settings.topicReplicationFactor()).stream()
              .filter(t -> !existing.contains(t.name()))
              .toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin
            .createTopics(missing)
            .all()
            .get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Another instance may have created them between list and create.
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at "
              + settings.bootstrap()
              + " is unreachable: no answer within "
              + settings.startupTimeout()
              + " (is the broker running? check cab.kafka.bootstrap)",
          e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create the pipeline topics on Kafka at " + settings.bootstrap(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  private static Duration remaining(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
