package dev.cab.cli.stack;

import dev.cab.alerts.AlertsService;
import dev.cab.alerts.config.AlertsSettings;
import dev.cab.cli.UserError;
import dev.cab.collector.CollectorService;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.dashboards.DashboardsService;
import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import dev.cab.embedded.kafka.EmbeddedKafka;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ManagementConfig;
import dev.cab.model.management.ManagementServer;
import dev.cab.model.topic.TopicProvisioner;
import dev.cab.sink.SinkService;
import dev.cab.sink.config.SinkSettings;
import dev.cab.streams.StreamsService;
import dev.cab.streams.config.StreamsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on one machine: the embedded Kafka broker and ClickHouse server (child
 * processes) plus the streams, sink and collector stages in this process, started in data-flow
 * order and stopped in reverse (the collector first, so nothing is accepted that cannot be
 * delivered). One data directory can host one stack at a time: a lock file says so.
 *
 * <p>Not thread-safe; {@link #close()} is idempotent.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  /**
   * Where and on which ports the stack runs. Port 0 picks a free port (tests).
   *
   * @param dataDir kafka/, clickhouse/ and streams/ live under it
   * @param kafkaPort broker port (9092)
   * @param clickhousePort ClickHouse HTTP port (8123)
   * @param otlpHttpPort collector OTLP/HTTP port (4318)
   * @param otlpGrpcPort collector OTLP/gRPC port (4317)
   * @param dashboardPort dashboards web port (8080)
   * @param clickhouseDatabase database the sink writes ({@code cab})
   * @param overrides stage settings by dotted key ({@code --set}, {@code --listen}); they win over
   *     {@code -D}, the environment and the settings file, which every stage reads as well
   */
  public record Options(
      Path dataDir,
      int kafkaPort,
      int clickhousePort,
      int otlpHttpPort,
      int otlpGrpcPort,
      int dashboardPort,
      String clickhouseDatabase,
      Map<String, String> overrides) {

    public Options {
      overrides = Map.copyOf(overrides);
    }

    /** The {@code cab up} defaults under a data directory. */
    public static Options defaults(Path dataDir) {
      return new Options(dataDir, 9092, 8123, 4318, 4317, 8080, "cab", Map.of());
    }
  }

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EmbeddedKafka kafka;
  private EmbeddedClickHouse clickhouse;
  private CollectorService collector;
  private DashboardsService dashboards;
  private ManagementServer management;
  private String database;
  private int kafkaNodes = 1;
  private Options options;
  private LocalClickHouseUsers users;
  private StageSettings settings;

  private LocalStack() {}

  /**
   * Starts everything, reporting each step to {@code progress}.
   *
   * @throws UserError when another stack holds the data directory or a port is taken
   */
  public static LocalStack start(Options options, Consumer<String> progress) {
    return start(options, 1, progress);
  }

  /**
   * Like {@link #start(Options, Consumer)} on a Kafka cluster of {@code kafkaNodes} nodes (the
   * scale-out benchmark runs on three; topics then need {@code cab.kafka.topic.replication.factor}
   * in the overrides).
   */
  public static LocalStack start(Options options, int kafkaNodes, Consumer<String> progress) {
    LocalStack stack = new LocalStack();
    stack.kafkaNodes = kafkaNodes;
    try {
      stack.doStart(options, progress);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void doStart(Options o, Consumer<String> progress) {
    // Every settings problem of every stage at once, before anything starts.
    StageSettings.read(
        o,
        "127.0.0.1:" + o.kafkaPort(),
        "http://127.0.0.1:" + o.clickhousePort(),
        LocalClickHouseUsers.placeholder(o.dataDir()));
    lock(o.dataDir());
    // One account per role (sink writer, migrations admin, dashboards reader), once per data dir.
    users = LocalClickHouseUsers.ensure(o.dataDir(), o.clickhouseDatabase());
    options = o;
    database = o.clickhouseDatabase();
    long t0 = System.nanoTime();

    progress.accept("starting Kafka (KRaft) and ClickHouse (libchdb)...");
    // The two servers are independent child processes: start them side by side.
    EmbeddedKafka.Builder kafkaBuilder =
        EmbeddedKafka.builder()
            .port(o.kafkaPort())
            .nodes(kafkaNodes)
            .dataDir(o.dataDir().resolve("kafka"));
    EmbeddedClickHouse.Builder clickhouseBuilder =
        EmbeddedClickHouse.builder()
            .port(o.clickhousePort())
            .dataDir(o.dataDir().resolve("clickhouse"))
            .usersFile(users.file());
    CompletableFuture<EmbeddedClickHouse> clickhouseStart =
        CompletableFuture.supplyAsync(() -> clickhouseBuilder.build().start());
    try {
      kafka = kafkaBuilder.build().start();
      started.push(kafka);
    } catch (EmbeddedKafka.PortInUseException e) {
      throw new UserError(
          "Kafka port "
              + e.port()
              + " is already in use: is another ./cab up running? Stop it, or set CAB_KAFKA_PORT",
          e);
    } finally {
      // Whatever happened to Kafka, own the ClickHouse child so close() stops it.
      try {
        clickhouse = clickhouseStart.join();
        started.push(clickhouse);
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    progress.accept(
        String.format(
            "KAFKA_BOOTSTRAP=%s  CLICKHOUSE_URL=%s  (%.1f s)",
            kafka.bootstrapServers(), clickhouse.url(), (System.nanoTime() - t0) / 1e9));

    settings = StageSettings.read(o, kafka.bootstrapServers(), clickhouse.url(), users);
    settings.warnings().forEach(w -> progress.accept("cab: warning: " + w));
    logSettings(settings, o.dataDir(), progress);
    warnWhenExposed(settings, progress);

    try {
      management = ManagementServer.start(settings.sink().management());
    } catch (UncheckedIOException e) {
      throw new UserError(
          e.getMessage() + ": is another ./cab up running? Or use --management-port", e);
    }
    started.push(management);
    TopicProvisioner.ensure(settings.sink().kafka(), "cab-up-admin", Duration.ofSeconds(30));
    progress.accept("starting sink (migrations), streams, alerts, collector...");
    SinkService sink = SinkService.start(settings.sink(), management.stage(SinkSettings.STAGE));
    started.push(sink);
    StreamsService streams =
        StreamsService.start(settings.streams(), management.stage(StreamsSettings.STAGE));
    started.push(streams);
    AlertsService alerts =
        AlertsService.start(settings.alerts(), management.stage(AlertsSettings.STAGE));
    started.push(alerts);
    collector =
        CollectorService.start(settings.collector(), management.stage(CollectorSettings.STAGE));
    started.push(collector);
    dashboards =
        DashboardsService.start(settings.dashboards(), management.stage(DashboardsSettings.STAGE));
    started.push(dashboards);
    collectorDoors(settings).ifPresent(progress);
    progress.accept(
        String.format(
            "OTLP_HTTP=%s  OTLP_GRPC=%s:%d  DASHBOARDS=%s  METRICS=%s  (ready in %.1f s)",
            otlpHttpEndpoint(),
            settings.collector().bindAddress(),
            collector.grpcPort(),
            dashboardsUrl(),
            metricsEndpoint(),
            (System.nanoTime() - t0) / 1e9));
  }

  /**
   * Every stage's effective settings, one format, secrets masked: the whole listing goes to {@code
   * <data dir>/effective-settings.txt} (and the log at debug level), the terminal gets one line
   * naming the file, so the progress of {@code ./cab demo} is not buried under a hundred keys.
   */
  private static void logSettings(StageSettings settings, Path dataDir, Consumer<String> progress) {
    String listing = String.join("\n\n", settings.describe()) + "\n";
    Path file = dataDir.resolve("effective-settings.txt");
    try {
      Files.createDirectories(dataDir);
      Files.writeString(file, listing);
      progress.accept("cab: every stage's effective settings (secrets masked): " + file);
    } catch (IOException e) {
      LOG.warn("cannot write {} ({}); the settings follow", file, e.getMessage());
      settings.describe().forEach(LOG::info);
      return;
    }
    settings.describe().forEach(LOG::debug);
  }

  /**
   * Binding the collector beyond loopback without tokens lets anyone who reaches this machine write
   * telemetry: say so, loudly, but do not refuse (a lab network may be fine with it).
   */
  private static void warnWhenExposed(StageSettings settings, Consumer<String> progress) {
    String bind = settings.collector().bindAddress();
    if (ManagementConfig.isBeyondLoopback(bind) && !settings.collectorTokensConfigured()) {
      progress.accept(
          "cab: WARNING: the collector listens on "
              + bind
              + " without collector tokens: anyone who can reach this machine can send telemetry."
              + " Set "
              + StageSettings.COLLECTOR_TOKENS_FILE
              + " (--set "
              + StageSettings.COLLECTOR_TOKENS_FILE
              + "=FILE) or listen on 127.0.0.1.");
    }
  }

  /**
   * Who may send, in one line, unless {@link #warnWhenExposed} already said it: open on loopback,
   * or how many bearer tokens the collector accepts.
   */
  private static Optional<String> collectorDoors(StageSettings settings) {
    CollectorSettings collector = settings.collector();
    if (collector.auth().tokens() != null) {
      return Optional.of(
          "collector requires a bearer token: "
              + collector.auth().tokens().size()
              + " tokens from "
              + StageSettings.COLLECTOR_TOKENS_FILE);
    }
    if (ManagementConfig.isBeyondLoopback(collector.bindAddress())) {
      return Optional.empty();
    }
    return Optional.of(
        "collector is open (no bearer token needed) on loopback only; set "
            + StageSettings.COLLECTOR_TOKENS_FILE
            + " (COLLECTOR_AUTH_TOKENS_FILE) to require tokens");
  }

  private void lock(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      FileChannel channel =
          FileChannel.open(
              dataDir.resolve("stack.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this very process already runs a stack on the directory
      }
      if (lock == null) {
        channel.close();
        throw new UserError(
            "another ./cab up (or demo) is already running on "
                + dataDir
                + ": stop it with Ctrl-C, or use another CAB_DATA_DIR");
      }
      FileLock held = lock;
      started.push(
          () -> {
            held.release();
            channel.close();
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + dataDir, e);
    }
  }

  /**
   * Starts one more streams and one more sink instance in this process, named {@code name}: the
   * same settings, so the same Kafka Streams application id and sink consumer group (Kafka shares
   * the partitions between them), but a state directory of its own ({@code streams-<name>} in the
   * data directory). Closing the returned handle stops both (cleanly: they leave their groups); the
   * stack stops them otherwise.
   */
  public AutoCloseable addInstances(String name) {
    StageSettings s =
        extraSettings(
            options.clickhouseDatabase(),
            Map.of(
                StreamsSettings.STATE_DIR,
                options.dataDir().resolve("streams-" + name).toString()));
    SinkService sink = SinkService.start(s.sink());
    StreamsService streams;
    try {
      streams = StreamsService.start(s.streams());
    } catch (RuntimeException e) {
      sink.close();
      throw e;
    }
    java.util.concurrent.atomic.AtomicBoolean open =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    AutoCloseable instances =
        () -> {
          if (open.compareAndSet(true, false)) {
            streams.close();
            sink.close();
          }
        };
    started.push(instances);
    return instances;
  }

  /**
   * Starts one more sink in this process, apart from the stack's: consumer group {@code groupId} (a
   * new group reads every topic from the start) and database {@code database} (created and migrated
   * on start). It writes as the migrations administrator, since the writer account's grant covers
   * the stack's database only. The caller closes it.
   */
  public SinkService startSink(String database, String groupId) {
    StageSettings s =
        extraSettings(
            database,
            Map.of(
                SinkSettings.GROUP_ID,
                groupId,
                CommonSettings.CLICKHOUSE_USER,
                LocalClickHouseUsers.ADMIN,
                CommonSettings.CLICKHOUSE_PASSWORD,
                users.adminPassword()));
    return SinkService.start(s.sink());
  }

  /**
   * The stages' settings for an instance beside the stack's: the stack's options and overrides,
   * with the ClickHouse database {@code database} and the overrides {@code extra} on top.
   */
  private StageSettings extraSettings(String database, Map<String, String> extra) {
    Map<String, String> overrides = new java.util.HashMap<>(options.overrides());
    overrides.putAll(extra);
    Options instance =
        new Options(
            options.dataDir(),
            options.kafkaPort(),
            options.clickhousePort(),
            options.otlpHttpPort(),
            options.otlpGrpcPort(),
            options.dashboardPort(),
            database,
            overrides);
    return StageSettings.read(instance, kafka.bootstrapServers(), clickhouse.url(), users);
  }

  /** The Kafka Streams application id (the streams stage's consumer group). */
  public String streamsApplicationId() {
    return settings.streams().applicationId();
  }

  /** The sink's consumer group. */
  public String sinkGroupId() {
    return settings.sink().groupId();
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String clickhouseUrl() {
    return clickhouse.url();
  }

  public String clickhouseDatabase() {
    return database;
  }

  /** The OTLP/HTTP base endpoint runners export to, e.g. {@code http://127.0.0.1:4318}. */
  public String otlpHttpEndpoint() {
    return "http://127.0.0.1:" + collector.httpPort();
  }

  /** Where every stage's metrics are served, e.g. {@code http://127.0.0.1:9464/metrics}. */
  public String metricsEndpoint() {
    return management.port() < 0 ? "(off)" : "http://127.0.0.1:" + management.port() + "/metrics";
  }

  /** The management port serving every stage's metrics and health, or -1 when off. */
  public int managementPort() {
    return management.port();
  }

  /** The OTLP/gRPC endpoint, e.g. {@code http://127.0.0.1:4317}. */
  public String otlpGrpcEndpoint() {
    return "http://127.0.0.1:" + collector.grpcPort();
  }

  /** The dashboards' base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String dashboardsUrl() {
    return "http://127.0.0.1:" + dashboards.port();
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedClickHouse clickhouse() {
    return clickhouse;
  }

  /** Process ids of the broker and ClickHouse children (this process runs the stages). */
  public Map<String, Long> childPids() {
    return Map.of("kafka", kafka.pid(0), "clickhouse", clickhouse.pid());
  }

  /** Stops everything in reverse start order; never throws. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("cab: error while stopping " + c + ": " + e);
      }
    }
  }
}
