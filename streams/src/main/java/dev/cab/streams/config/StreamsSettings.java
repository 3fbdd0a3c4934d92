package dev.cab.streams.config;

import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.GroupSessionTimeout;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.config.KafkaConfig;
import dev.cab.model.config.ManagementConfig;
import dev.cab.model.score.CompositeScorer;
import dev.cab.model.score.CompositeWeights;
import dev.cab.model.score.EfficiencyCurves;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.WireAttributes.Axes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The validated settings of the streams stage, read from dotted keys or their environment variables
 * ({@code cab.kafka.bootstrap} or {@code CAB_KAFKA_BOOTSTRAP}). {@link #from} collects every
 * problem and fails once with all of them ({@link InvalidConfigException}). Immutable.
 *
 * @param bootstrap Kafka bootstrap servers ({@value #BOOTSTRAP})
 * @param applicationId Kafka Streams application id: consumer group and internal-topic prefix
 * @param stateDir where RocksDB keeps the cell state (rebuilt from the changelog when lost)
 * @param processingGuarantee {@code exactly_once_v2} or {@code at_least_once}
 * @param commitInterval how often progress is committed; under exactly-once this is also how long a
 *     new cell version can wait before readers of {@code cab.cells.v1} see it
 * @param numThreads stream threads
 * @param weights the versioned composite weights
 * @param curves the default efficiency curves, used when the runner sent no efficiency
 * @param requiredAxes the axes a cell needs to be complete
 * @param outcomeRules how a cell's outcome is triaged (passed, failed, infra_error, pending)
 * @param topicPartitions partitions of the topics created when missing
 * @param topicReplicationFactor replication factor of the topics created when missing
 * @param dlqRetention {@code cab.kafka.topic.dlq.retention.ms}: how long dead letters are kept
 * @param startupTimeout how long {@code start} waits for Kafka and the RUNNING state
 * @param closeTimeout how long {@code close} waits for a clean shutdown
 * @param createTopics whether missing catalogue topics are created at start
 * @param management where metrics and health are served
 * @param rocksDbMemoryBytes the off-heap memory every RocksDB store of this process shares: block
 *     cache, index and filter blocks, and memtables ({@link BoundedRocksDbMemory})
 * @param stateFormat how cell states are written to the store and its changelog (both formats are
 *     always read)
 * @param sessionTimeout {@value #SESSION_TIMEOUT_MS}: how long the group waits for a vanished
 *     instance before its tasks move to the others ({@link GroupSessionTimeout})
 * @param probingRebalanceInterval {@value #PROBING_REBALANCE_INTERVAL_MS}: how often the group
 *     checks whether a new instance's warm-up copies of the state have caught up, to hand it the
 *     tasks (Kafka Streams' {@code probing.rebalance.interval.ms})
 * @param effective every setting as used, secrets masked, for the start-up log
 */
public record StreamsSettings(
    String bootstrap,
    String applicationId,
    String stateDir,
    String processingGuarantee,
    Duration commitInterval,
    int numThreads,
    CompositeWeights weights,
    EfficiencyCurves curves,
    List<String> requiredAxes,
    OutcomeRules outcomeRules,
    int topicPartitions,
    short topicReplicationFactor,
    Duration dlqRetention,
    Duration startupTimeout,
    Duration closeTimeout,
    boolean createTopics,
    ManagementConfig management,
    long rocksDbMemoryBytes,
    StateFormat stateFormat,
    Duration sessionTimeout,
    Duration probingRebalanceInterval,
    Map<String, String> effective) {

  /** How the cell state store writes its values ({@value #STATE_FORMAT}). */
  public enum StateFormat {
    /** The compact binary layout of {@code CellStateSerde} (the default: least CPU). */
    BINARY,
    /**
     * JSON, as releases before the binary layout wrote it: for rolling back to such a release with
     * the state kept (run with this first so the changelog holds JSON again).
     */
    JSON
  }

  /** The stage name: key prefix, {@code stage} metric label, log name. */
  public static final String STAGE = "streams";

  public static final String BOOTSTRAP = CommonSettings.KAFKA_BOOTSTRAP;
  public static final String APPLICATION_ID = "streams.application.id";
  public static final String STATE_DIR = "streams.state.dir";
  public static final String PROCESSING_GUARANTEE = "streams.processing.guarantee";
  public static final String COMMIT_INTERVAL_MS = "streams.commit.interval.ms";
  public static final String NUM_THREADS = "streams.num.threads";
  public static final String WEIGHTS_VERSION = "streams.composite.weights.version";
  public static final String LATENCY_SCALE = "streams.composite.latency.scale";
  public static final String LATENCY_EXPONENT = "streams.composite.latency.exponent";
  public static final String COST_REFERENCE_TOKENS = "streams.composite.cost.reference.tokens";
  public static final String REQUIRED_AXES = "streams.required.axes";
  public static final String OUTCOME_INFRA_EXIT_CODES = "streams.outcome.infra.exit.codes";
  public static final String OUTCOME_INFRA_ERROR_SPAN_KINDS =
      "streams.outcome.infra.error.span.kinds";
  public static final String OUTCOME_TIMEOUT_ERROR_TYPES = "streams.outcome.timeout.error.types";
  public static final String OUTCOME_SCORES_GRACE = "streams.outcome.scores.grace.ms";
  public static final String TOPIC_PARTITIONS = CommonSettings.TOPIC_PARTITIONS;
  public static final String TOPIC_REPLICATION_FACTOR = CommonSettings.TOPIC_REPLICATION_FACTOR;
  public static final String STARTUP_TIMEOUT = "streams.startup.timeout.ms";
  public static final String CLOSE_TIMEOUT = "streams.close.timeout.ms";
  public static final String ROCKSDB_MEMORY_BYTES = "streams.rocksdb.memory.bytes";
  public static final String STATE_FORMAT = "streams.state.format";
  public static final StateFormat DEFAULT_STATE_FORMAT = StateFormat.BINARY;
  public static final String SESSION_TIMEOUT_MS = "streams.session.timeout.ms";
  public static final String PROBING_REBALANCE_INTERVAL_MS =
      "streams.probing.rebalance.interval.ms";

  /**
   * Kafka Streams' own default, 10 minutes: an instance added to a running application first
   * restores warm-up copies of its future tasks' state while the others keep processing them, and
   * takes them over at the first probing rebalance after they caught up. Kafka's minimum is one
   * minute; a bench that wants the new instance busy soon sets that ({@code ./cab bench
   * --instances}).
   */
  public static final Duration DEFAULT_PROBING_REBALANCE_INTERVAL = Duration.ofMinutes(10);

  public static final String DEFAULT_APPLICATION_ID = "cab-streams";

  /** Kafka Streams' own default; production should point this at a persistent volume. */
  public static final String DEFAULT_STATE_DIR =
      Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams").toString();

  public static final String DEFAULT_PROCESSING_GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;

  /**
   * 200 ms, not Kafka Streams' 100 under exactly-once: each commit forwards one cell version per
   * changed cell (cache flush, record, produce: a quarter of streams' CPU), and 200 ms let streams
   * spend 10-12% less CPU per event than 100 (as much as 500 did) for at most 100 ms more of
   * freshness (docs/PERFORMANCE.md, the commit interval).
   */
  public static final long DEFAULT_COMMIT_INTERVAL_MS = 200;

  /** Kafka Streams' producer transaction timeout under exactly-once. */
  static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;

  public static final int DEFAULT_NUM_THREADS = 1;

  /**
   * 64 MiB for every store together: the cell state of a million cells is a few hundred MB on disk
   * and is read per cell, so a cache of the hot cells and bounded memtables suffice.
   */
  public static final long DEFAULT_ROCKSDB_MEMORY_BYTES = 64L << 20;

  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** The weights artifacts this build knows, by version. */
  public static final Map<String, CompositeWeights> KNOWN_WEIGHTS =
      Map.of(CompositeWeights.V1.version(), CompositeWeights.V1);

  private static final Set<String> GUARANTEES =
      Set.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);
  private static final Pattern AXIS_NAME = Pattern.compile("[a-z][a-z0-9_.]*");

  public StreamsSettings {
    requiredAxes = List.copyOf(requiredAxes);
    effective = Map.copyOf(effective);
  }

  /**
   * Settings of the streams process: {@code -D} over the environment over the settings file ({@link
   * ConfigValues#fromProcess}).
   */
  public static StreamsSettings fromEnv() {
    return from(ConfigValues.fromProcess(STAGE, Map.of()));
  }

  /**
   * Reads and validates every setting.
   *
   * @param properties explicit settings by dotted key; they win over the environment
   * @param env environment variables ({@code System.getenv()})
   * @throws InvalidConfigException listing every problem found
   */
  public static StreamsSettings from(Map<String, String> properties, Map<String, String> env) {
    return from(ConfigValues.of(properties, env));
  }

  /**
   * Reads and validates every setting from {@code c}.
   *
   * @throws InvalidConfigException listing every problem found
   */
  public static StreamsSettings from(ConfigValues c) {
    KafkaConfig kafka = KafkaConfig.read(c);
    ManagementConfig management = ManagementConfig.read(c);
    String applicationId = c.string(APPLICATION_ID, DEFAULT_APPLICATION_ID);
    String stateDir = c.string(STATE_DIR, DEFAULT_STATE_DIR);
    String guarantee = c.string(PROCESSING_GUARANTEE, DEFAULT_PROCESSING_GUARANTEE);
    if (!GUARANTEES.contains(guarantee)) {
      c.problem(
          PROCESSING_GUARANTEE,
          "must be "
              + StreamsConfig.EXACTLY_ONCE_V2
              + " or "
              + StreamsConfig.AT_LEAST_ONCE
              + ", not '"
              + guarantee
              + "'");
    }
    long commitMs = c.longValue(COMMIT_INTERVAL_MS, DEFAULT_COMMIT_INTERVAL_MS, 1, 3_600_000);
    int threads = c.intValue(NUM_THREADS, DEFAULT_NUM_THREADS, 1, 64);

    String weightsVersion = c.string(WEIGHTS_VERSION, CompositeWeights.V1.version());
    CompositeWeights weights = KNOWN_WEIGHTS.get(weightsVersion);
    if (weights == null) {
      c.problem(
          WEIGHTS_VERSION,
          "must be one of " + KNOWN_WEIGHTS.keySet() + ", not '" + weightsVersion + "'");
      weights = CompositeWeights.V1;
    }
    double scale = c.doubleValue(LATENCY_SCALE, EfficiencyCurves.DEFAULT_LATENCY_SCALE);
    double exponent = c.doubleValue(LATENCY_EXPONENT, EfficiencyCurves.DEFAULT_LATENCY_EXPONENT);
    double reference =
        c.doubleValue(COST_REFERENCE_TOKENS, EfficiencyCurves.DEFAULT_COST_REFERENCE_TOKENS);
    if (!(scale > 0)) {
      c.problem(LATENCY_SCALE, "must be greater than 0, not " + scale);
    }
    if (!(exponent < 0)) {
      c.problem(LATENCY_EXPONENT, "must be negative (slower runs score lower), not " + exponent);
    }
    if (!(reference > 0)) {
      c.problem(COST_REFERENCE_TOKENS, "must be greater than 0, not " + reference);
    }
    EfficiencyCurves curves =
        scale > 0 && exponent < 0 && reference > 0
            ? new EfficiencyCurves(scale, exponent, reference)
            : EfficiencyCurves.DEFAULT;

    List<String> axes = axes(c, c.string(REQUIRED_AXES, String.join(",", Axes.REQUIRED)));
    OutcomeRules outcomeRules = outcomeRules(c);
    Duration startup = c.duration(STARTUP_TIMEOUT, DEFAULT_STARTUP_TIMEOUT);
    Duration close = c.duration(CLOSE_TIMEOUT, DEFAULT_CLOSE_TIMEOUT);
    long rocksDbMemory =
        c.longValue(ROCKSDB_MEMORY_BYTES, DEFAULT_ROCKSDB_MEMORY_BYTES, 8L << 20, 64L << 30);
    if (startup.isZero()) {
      c.problem(STARTUP_TIMEOUT, "must be greater than 0");
    }
    String format = c.string(STATE_FORMAT, DEFAULT_STATE_FORMAT.name().toLowerCase(Locale.ROOT));
    StateFormat stateFormat = DEFAULT_STATE_FORMAT;
    try {
      stateFormat = StateFormat.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      c.problem(STATE_FORMAT, "must be binary or json, not '" + format + "'");
    }
    Duration sessionTimeout = GroupSessionTimeout.read(c, SESSION_TIMEOUT_MS);
    Duration probing =
        c.duration(PROBING_REBALANCE_INTERVAL_MS, DEFAULT_PROBING_REBALANCE_INTERVAL);
    if (probing.compareTo(Duration.ofMinutes(1)) < 0) {
      c.problem(
          PROBING_REBALANCE_INTERVAL_MS,
          "must be at least 60000 (Kafka Streams' minimum), not " + probing.toMillis());
    }

    c.validate(STAGE);
    return new StreamsSettings(
        kafka.bootstrap(),
        applicationId,
        stateDir,
        guarantee,
        Duration.ofMillis(commitMs),
        threads,
        weights,
        curves,
        axes,
        outcomeRules,
        kafka.topicPartitions(),
        kafka.topicReplicationFactor(),
        kafka.dlqRetention(),
        startup,
        close,
        kafka.createTopics(),
        management,
        rocksDbMemory,
        stateFormat,
        sessionTimeout,
        probing,
        c.effective());
  }

  private static OutcomeRules outcomeRules(ConfigValues c) {
    Set<Integer> exitCodes = new LinkedHashSet<>();
    String codes =
        c.string(
            OUTCOME_INFRA_EXIT_CODES,
            joined(new java.util.TreeSet<>(OutcomeRules.DEFAULT_INFRA_EXIT_CODES)));
    for (String part : names(codes)) {
      try {
        exitCodes.add(Integer.parseInt(part));
      } catch (NumberFormatException e) {
        c.problem(
            OUTCOME_INFRA_EXIT_CODES,
            "must be comma-separated exit codes like 125,126,127,137, not '" + part + "'");
      }
    }
    Set<String> kinds =
        new LinkedHashSet<>(
            names(
                c.string(
                    OUTCOME_INFRA_ERROR_SPAN_KINDS,
                    joined(new java.util.TreeSet<>(OutcomeRules.DEFAULT_INFRA_ERROR_SPAN_KINDS)))));
    Set<String> timeouts =
        new LinkedHashSet<>(
            names(
                c.string(
                    OUTCOME_TIMEOUT_ERROR_TYPES,
                    joined(new java.util.TreeSet<>(OutcomeRules.DEFAULT_TIMEOUT_ERROR_TYPES)))));
    Duration grace = c.duration(OUTCOME_SCORES_GRACE, OutcomeRules.DEFAULT_SCORES_GRACE);
    if (grace.isZero() || grace.isNegative()) {
      c.problem(OUTCOME_SCORES_GRACE, "must be greater than 0, e.g. PT10M");
      grace = OutcomeRules.DEFAULT_SCORES_GRACE;
    }
    return new OutcomeRules(exitCodes, kinds, timeouts, grace);
  }

  private static List<String> names(String value) {
    return java.util.Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static String joined(java.util.Collection<?> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }

  private static List<String> axes(ConfigValues c, String value) {
    Set<String> axes = new LinkedHashSet<>();
    List<String> bad = new ArrayList<>();
    for (String part : value.split(",")) {
      String axis = part.trim();
      if (axis.isEmpty()) {
        continue;
      }
      if (!AXIS_NAME.matcher(axis).matches()) {
        bad.add(axis);
      }
      axes.add(axis);
    }
    if (!bad.isEmpty()) {
      c.problem(REQUIRED_AXES, "has malformed axis names " + bad + " (want e.g. pass_rate)");
    }
    if (axes.isEmpty()) {
      c.problem(REQUIRED_AXES, "must name at least one axis, e.g. " + Axes.REQUIRED);
    }
    return List.copyOf(axes);
  }

  /** The Kafka settings shared with every stage. */
  public KafkaConfig kafka() {
    return new KafkaConfig(
        bootstrap, createTopics, topicPartitions, topicReplicationFactor, dlqRetention);
  }

  /** The composite scorer these settings describe. */
  public CompositeScorer scorer() {
    return new CompositeScorer(weights, curves);
  }

  /** The Kafka Streams configuration. Every entry that departs from a default says why. */
  public Properties toProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    // Default at_least_once could re-emit or skip cell versions after a crash; exactly_once_v2
    // commits the state changelog, the output and the input offsets in one transaction.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    // Bounds freshness: under exactly-once a new cell version is readable (read_committed) only
    // after the commit that follows it, so this is the worst-case delay added by this stage.
    // (Kafka's default is 100 ms under exactly-once, 30 s under at_least_once: ours, 200 ms, for
    // both; see DEFAULT_COMMIT_INTERVAL_MS.)
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval.toMillis()));
    if (StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee)
        && commitInterval.toMillis() >= DEFAULT_TRANSACTION_TIMEOUT_MS) {
      // Kafka Streams refuses to start with a commit interval above the transaction timeout
      // (10 s under exactly-once): a transaction must outlive the interval it stays open for.
      p.put(
          StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
          Long.toString(commitInterval.toMillis() + DEFAULT_TRANSACTION_TIMEOUT_MS));
    }
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(numThreads));
    // Default log-and-fail stops the app on one undecodable record; continue, after the record
    // has gone to the dead-letter topic below with KIP-1034 headers.
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    // Same for a record that decodes but breaks the fold (e.g. a span without a span id).
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class.getName());
    // KIP-1034 built-in dead-letter queue (default: none): original bytes plus headers naming
    // source topic, partition, offset and exception.
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DLQ.name());
    // Default false: refuse to start if any store, changelog or repartition topic has a generated
    // name, so a topology edit can never silently orphan the cell state.
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    // Same as the consumer default in Kafka Streams, pinned: a new application id must fold every
    // span and score still on the topics, not only new ones.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Default: each store (and each of its tasks) gets its own RocksDB block cache and memtables,
    // so native memory grows with partitions and stores, unbounded by the heap. One budget shared
    // by every store of the process instead.
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName());
    p.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, rocksDbMemoryBytes);
    // Default 45 s: how long a SIGKILLed instance keeps its tasks before the others take them over.
    // Only the main consumer is in the group; the heartbeat stays at most a third of it.
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        Long.toString(sessionTimeout.toMillis()));
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        Long.toString(GroupSessionTimeout.heartbeatInterval(sessionTimeout).toMillis()));
    // Kafka's default (10 min), configurable: how soon an added instance takes over the tasks it
    // warmed up (see DEFAULT_PROBING_REBALANCE_INTERVAL).
    p.put(
        StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG,
        Long.toString(probingRebalanceInterval.toMillis()));
    return p;
  }
}
