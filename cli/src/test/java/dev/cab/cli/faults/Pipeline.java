package dev.cab.cli.faults;

import dev.cab.cli.faults.StageProcess.Stage;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.embedded.kafka.EmbeddedKafka;
import dev.cab.model.topic.Topics;
import dev.cab.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/**
 * The three stages of one fault case, each its own JVM, on a Kafka of the case's own (fresh topics
 * and consumer groups) and a ClickHouse database of the case's own. Restarting a stage starts a new
 * JVM with the same settings (same collector port, same streams state directory).
 */
public final class Pipeline implements AutoCloseable {
  private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(150);
  private static final int MAX_RELAUNCHES = 3;
  private static final String SINK_GROUP = "cab-sink";
  private static final String STREAMS_GROUP = "cab-streams";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path dir;
  private final EmbeddedKafka kafka;
  private final ClickHouseTestServer clickhouse;
  private final ClickHouseTestServer direct;
  private final Map<Stage, Map<String, String>> env = new EnumMap<>(Stage.class);
  private final Map<Stage, StageProcess> running = new EnumMap<>(Stage.class);
  private final Map<Stage, Integer> launches = new EnumMap<>(Stage.class);
  private final List<StageProcess> extras = new ArrayList<>();
  private final int collectorPort;

  /**
   * @param dir logs and the streams state live under it
   * @param kafka the case's broker(s), running; closed with the pipeline
   * @param clickhouse where the sink writes (its {@code database} is the case's; the url may be a
   *     proxy's)
   * @param direct the same database, reached directly (for the test's own queries)
   * @param replication replication factor of the topics (3 on a 3-node cluster)
   * @param sinkSettings extra sink settings, as environment variables
   */
  public Pipeline(
      Path dir,
      EmbeddedKafka kafka,
      ClickHouseTestServer clickhouse,
      ClickHouseTestServer direct,
      int replication,
      Map<String, String> sinkSettings) {
    this.dir = dir;
    this.kafka = kafka;
    this.clickhouse = clickhouse;
    this.direct = direct;
    this.collectorPort = freePort();
    String bootstrap = kafka.bootstrapServers();
    createTopics(bootstrap, replication);
    Map<String, String> collector = new HashMap<>();
    collector.put("CAB_KAFKA_BOOTSTRAP", bootstrap);
    collector.put("COLLECTOR_HTTP_PORT", Integer.toString(collectorPort));
    collector.put("COLLECTOR_GRPC_PORT", "-1");
    collector.put("CAB_KAFKA_TOPIC_REPLICATION_FACTOR", Integer.toString(replication));
    // The topics exist already (created above with the case's replication).
    collector.put("CAB_KAFKA_TOPIC_CREATE", "false");
    // Three stage JVMs on one host: the management port (default 9464) would collide.
    collector.put("CAB_MANAGEMENT_PORT", "-1");
    env.put(Stage.COLLECTOR, collector);
    Map<String, String> streams = new HashMap<>();
    streams.put("CAB_KAFKA_BOOTSTRAP", bootstrap);
    streams.put("STREAMS_STATE_DIR", dir.resolve("streams-state").toString());
    streams.put("CAB_KAFKA_TOPIC_REPLICATION_FACTOR", Integer.toString(replication));
    // A loaded CI machine may take longer than the default minute to reach RUNNING.
    streams.put("STREAMS_STARTUP_TIMEOUT_MS", "PT5M");
    streams.put("CAB_MANAGEMENT_PORT", "-1");
    env.put(Stage.STREAMS, streams);
    Map<String, String> sink = new HashMap<>();
    sink.put("CAB_KAFKA_BOOTSTRAP", bootstrap);
    sink.put("CAB_CLICKHOUSE_URL", clickhouse.url());
    sink.put("CAB_CLICKHOUSE_USER", clickhouse.user());
    sink.put("CAB_CLICKHOUSE_PASSWORD", clickhouse.password());
    sink.put("CAB_CLICKHOUSE_DATABASE", clickhouse.database());
    sink.put("SINK_STARTUP_TIMEOUT_MS", "300000");
    sink.put("CAB_MANAGEMENT_PORT", "-1");
    sink.putAll(sinkSettings);
    env.put(Stage.SINK, sink);
  }

  /** Adds settings (as environment variables) to every later start of {@code stage}. */
  public Pipeline set(Stage stage, Map<String, String> settings) {
    env.get(stage).putAll(settings);
    return this;
  }

