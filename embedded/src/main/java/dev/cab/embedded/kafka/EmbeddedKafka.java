package dev.cab.embedded.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker, or a cluster of them, in KRaft combined mode ({@code
 * process.roles=broker,controller}), each node a child JVM on loopback running the Kafka jars of
 * {@code cab-embedded-kafka-broker}: the default mode of {@code cab} and the broker of every {@code
 * *IT}.
 *
 * <p>Lifecycle: {@link #builder()} configures, {@link #start()} formats the storage, launches every
 * node and returns once every broker is registered and unfenced (an {@code Admin} {@code
 * describeCluster} sees them all), {@link #close()} stops every node and, when the data folder was
 * a temporary one, deletes it. Single use: a closed instance cannot be started again; a new one on
 * the same {@link Builder#dataDir(Path)} keeps the data.
 *
 * <p>Ports: node {@code i} listens for clients on {@code port + i} and for the controller quorum on
 * {@code port + nodes + i}, all on 127.0.0.1; port 0 picks free ports.
 *
 * <p>Files: {@code <dataDir>/cluster.properties} (cluster id, node count), {@code
 * <dataDir>/node-<i>/server.properties}, {@code broker.log} (everything the child prints, across
 * restarts) and {@code data/} (the log dir).
 *
 * <p>Child processes never outlive this JVM: a shutdown hook stops them, and if this JVM is killed
 * outright each child notices (its stdin pipe closes, its parent pid exits) and stops itself.
 *
 * <p>Thread-safe: lifecycle methods are serialised on the instance.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The first broker port that {@code cab kafka} uses unless told otherwise. */
  public static final int DEFAULT_CLI_PORT = 9092;

  /** Default maximum heap of each broker JVM. */
  public static final String DEFAULT_HEAP = "512m";

  /** Default time {@link #start()} and {@link #startNode(int)} wait for readiness. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

  static final int MAX_NODES = 9;
  static final String LOOPBACK = "127.0.0.1";

  /** Keys that EmbeddedKafka owns: overriding them would break the layout described above. */
  static final Set<String> MANAGED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "broker.id",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "controller.listener.names",
          "inter.broker.listener.name",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dirs",
          "log.dir",
          "metadata.log.dir");

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final int PORT_CLASH_ATTEMPTS = 3;
  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  private final int nodeCount;
  private final int firstPort;
  private final Path requestedDataDir;
  private final String heap;
  private final Map<String, String> brokerConfig;
  private final Duration startTimeout;
  private final List<String> extraJvmOptions;

  private State state = State.NEW;
  private KafkaDataDir data;
  private List<KafkaNode> nodes = List.of();
  private BrokerLauncher launcher;
  private final BrokerReadiness readiness;
  private Thread shutdownHook;

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private EmbeddedKafka(Builder b) {
    this.nodeCount = b.nodes;
    this.firstPort = b.port;
    this.requestedDataDir = b.dataDir;
    this.heap = b.heap;
    this.brokerConfig = Collections.unmodifiableMap(new LinkedHashMap<>(b.brokerConfig));
    this.startTimeout = b.startTimeout;
    this.extraJvmOptions = List.copyOf(b.jvmOptions);
    this.readiness = new BrokerReadiness(startTimeout);
  }

  /** A builder with the defaults: one node, free ports, a temporary data folder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the storage (unless already formatted), launches every node and waits until every
   * broker is registered and unfenced.
   *
   * @return this, running
   * @throws PortInUseException if a fixed port is taken (nothing was started)
   * @throws IllegalStateException if a node exits or is not ready in time; the message holds the
   *     tail of its log
   */
  public synchronized EmbeddedKafka start() {
    if (state != State.NEW) {
      throw new IllegalStateException("EmbeddedKafka is single use; this one is " + state);
    }
    Instant begin = Instant.now();
    try {
      launchAll();
    } catch (RuntimeException e) {
      state = State.CLOSED;
      nodes.forEach(KafkaNode::kill);
      deleteDataDirIfOwned();
      throw e;
    }
    state = State.RUNNING;
    shutdownHook = new Thread(this::closeOnShutdown, "cab-embedded-kafka-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    LOG.info(
        "Kafka ready at {} ({} node(s), {} ms, data in {})",
        bootstrapServers(),
        nodeCount,
        Duration.between(begin, Instant.now()).toMillis(),
        data.path());
    return this;
  }

  /** {@code 127.0.0.1:<port>[,127.0.0.1:<port>...]}, one entry per node. */
  public synchronized String bootstrapServers() {
    requireStarted();
    return nodes.stream()
        .map(n -> LOOPBACK + ":" + n.brokerPort())
        .collect(Collectors.joining(","));
  }

  /** The number of nodes, running or not. */
  public int nodeCount() {
    return nodeCount;
  }

  /** The folder holding {@code cluster.properties} and every {@code node-<i>} folder. */
  public synchronized Path dataDir() {
    requireStarted();
    return data.path();
  }

  /** Everything node {@code i}'s JVM has printed, across restarts. */
  public synchronized Path brokerLog(int i) {
    return node(i).brokerLog();
  }

  /** Whether node {@code i}'s JVM is alive. */
  public synchronized boolean isRunning(int i) {
    return node(i).isRunning();
  }

  /**
   * Stops node {@code i} gracefully (SIGTERM: Kafka's controlled shutdown) and waits until its JVM
   * has exited; kills it if that takes longer than 60 s. Does nothing if it is not running.
   */
  public synchronized void stopNode(int i) {
    KafkaNode node = node(i);
    if (!node.isRunning()) {
      return;
    }
    node.requestStop();
    if (!node.awaitStop(Instant.now().plus(STOP_TIMEOUT))) {
      LOG.warn("Kafka node {} did not stop within {}; killed it", i, STOP_TIMEOUT);
    }
  }

  /**
   * Restarts a stopped or killed node {@code i} on the same data folder and ports, and waits until
   * it has rejoined the cluster (registered and unfenced).
   *
   * @throws IllegalStateException if it is running, exits again, or is not back in time
   */
  public synchronized void startNode(int i) {
    requireRunning();
    KafkaNode node = node(i);
    if (node.isRunning()) {
      throw new IllegalStateException("Kafka node " + i + " is already running");
    }
    launcher.launch(node, null, false);
    List<KafkaNode> running = nodes.stream().filter(KafkaNode::isRunning).toList();
    try {
      readiness.awaitBrokers(List.of(node), running, Instant.now().plus(startTimeout));
    } catch (RuntimeException e) {
      node.kill();
      throw e;
    }
  }

  /** Kills node {@code i} with SIGKILL (no shutdown of any kind) and waits until it is gone. */
  public synchronized void killNode(int i) {
    node(i).kill();
  }

  /** The pid of node {@code i}'s JVM (the last one, if it is not running). */
  public synchronized long pid(int i) {
    return node(i).pid();
  }

  /**
   * Stops every node gracefully (SIGTERM, in parallel, killing any that take longer than 60 s),
   * removes the shutdown hook and deletes the data folder if it was a temporary one. Idempotent.
   *
   * <p>Exception: a cluster of several nodes on a temporary data folder is killed instead, unless a
   * node is writing the class-data-sharing archive. Its data is deleted anyway, and a graceful stop
   * of a whole quorum costs Kafka's fixed 5 s raft-resignation timeout.
   */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasRunning = state == State.RUNNING;
    state = State.CLOSED;
    stopAll(STOP_TIMEOUT);
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook will find us closed.
      }
    }
    deleteDataDirIfOwned();
    if (wasRunning) {
      LOG.info("Kafka at {} stopped", bootstrapServers());
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + nodeCount + " node(s), " + state + ", " + nodes + "]";
  }

  /**
   * Runs Kafka in the foreground for {@code cab kafka}: starts it, prints exactly one line, {@code
   * KAFKA_BOOTSTRAP=127.0.0.1:9092[,...]}, to stdout once it is ready, and blocks until the JVM is
   * asked to stop (Ctrl-C or SIGTERM; the shutdown hook then stops every node) or a node exits by
   * itself. Human-readable progress goes to stderr.
   *
   * @return the process exit code to use when a node exits by itself: 0 if it was told to stop
   *     (Ctrl-C reaches the whole process group), 1 if it died; after Ctrl-C or SIGTERM to this JVM
   *     the shutdown hook stops the nodes and the JVM exits with 130 or 143 before this returns
   * @throws PortInUseException if a port is taken (its message is one line naming the port and the
   *     way to choose another)
   */
  public static int runForeground(Builder builder) {
    return KafkaForeground.run(builder);
  }

  /**
   * The command line that runs a Kafka command-line tool on the broker's classpath with this JVM's
   * {@code java}, e.g. {@code toolCommand("org.apache.kafka.tools.ProducerPerformance", List.of(
   * "--topic", "t", ...))}: {@code kafka-tools} is on it, so are the broker's own tools.
   */
  public static List<String> toolCommand(String mainClass, List<String> args) {
    return BrokerLauncher.toolCommand(mainClass, args);
  }

  // ---- start-up -------------------------------------------------------------------------------

  /** Prepares files and ports, launches every node and waits for them; retries lost port races. */
  private void launchAll() {
    data = KafkaDataDir.prepare(requestedDataDir, nodeCount);
    launcher = new BrokerLauncher(heap, extraJvmOptions, data.path());

    for (int attempt = 1; ; attempt++) {
      int[] ports = KafkaPorts.allocate(nodeCount, firstPort);
      List<KafkaNode> candidates = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        candidates.add(
            new KafkaNode(i, ports[i], ports[nodeCount + i], data.path().resolve("node-" + i)));
      }
      nodes = List.copyOf(candidates);
      try {
        for (KafkaNode node : nodes) {
          BrokerConfig.writeServerProperties(node, nodes, brokerConfig);
        }
        boolean trainingStarted = false;
        for (KafkaNode node : nodes) {
          // One training run per cluster is enough to produce the archive.
          launcher.launch(node, data.clusterId(), !trainingStarted);
          trainingStarted = true;
        }
        readiness.awaitBrokers(nodes, nodes, Instant.now().plus(startTimeout));
        return;
      } catch (RuntimeException e) {
        boolean clash = firstPort == 0 && nodes.stream().anyMatch(BrokerReadiness::lostPortRace);
        nodes.forEach(KafkaNode::kill);
        if (!clash || attempt >= PORT_CLASH_ATTEMPTS) {
          throw e;
        }
        LOG.info("Another process took one of the free ports picked for Kafka; retrying");
      }
    }
  }

  // ---- shutdown -------------------------------------------------------------------------------

  private void stopAll(Duration timeout) {
    if (data != null
        && data.owned()
        && nodeCount > 1
        && nodes.stream().noneMatch(KafkaNode::stopMatters)) {
      // When a whole quorum stops, the raft leader waits Kafka's fixed 5 s for the others to
      // acknowledge its resignation, and they are gone: pointless when the data is deleted next.
      nodes.forEach(KafkaNode::kill);
      return;
    }
    // In parallel: stopping one by one would let the last node wait for a controller quorum that
    // the others have already taken down.
    nodes.forEach(KafkaNode::requestStop);
    Instant deadline = Instant.now().plus(timeout);
    for (KafkaNode node : nodes) {
      if (!node.awaitStop(deadline)) {
        LOG.warn("Kafka node {} did not stop within {}; killed it", node.id(), timeout);
      }
    }
  }

  private void closeOnShutdown() {
    try {
      close();
    } catch (RuntimeException e) {
      // Last resort: never leave a broker running because a graceful stop failed.
      nodes.forEach(KafkaNode::kill);
    }
  }

  /** Blocks until any node's JVM exits, and returns it. */
  KafkaNode awaitAnyNodeExit() {
    List<CompletableFuture<KafkaNode>> exits;
    synchronized (this) {
      exits = nodes.stream().map(KafkaNode::onExit).toList();
    }
    try {
      return CompletableFuture.anyOf(exits.toArray(CompletableFuture[]::new))
          .thenApply(KafkaNode.class::cast)
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while Kafka was running", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot watch the Kafka nodes", e.getCause());
    }
  }

  private void deleteDataDirIfOwned() {
    if (data != null) {
      data.deleteIfOwned();
    }
  }

  /** Whether {@link #close()} ran (or start-up failed). */
  synchronized boolean isClosed() {
    return state == State.CLOSED;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private KafkaNode node(int i) {
    requireStarted();
    Objects.checkIndex(i, nodeCount);
    return nodes.get(i);
  }

  private void requireStarted() {
    if (nodes.isEmpty()) {
      throw new IllegalStateException("EmbeddedKafka has not been started");
    }
  }

  private void requireRunning() {
    if (state != State.RUNNING) {
      throw new IllegalStateException("EmbeddedKafka is " + state);
    }
  }

  /** Thrown by {@link #start()} when a fixed port is taken; nothing has been started. */
  public static final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The port that is taken. */
    private final int port;

    PortInUseException(int port, String role, int first, int last) {
      super(
          "Port %d on %s is already in use (needed for the %s; this cluster needs ports %d-%d):"
                  .formatted(port, LOOPBACK, role, first, last)
              + " stop what holds it, or choose another first port (cab kafka --port <n>;"
              + " --port 0 picks free ports)");
      this.port = port;
    }

    /** The port that is taken. */
    public int port() {
      return port;
    }
  }

  /**
   * Configures an {@link EmbeddedKafka}. Not thread-safe; {@link #build()} copies its state, so a
   * builder can be reused.
   */
  public static final class Builder {
    private int nodes = 1;
    private int port = 0;
    private Path dataDir;
    private String heap = DEFAULT_HEAP;
    private final Map<String, String> brokerConfig = new LinkedHashMap<>();
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

    /**
     * Number of nodes, each broker and controller: 1 (the default) or 3 for a fault-tolerant
     * cluster (replication factor 3, min ISR 2); at most {@value EmbeddedKafka#MAX_NODES}.
     */
    public Builder nodes(int nodes) {
      if (nodes < 1 || nodes > MAX_NODES) {
        throw new IllegalArgumentException(
            "nodes must be between 1 and " + MAX_NODES + ", not " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /**
     * The first port: node {@code i} takes {@code port + i} for clients and {@code port + nodes +
     * i} for its controller. 0 (the default) picks free ports.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The data folder, kept after {@link EmbeddedKafka#close()} so that a later start finds the
     * same topics. Default: a temporary folder, deleted at close.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Maximum heap of each broker JVM, e.g. {@code 512m} (the default) or {@code -Xmx1g}. */
    public Builder heap(String heap) {
      String size = heap.startsWith("-Xmx") ? heap.substring(4) : heap;
      if (!HEAP.matcher(size).matches()) {
        throw new IllegalArgumentException("heap must look like 512m or 1g, not " + heap);
      }
      this.heap = size;
      return this;
    }

    /**
     * Sets a broker configuration entry on every node, over our defaults. The listener, quorum and
     * log-dir keys are ours and rejected.
     */
    public Builder brokerConfig(String key, String value) {
      if (MANAGED_KEYS.contains(key)) {
        throw new IllegalArgumentException(key + " is set by EmbeddedKafka and cannot be changed");
      }
      brokerConfig.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** How long {@code start()} and {@code startNode(i)} wait; default 90 s. */
    public Builder startTimeout(Duration startTimeout) {
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive");
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /**
     * Adds an option to every broker JVM's command line, after ours (so it wins), e.g. {@code
     * -XX:+FlightRecorder} or {@code -agentlib:jdwp=...}.
     */
    public Builder jvmOption(String option) {
      if (!option.startsWith("-")) {
        throw new IllegalArgumentException("Not a JVM option: " + option);
      }
      jvmOptions.add(option);
      return this;
    }

    /** A new, not yet started, EmbeddedKafka. */
    public EmbeddedKafka build() {
      if (port != 0 && port + 2 * nodes - 1 > 65535) {
        throw new IllegalArgumentException(
            "port " + port + " leaves no room for " + 2 * nodes + " ports");
      }
      return new EmbeddedKafka(this);
    }

    /** Shorthand for {@code build().start()}. */
    public EmbeddedKafka start() {
      return build().start();
    }
  }
}
