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
import dev.cab.model.topic.Topics;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The whole pipeline on one machine: the embedded Kafka broker and ClickHouse server (child
 * processes) plus the streams, sink and collector stages in this process, started in data-flow
 * order and stopped in reverse (the collector first, so nothing is accepted that cannot be
 * delivered). One data directory can host one stack at a time: a lock file says so.
 *
 * <p>Not thread-safe; {@link #close()} is idempotent.
 */
public final class LocalStack implements AutoCloseable {

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
   * @param overrides extra stage settings by dotted key (e.g. {@code sink.batch.max.ms})
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
  private String database;

  private LocalStack() {}

  /**
   * Starts everything, reporting each step to {@code progress}.
   *
   * @throws UserError when another stack holds the data directory or a port is taken
   */
  public static LocalStack start(Options options, Consumer<String> progress) {
    LocalStack stack = new LocalStack();
    try {
      stack.doStart(options, progress);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void doStart(Options o, Consumer<String> progress) {
    lock(o.dataDir());
    database = o.clickhouseDatabase();
    long t0 = System.nanoTime();

    progress.accept("starting Kafka (KRaft) and ClickHouse (libchdb)...");
    // The two servers are independent child processes: start them side by side.
    EmbeddedKafka.Builder kafkaBuilder =
        EmbeddedKafka.builder().port(o.kafkaPort()).dataDir(o.dataDir().resolve("kafka"));
    EmbeddedClickHouse.Builder clickhouseBuilder =
        EmbeddedClickHouse.builder()
            .port(o.clickhousePort())
            .dataDir(o.dataDir().resolve("clickhouse"));
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

    Map<String, String> common = new HashMap<>(o.overrides());
    common.put("cab.kafka.bootstrap", kafka.bootstrapServers());
    common.put("cab.clickhouse.url", clickhouse.url());
    common.put("cab.clickhouse.database", o.clickhouseDatabase());
    common.putIfAbsent("streams.state.dir", o.dataDir().resolve("streams").toString());

    createTopics(kafka.bootstrapServers());
    progress.accept("starting sink (migrations), streams, alerts, collector...");
    SinkService sink = SinkService.start(SinkSettings.from(common, Map.of()));
    started.push(sink);
    StreamsService streams = StreamsService.start(StreamsSettings.from(common, Map.of()));
    started.push(streams);
    // ALERTS_* variables (ALERTS_ALERTMANAGER_URL, ALERTS_WEBHOOK_URL, ...) reach the alerts stage
    // of the local stack as they would reach `java -jar cab-alerts-all.jar`.
    Map<String, String> alertsEnv = new HashMap<>();
    System.getenv()
        .forEach(
            (k, v) -> {
              if (k.startsWith("ALERTS_")) {
                alertsEnv.put(k, v);
              }
            });
    AlertsService alerts = AlertsService.start(AlertsSettings.from(common, alertsEnv));
    started.push(alerts);
    Map<String, String> collectorProps = new HashMap<>(common);
    collectorProps.put("collector.http.port", Integer.toString(o.otlpHttpPort()));
    collectorProps.put("collector.grpc.port", Integer.toString(o.otlpGrpcPort()));
    collector = CollectorService.start(CollectorSettings.from(collectorProps, Map.of()));
    started.push(collector);
    Map<String, String> dashboardProps = new HashMap<>(common);
    dashboardProps.put(DashboardsSettings.HTTP_PORT, Integer.toString(o.dashboardPort()));
    dashboards = DashboardsService.start(DashboardsSettings.from(dashboardProps, Map.of()));
    started.push(dashboards);
    progress.accept(
        String.format(
            "OTLP_HTTP=%s  OTLP_GRPC=127.0.0.1:%d  DASHBOARDS=%s  (ready in %.1f s)",
            otlpHttpEndpoint(),
            collector.grpcPort(),
            dashboardsUrl(),
            (System.nanoTime() - t0) / 1e9));
  }

  /** Creates the catalogue's topics up front, so no stage starts against a missing topic. */
  private static void createTopics(String bootstrap) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          Topics.newTopics(4, (short) 1).stream()
              .filter(t -> !existing.contains(t.name()))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the topics on " + bootstrap, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
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