  /**
   * Starts sink, streams and collector and waits until the collector answers and the tables exist.
   * Like a process supervisor, it starts a stage again if it exits while starting (on a loaded
   * machine a stage may give up on a slow broker: the collector after 8 s, for one).
   */
  public Pipeline startAll() {
    start(Stage.SINK);
    start(Stage.STREAMS);
    start(Stage.COLLECTOR);
    awaitReady(Stage.COLLECTOR, this::collectorHealthy);
    awaitReady(Stage.SINK, () -> tablesExist() && groupStable(SINK_GROUP));
    awaitReady(Stage.STREAMS, () -> groupStable(STREAMS_GROUP));
    return this;
  }

  /** Starts a new JVM for {@code stage} (after a kill or stop) and waits until it is ready. */
  void restart(Stage stage) {
    start(stage);
    awaitReady(stage, stage == Stage.COLLECTOR ? this::collectorHealthy : () -> true);
  }

  private void awaitReady(Stage stage, BooleanSupplier ready) {
    int[] relaunches = {0};
    Await.until(
        stage.lower() + " to start",
        STARTUP_DEADLINE,
        Duration.ofMillis(250),
        () -> {
          StageProcess p = running.get(stage);
          if (!p.isAlive() && relaunches[0]++ < MAX_RELAUNCHES) {
            System.err.println("[faults] " + p + " exited while starting; starting it again");
            start(stage);
            return false;
          }
          return p.isAlive() && ready.getAsBoolean();
        },
        () -> stage.lower() + " to start: " + running.get(stage) + logTails());
  }

  private StageProcess start(Stage stage) {
    int n = launches.merge(stage, 1, Integer::sum);
    StageProcess p =
        StageProcess.start(stage, env.get(stage), dir.resolve(stage.lower() + "-" + n + ".log"));
    running.put(stage, p);
    return p;
  }

  /**
   * Starts again any stage that exited though no fault asked for it (a supervisor's job); how many
   * it started.
   */
  int supervise() {
    int restarted = 0;
    for (Map.Entry<Stage, StageProcess> e : Map.copyOf(running).entrySet()) {
      if (!e.getValue().isAlive()) {
        System.err.println("[faults] " + e.getValue() + " exited; starting it again");
        start(e.getKey());
        restarted++;
      }
    }
    return restarted;
  }

  /** Whether a consumer group has members and no rebalance in progress. */
  private boolean groupStable(String group) {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      ConsumerGroupDescription d =
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(10, TimeUnit.SECONDS);
      return d.groupState() == GroupState.STABLE && !d.members().isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  /** Drops settings of {@code stage} (e.g. a fault hook) for its next start. */
  void unset(Stage stage, String... envNames) {
    for (String name : envNames) {
      env.get(stage).remove(name);
    }
  }

  /**
   * Starts one more JVM of {@code stage} beside the running one (a scale-out instance: same
   * consumer group or application id), with the stage's settings but {@code overrides} (its own
   * streams state directory, say). Not supervised; killed with the pipeline.
   */
  public StageProcess startInstance(Stage stage, String name, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(env.get(stage));
    settings.putAll(overrides);
    StageProcess p =
        StageProcess.start(stage, settings, dir.resolve(stage.lower() + "-" + name + ".log"));
    extras.add(p);
    return p;
  }

  public StageProcess stage(Stage stage) {
    return running.get(stage);
  }

  /** The case's database, reached directly (not through a proxy). */
  ClickHouseTestServer clickhouse() {
    return direct;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public String otlpEndpoint() {
    return "http://127.0.0.1:" + collectorPort;
  }

  /** The stages' last log lines, for failure messages. */
  public String logTails() {
    StringBuilder s = new StringBuilder();
    running.forEach(
        (stage, p) -> s.append("\n--- ").append(p).append(" ---\n").append(p.logTail(25)));
    return s.toString();
  }

  private boolean collectorHealthy() {
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(otlpEndpoint() + "/v1/traces"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      // The collector opens its OTLP port only once Kafka answered (its health endpoints are on
      // the management port, turned off here): any answer, here 405 to a GET, means it is up.
      return r.statusCode() > 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean tablesExist() {
    try {
      return direct
          .queryIn(
              "system",
              "SELECT count() FROM system.tables WHERE database = '"
                  + direct.database()
                  + "' AND name IN ('cells', 'spans', 'score_events')")
          .strip()
          .equals("3");
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static void createTopics(String bootstrap, int replication) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(Topics.newTopics(4, (short) replication)).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the topics on " + bootstrap, e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the stages (the case is judged by then; a clean stop would only cost time) and Kafka. */
  @Override
  public void close() {
    extras.forEach(StageProcess::kill);
    for (Stage s : List.of(Stage.COLLECTOR, Stage.STREAMS, Stage.SINK)) {
      StageProcess p = running.get(s);
      if (p != null) {
        p.kill();
      }
    }
    kafka.close();
  }
}
