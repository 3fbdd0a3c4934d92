package dev.cab.embedded.kafka;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
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
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final int PORT_CLASH_ATTEMPTS = 3;
  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
  private static final String TEMP_DIR_PREFIX = "cab-kafka-";
  private static final String OWNER_FILE = "owner.pid";
  private static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);

  private final int nodeCount;
  private final int firstPort;
  private final Path requestedDataDir;
  private final String heap;
  private final Map<String, String> brokerConfig;
  private final Duration startTimeout;
  private final List<String> extraJvmOptions;

  private State state = State.NEW;
  private Path dataDir;
  private boolean ownsDataDir;
  private String clusterId;
  private List<KafkaNode> nodes = List.of();
  private List<String> jvmOptions = new ArrayList<>();
  private BrokerRuntime runtime;
  private List<Path> childClasspath = List.of();
  private Optional<ClassDataSharing> cds = Optional.empty();
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
        dataDir);
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
    return dataDir;
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
    launch(node, null, false);
    List<KafkaNode> running = nodes.stream().filter(KafkaNode::isRunning).toList();
    try {
      awaitBrokers(List.of(node), running, Instant.now().plus(startTimeout));
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
    EmbeddedKafka kafka = builder.build().start();
    System.out.println("KAFKA_BOOTSTRAP=" + kafka.bootstrapServers());
    System.out.flush();
    System.err.printf(
        "Kafka %s ready: %d node(s) at %s, data and logs in %s. Ctrl-C stops it.%n",
        kafkaVersion(), kafka.nodeCount(), kafka.bootstrapServers(), kafka.dataDir);
    KafkaNode exited = kafka.awaitAnyNodeExit();
    synchronized (kafka) {
      if (kafka.state == State.CLOSED) {
        return 0;
      }
      Integer code = exited.exitCode();
      // 130/143: the node got Ctrl-C's SIGINT or a SIGTERM itself (same process group).
      boolean signalled = code != null && (code == 130 || code == 143);
      if (!signalled) {
        System.err.printf(
            "Kafka node %d exited with code %s; last lines of %s:%n%s%n",
            exited.id(), code, exited.brokerLog(), exited.logTail());
      }
      kafka.close();
      return signalled ? 0 : 1;
    }
  }

  /**
   * The command line that runs a Kafka command-line tool on the broker's classpath with this JVM's
   * {@code java}, e.g. {@code toolCommand("org.apache.kafka.tools.ProducerPerformance", List.of(
   * "--topic", "t", ...))}: {@code kafka-tools} is on it, so are the broker's own tools.
   */
  public static List<String> toolCommand(String mainClass, List<String> args) {
    BrokerRuntime runtime = BrokerRuntime.locate();
    List<String> command = new ArrayList<>();
    command.add(runtime.javaBinary().toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-cp");
    command.add(
        runtime.brokerJars().stream()
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  // ---- start-up -------------------------------------------------------------------------------

  /** Prepares files and ports, launches every node and waits for them; retries lost port races. */
  private void launchAll() {
    runtime = BrokerRuntime.locate();
    prepareDataDir();
    jvmOptions = new ArrayList<>(jvmOptions(heap));
    jvmOptions.addAll(extraJvmOptions);
    Optional<Path> cacheDir = BrokerRuntime.cacheDir();
    cds = ClassDataSharing.in(cacheDir);
    List<Path> classpath = new ArrayList<>(runtime.brokerJars());
    classpath.add(runtime.launcherJar(cacheDir.orElse(dataDir)));
    childClasspath = List.copyOf(classpath);

    for (int attempt = 1; ; attempt++) {
      int[] ports = allocatePorts();
      List<KafkaNode> candidates = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        candidates.add(
            new KafkaNode(i, ports[i], ports[nodeCount + i], dataDir.resolve("node-" + i)));
      }
      nodes = List.copyOf(candidates);
      try {
        for (KafkaNode node : nodes) {
          writeServerProperties(node);
        }
        boolean trainingStarted = false;
        for (KafkaNode node : nodes) {
          // One training run per cluster is enough to produce the archive.
          launch(node, clusterId, !trainingStarted);
          trainingStarted = true;
        }
        awaitBrokers(nodes, nodes, Instant.now().plus(startTimeout));
        return;
      } catch (RuntimeException e) {
        boolean clash = firstPort == 0 && nodes.stream().anyMatch(EmbeddedKafka::lostPortRace);
        nodes.forEach(KafkaNode::kill);
        if (!clash || attempt >= PORT_CLASH_ATTEMPTS) {
          throw e;
        }
        LOG.info("Another process took one of the free ports picked for Kafka; retrying");
      }
    }
  }

  private void prepareDataDir() {
    try {
      if (requestedDataDir == null) {
        deleteAbandonedTempDirs(Path.of(System.getProperty("java.io.tmpdir")));
        dataDir = Files.createTempDirectory(TEMP_DIR_PREFIX);
        ownsDataDir = true;
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(
            dataDir.resolve(OWNER_FILE),
            self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("?"));
      } else {
        dataDir = Files.createDirectories(requestedDataDir.toAbsolutePath().normalize());
      }
      Path clusterFile = dataDir.resolve("cluster.properties");
      Properties cluster = new Properties();
      if (Files.exists(clusterFile)) {
        try (InputStream in = Files.newInputStream(clusterFile)) {
          cluster.load(in);
        }
        int formattedNodes = Integer.parseInt(cluster.getProperty("nodes", "-1"));
        if (formattedNodes != nodeCount) {
          throw new IllegalStateException(
              "%s holds a %d-node Kafka cluster; start it with %d node(s) or use another data folder"
                  .formatted(dataDir, formattedNodes, formattedNodes));
        }
        clusterId = cluster.getProperty("cluster.id");
      } else {
        clusterId = Uuid.randomUuid().toString();
        cluster.setProperty("cluster.id", clusterId);
        cluster.setProperty("nodes", Integer.toString(nodeCount));
        try (OutputStream out = Files.newOutputStream(clusterFile)) {
          cluster.store(out, "cab embedded Kafka: formatted with this id; do not edit");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the Kafka data folder " + requestedDataDir, e);
    }
  }

  /**
   * Deletes temporary data folders whose owner JVM is gone: one killed with {@code kill -9} never
   * ran {@link #close()}. Its brokers stopped by themselves (see BrokerMain); their files stay.
   */
  static void deleteAbandonedTempDirs(Path tmp) {
    Instant settled = Instant.now().minus(ABANDONED_AFTER);
    try (var dirs = Files.newDirectoryStream(tmp, TEMP_DIR_PREFIX + "*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (Files.isRegularFile(owner)
            && Files.getLastModifiedTime(owner).toInstant().isBefore(settled)
            && !ownerAlive(Files.readString(owner).strip())) {
          LOG.info("Deleting {}, left behind by a JVM that was killed", dir);
          deleteTree(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot sweep abandoned Kafka folders in {}", tmp, e);
    }
  }

  private static boolean ownerAlive(String owner) {
    String[] pidAndStart = owner.split(" ", 2);
    Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(pidAndStart[0]));
    if (process.isEmpty() || !process.get().isAlive()) {
      return false;
    }
    // A reused pid belongs to a process that started at another instant.
    String started = process.get().info().startInstant().map(Instant::toString).orElse("?");
    return pidAndStart.length < 2 || pidAndStart[1].equals("?") || pidAndStart[1].equals(started);
  }

  private int[] allocatePorts() {
    int count = 2 * nodeCount;
    int[] ports = new int[count];
    if (firstPort == 0) {
      // Hold all sockets open at once so that the picks are distinct.
      List<ServerSocket> held = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
          held.add(s);
          ports[i] = s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find free ports on " + LOOPBACK, e);
      } finally {
        held.forEach(EmbeddedKafka::closeQuietly);
      }
      return ports;
    }
    for (int i = 0; i < count; i++) {
      ports[i] = firstPort + i;
      String role =
          i < nodeCount
              ? "client listener of node " + i
              : "controller listener of node " + (i - nodeCount);
      checkFree(ports[i], role, firstPort, firstPort + count - 1);
    }
    return ports;
  }

  private static void checkFree(int port, String role, int first, int last) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as Kafka does: sockets in TIME_WAIT do not count as taken
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
    } catch (BindException e) {
      throw new PortInUseException(port, role, first, last);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check port " + port, e);
    }
  }

  private void writeServerProperties(KafkaNode node) {
    Map<String, String> config = serverConfig(node, nodes, brokerConfig);
    StringBuilder text = new StringBuilder();
    text.append("# Written by cab's EmbeddedKafka at every start; edits are overwritten.\n");
    config.forEach(
        (k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    try {
      Files.createDirectories(node.dir());
      Files.writeString(node.serverProperties(), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + node.serverProperties(), e);
    }
  }

  /** The server.properties of {@code node}: the layout, then our defaults, then overrides. */
  static Map<String, String> serverConfig(
      KafkaNode node, List<KafkaNode> all, Map<String, String> overrides) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("process.roles", "broker,controller");
    c.put("node.id", Integer.toString(node.id()));
    c.put(
        "controller.quorum.voters",
        all.stream()
            .map(n -> n.id() + "@" + LOOPBACK + ":" + n.controllerPort())
            .collect(Collectors.joining(",")));
    c.put(
        "listeners",
        "PLAINTEXT://%s:%d,CONTROLLER://%s:%d"
            .formatted(LOOPBACK, node.brokerPort(), LOOPBACK, node.controllerPort()));
    c.put("advertised.listeners", "PLAINTEXT://%s:%d".formatted(LOOPBACK, node.brokerPort()));
    c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    c.put("controller.listener.names", "CONTROLLER");
    c.put("inter.broker.listener.name", "PLAINTEXT");
    c.put("log.dirs", node.logDir().toString());

    // Our code creates every topic explicitly; a typo must fail, not create a topic.
    c.put("auto.create.topics.enable", "false");
    c.put("num.partitions", "4");
    // Consumers in tests and in the local mode join at once instead of after 3 s.
    c.put("group.initial.rebalance.delay.ms", "0");
    int replication = Math.min(3, all.size());
    int minIsr = Math.max(1, replication - 1);
    // Internal topics cannot have more replicas than there are brokers; with 3 nodes these are
    // Kafka's defaults (RF 3, min ISR 2), said explicitly.
    c.put("offsets.topic.replication.factor", Integer.toString(replication));
    c.put("transaction.state.log.replication.factor", Integer.toString(replication));
    c.put("transaction.state.log.min.isr", Integer.toString(minIsr));
    c.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
    c.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
    c.put("default.replication.factor", Integer.toString(replication));
    c.put("min.insync.replicas", Integer.toString(minIsr));
    // The log cleaner's dedupe buffer is 128 MB of heap by default, allocated at start-up: a
    // quarter of our heap for compacting the few small compacted topics a local broker has.
    c.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    c.putAll(overrides);
    return c;
  }

  /** JVM options of every broker child (the same for all, so they share one CDS archive). */
  static List<String> jvmOptions(String heap) {
    return List.of(
        "-Xmx" + heap,
        // 2 cores shared by up to 3 brokers and the tests: one GC thread, no concurrent marking.
        "-XX:+UseSerialGC",
        // C1 only: a broker starts about twice as fast on a busy 2-core machine, and used no more
        // CPU per record than with C2 (600k 300-byte records, acks=all, lz4: 2.0 s vs 2.8 s).
        "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError",
        // zstd-jni, snappy and lz4 load native code; kafka-clients unmaps buffers via Unsafe.
        "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow",
        "-Djava.awt.headless=true",
        // Keep log4j alive while Kafka's own shutdown hook logs the shutdown.
        "-Dlog4j2.shutdownHookEnabled=false");
  }

  private void launch(KafkaNode node, String formatClusterId, boolean mayTrainCds) {
    List<String> command = new ArrayList<>();
    command.add(runtime.javaBinary().toString());
    command.addAll(jvmOptions);
    Runnable afterCleanStop = () -> {};
    Runnable afterKill = () -> {};
    boolean training = false;
    if (cds.isPresent()) {
      ClassDataSharing c = cds.get();
      Path archive = c.archiveFor(jvmOptions, childClasspath);
      if (Files.isRegularFile(archive)) {
        command.add("-XX:SharedArchiveFile=" + archive);
      } else if (mayTrainCds) {
        Path output = c.trainingOutput(archive);
        command.add("-XX:ArchiveClassesAtExit=" + output);
        training = true;
        afterCleanStop = () -> c.publish(output, archive);
        afterKill = () -> c.discard(output);
      }
      // A warning about an archive the JVM cannot use is not worth a line in the broker log.
      command.add("-Xlog:cds=off,cds+dynamic=off");
    }
    command.add("-Dcab.kafka.node=" + node.id());
    command.add("-cp");
    command.add(
        childClasspath.stream()
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)));
    command.add(BrokerRuntime.MAIN_CLASS);
    command.add("--parent-pid");
    command.add(Long.toString(ProcessHandle.current().pid()));
    if (formatClusterId != null) {
      command.add("--format");
      command.add(formatClusterId);
    }
    command.add(node.serverProperties().toString());
    node.launch(command, training, afterCleanStop, afterKill);
  }

  /**
   * Waits until every node of {@code starting} is registered and unfenced, asking the brokers of
   * {@code bootstrap}; fails as soon as one of {@code starting} exits.
   */
  private void awaitBrokers(List<KafkaNode> starting, List<KafkaNode> bootstrap, Instant deadline) {
    for (KafkaNode node : starting) {
      // Connecting an Admin before the listener is up only fills the test output with warnings.
      awaitListening(node, starting, deadline);
    }
    Set<Integer> expected = starting.stream().map(KafkaNode::id).collect(Collectors.toSet());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap.stream()
            .map(n -> LOOPBACK + ":" + n.brokerPort())
            .collect(Collectors.joining(",")));
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "cab-embedded-kafka-readiness");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    Set<Integer> seen = Set.of();
    Exception lastError = null;
    try (Admin admin = Admin.create(config)) {
      while (true) {
        failIfExited(starting);
        try {
          seen =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .stream()
                  .map(Node::id)
                  .collect(Collectors.toSet());
          if (seen.containsAll(expected)) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastError = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
        if (Instant.now().isAfter(deadline)) {
          Set<Integer> missing = new HashSet<>(expected);
          missing.removeAll(seen);
          throw new IllegalStateException(
              "Kafka node(s) %s not registered within %s (the cluster sees %s%s)%s"
                  .formatted(
                      missing,
                      startTimeout,
                      seen,
                      lastError == null ? "" : "; last error: " + lastError,
                      tails(starting.stream().filter(n -> missing.contains(n.id())).toList())));
        }
        pause();
      }
    }
  }

  private void awaitListening(KafkaNode node, List<KafkaNode> starting, Instant deadline) {
    while (true) {
      failIfExited(starting);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, node.brokerPort()), 500);
        return;
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "Kafka node %d is not listening on %s:%d after %s%s"
                  .formatted(
                      node.id(), LOOPBACK, node.brokerPort(), startTimeout, tails(List.of(node))));
        }
        pause();
      }
    }
  }

  private static void failIfExited(List<KafkaNode> starting) {
    for (KafkaNode node : starting) {
      if (!node.isRunning()) {
        throw new IllegalStateException(
            "Kafka node %d exited with code %s while starting%s"
                .formatted(node.id(), node.exitCode(), tails(List.of(node))));
      }
    }
  }

  private static String tails(List<KafkaNode> nodes) {
    StringBuilder s = new StringBuilder();
    for (KafkaNode n : nodes) {
      s.append("\n---- last lines of ").append(n.brokerLog()).append(" ----\n").append(n.logTail());
    }
    return s.toString();
  }

  private static boolean lostPortRace(KafkaNode node) {
    String tail = node.logTail();
    return tail.contains("Address already in use") || tail.contains("BindException");
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_INTERVAL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Kafka", e);
    }
  }

  // ---- shutdown -------------------------------------------------------------------------------

  private void stopAll(Duration timeout) {
    if (ownsDataDir && nodeCount > 1 && nodes.stream().noneMatch(KafkaNode::stopMatters)) {
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

  private KafkaNode awaitAnyNodeExit() {
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
    if (!ownsDataDir || dataDir == null) {
      return;
    }
    try {
      deleteTree(dataDir);
    } catch (IOException e) {
      LOG.warn("Cannot delete the temporary Kafka data folder {}", dataDir, e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
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

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // A probe socket: nothing depends on closing it cleanly.
    }
  }

  /**
   * The kafka-clients version on the classpath, from the file kafka-clients itself reads it from
   * (its parser moved to an internal package in 4.4, so it is no API to depend on).
   */
  private static String kafkaVersion() {
    try (InputStream in =
        org.apache.kafka.clients.producer.KafkaProducer.class.getResourceAsStream(
            "/kafka/kafka-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
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
