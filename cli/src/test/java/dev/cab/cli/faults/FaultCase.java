package dev.cab.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.embedded.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One fault case: a fresh Kafka (one node, or three), the three stages as separate JVMs, the seeded
 * {@link Sweep} with one fault injected mid-sweep, then ClickHouse polled until it holds exactly
 * what the {@link CleanRun} holds. Prints the case's figures and appends them to {@code
 * target/faults/figures.tsv}.
 */
final class FaultCase {
  /** How long ClickHouse may take to hold everything after the fault ended. */
  static final Duration RECOVERY_DEADLINE = Duration.ofMinutes(4);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final ClickHouseTestServer server;
  private int nodes = 1;
  private String sinkClickHouseUrl;
  private final Map<String, String> sinkSettings = new HashMap<>();
  private Delivery.Policy policy = Delivery.Policy.resending();
  private Consumer<Pipeline> afterRecovery = pipeline -> {};

  private FaultCase(String name, ClickHouseTestServer server) {
    this.name = name;
    this.server = server;
  }

  /** A case writing to {@code server} (a database of its own). */
  static FaultCase named(String name, ClickHouseTestServer server) {
    return new FaultCase(name, server);
  }

  /** Brokers in the case's Kafka cluster (topics replicated to all, 3 needs 2 in sync). */
  FaultCase kafkaNodes(int nodes) {
    this.nodes = nodes;
    return this;
  }

  /** Where the sink reaches ClickHouse, when not directly (a proxy). */
  FaultCase sinkClickHouseUrl(String url) {
    this.sinkClickHouseUrl = url;
    return this;
  }

  /** An extra sink setting, as its environment variable. */
  FaultCase sinkSetting(String env, String value) {
    sinkSettings.put(env, value);
    return this;
  }

  /** More checks once ClickHouse holds the clean run's rows, while the pipeline still runs. */
  FaultCase afterRecovery(Consumer<Pipeline> check) {
    this.afterRecovery = check;
    return this;
  }

  FaultCase delivery(Delivery.Policy policy) {
    this.policy = policy;
    return this;
  }

  /** Figures of one case. */
  record Outcome(
      String name,
      Sweep.Result sent,
      Snapshot.Diff diff,
      Duration faultLength,
      Duration recovered,
      Snapshot snapshot) {

    String line() {
      return String.format(
          Locale.ROOT,
          "%s\tsent %d (%d spans, %d events, %d cells)\tlost %d\tduplicated %d\tchanged %d"
              + "\trunner re-sent %d, duplicated on purpose %d\tfault lasted %.1f s"
              + "\trecovered %.1f s after it\trows before FINAL %d, after %d",
          name,
          sent.itemsSent(),
          sent.report().spansSent(),
          sent.report().eventsSent(),
          sent.report().cellsSent(),
          diff.lost(),
          diff.extra(),
          diff.changed(),
          sent.resent(),
          sent.duplicatedOnPurpose(),
          faultLength.toMillis() / 1000.0,
          recovered.toMillis() / 1000.0,
          snapshot.rawRows(),
          snapshot.rowsUnderFinal());
    }
  }

  /**
   * Runs the case: {@code fault} gets the running pipeline and returns what to do mid-sweep.
   *
   * @return the figures; the case has already asserted that nothing was lost, doubled or changed
   */
  Outcome run(Function<Pipeline, Sweep.Fault> fault) throws Exception {
    Snapshot clean = CleanRun.snapshot(server);
    String database = database(name);
    Path dir = Path.of("target", "faults", database);
    ClickHouseTestServer direct =
        new ClickHouseTestServer(server.url(), database, server.user(), server.password());
    ClickHouseTestServer forSink =
        new ClickHouseTestServer(
            sinkClickHouseUrl != null ? sinkClickHouseUrl : server.url(),
            database,
            server.user(),
            server.password());
    EmbeddedKafka kafka = EmbeddedKafka.builder().nodes(nodes).build().start();
    try (Pipeline pipeline = new Pipeline(dir, kafka, forSink, direct, nodes, sinkSettings)) {
      pipeline.startAll();
      Sweep.Result sent = Sweep.run(pipeline.otlpEndpoint(), policy, fault.apply(pipeline));
      long recoveredFrom = sent.fault() != null ? sent.fault().endNanos() : System.nanoTime();
      Snapshot snapshot = awaitClean(direct, clean, pipeline);
      Duration recovered = Duration.ofNanos(Math.max(0, System.nanoTime() - recoveredFrom));
      Outcome outcome =
          new Outcome(
              name,
              sent,
              snapshot.diff(clean),
              sent.fault() != null ? sent.fault().length() : Duration.ZERO,
              recovered,
              snapshot);
      report(outcome);
      assertThat(outcome.diff().none())
          .as(
              "%s: ClickHouse differs from the clean run: %s%s",
              name, outcome.diff(), pipeline.logTails())
          .isTrue();
      afterRecovery.accept(pipeline);
      return outcome;
    } finally {
      dropQuietly(direct);
    }
  }

  /** Polls until the run's rows equal the clean run's; the last snapshot either way. */
  private static Snapshot awaitClean(
      ClickHouseTestServer clickhouse, Snapshot clean, Pipeline pipeline) {
    long deadline = System.nanoTime() + RECOVERY_DEADLINE.toNanos();
    while (true) {
      pipeline.supervise();
      Snapshot now = readQuietly(clickhouse);
      if (now != null && now.diff(clean).none()) {
        return now;
      }
      if (System.nanoTime() > deadline) {
        if (now == null) {
          throw new AssertionError("ClickHouse unreadable at the deadline" + pipeline.logTails());
        }
        return now;
      }
      holdFor(POLL_INTERVAL);
    }
  }

  private static Snapshot readQuietly(ClickHouseTestServer clickhouse) {
    try {
      return Snapshot.read(clickhouse, Sweep.SWEEP_ID);
    } catch (IllegalStateException e) {
      return null; // ClickHouse down (a case that kills it) or tables not there yet
    }
  }

  /**
   * Keeps a fault going for {@code length}: the length of an outage is what the case is about, not
   * a wait for a result (those poll with a deadline).
   */
  static void holdFor(Duration length) {
    try {
      Thread.sleep(length);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void report(Outcome outcome) {
    String line = outcome.line();
    System.out.println("[faults] " + line);
    try {
      Path figures = Path.of("target", "faults", "figures.tsv");
      Files.createDirectories(figures.getParent());
      Files.writeString(
          figures,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String database(String caseName) {
    byte[] random = new byte[3];
    RANDOM.nextBytes(random);
    return "faults_"
        + caseName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
        + "_"
        + HexFormat.of().formatHex(random);
  }

  static void dropQuietly(ClickHouseTestServer clickhouse) {
    try {
      clickhouse.queryIn("default", "DROP DATABASE IF EXISTS " + clickhouse.database());
    } catch (IllegalStateException e) {
      System.err.println("[faults] could not drop " + clickhouse.database() + ": " + e);
    }
  }
}
