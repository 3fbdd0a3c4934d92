package dev.cab.cli.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.faults.CleanRun;
import dev.cab.cli.faults.Delivery;
import dev.cab.cli.faults.Pipeline;
import dev.cab.cli.faults.Snapshot;
import dev.cab.cli.faults.StageProcess;
import dev.cab.cli.faults.StageProcess.Stage;
import dev.cab.cli.faults.Sweep;
import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.embedded.kafka.EmbeddedKafka;
import dev.cab.testing.Await;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out on the engines the pipeline already uses: on a 3-node Kafka (topics replicated to all
 * three), one collector, two streams instances (one application id, a state directory each) and two
 * sink instances (one consumer group), every one its own JVM. Both instances of each stage get
 * partitions and commit work; then one streams and one sink instance are SIGKILLed mid-sweep, their
 * partitions move to the survivors within the session timeout the stages are given, and ClickHouse
 * ends with exactly the faults suite's clean run.
 */
@ExtendWith(ClickHouseExtension.class)
class ScaleOutIT {
  private static final String SINK_GROUP = "cab-sink";
  private static final String STREAMS_GROUP = "cab-streams";
  private static final Duration SHARE_DEADLINE = Duration.ofMinutes(3);
  private static final Duration RECOVERY_DEADLINE = Duration.ofMinutes(4);

  /**
   * The consumer-group session timeout of both stages: how long a SIGKILLed member keeps its
   * partitions. Kafka's 45 s default would make the take-over wait that long; 8 s leaves room for a
   * JVM starved of CPU on the shared machine (a lower value would expire live members too).
   */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(8);

  private final ClickHouseTestServer server;

  ScaleOutIT(ClickHouseTestServer server) {
    this.server = server;
  }

  @Test
  void twoStreamsAndTwoSinksShareThePartitionsAndSurvivorsTakeOverAKilledOne() throws Exception {
    Snapshot clean = CleanRun.snapshot(server);
    String database = "scale_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    Path dir = Path.of("target", "scale", database);
    ClickHouseTestServer clickhouse =
        new ClickHouseTestServer(server.url(), database, server.user(), server.password());
    EmbeddedKafka kafka = EmbeddedKafka.builder().nodes(3).build().start();
    try (Pipeline pipeline = new Pipeline(dir, kafka, clickhouse, clickhouse, 3, Map.of());
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      String timeout = Long.toString(SESSION_TIMEOUT.toMillis());
      pipeline
          .set(Stage.STREAMS, Map.of("STREAMS_SESSION_TIMEOUT_MS", timeout))
          .set(Stage.SINK, Map.of("SINK_SESSION_TIMEOUT_MS", timeout))
          .startAll();
      StageProcess streams2 =
          pipeline.startInstance(
              Stage.STREAMS,
              "2",
              Map.of("STREAMS_STATE_DIR", dir.resolve("streams-state-2").toString()));
      StageProcess sink2 = pipeline.startInstance(Stage.SINK, "2", Map.of());

      // (a) Both instances of each stage hold partitions.
      Map<String, Set<TopicPartition>> sinkShare = awaitShared(admin, SINK_GROUP, pipeline);
      Map<String, Set<TopicPartition>> streamsShare = awaitShared(admin, STREAMS_GROUP, pipeline);
      print("sink group", sinkShare);
      print("streams group", streamsShare);

      long[] killedAt = new long[1];
      Sweep.Result sent =
          Sweep.run(
              pipeline.otlpEndpoint(),
              Delivery.Policy.resending(),
              () -> {
                // (a) ... and each has committed work on its partitions before the kill.
                awaitWorkOnEveryMember(admin, SINK_GROUP, sinkShare, pipeline);
                awaitWorkOnEveryMember(admin, STREAMS_GROUP, streamsShare, pipeline);
                killedAt[0] = System.nanoTime();
                streams2.kill();
                sink2.kill();
                System.out.printf(
                    Locale.ROOT, "[scale] SIGKILL of %s and %s mid-sweep%n", streams2, sink2);
                // (b) The survivors take over every partition of the group.
                Duration sinkMoved = awaitTakeOver(admin, SINK_GROUP, sinkShare, killedAt[0]);
                Duration streamsMoved =
                    awaitTakeOver(admin, STREAMS_GROUP, streamsShare, killedAt[0]);
                System.out.printf(
                    Locale.ROOT,
                    "[scale] partitions moved to the survivor: sink after %.1f s, streams after"
                        + " %.1f s (session timeout %d s)%n",
                    sinkMoved.toMillis() / 1000.0,
                    streamsMoved.toMillis() / 1000.0,
                    SESSION_TIMEOUT.toSeconds());
              });

      Snapshot[] last = new Snapshot[1];
      Await.until(
          "ClickHouse to hold the clean run's rows",
          RECOVERY_DEADLINE,
          Duration.ofMillis(500),
          () -> {
            try {
              last[0] = Snapshot.read(clickhouse, Sweep.SWEEP_ID);
            } catch (IllegalStateException e) {
              return false;
            }
            return last[0].diff(clean).none();
          },
          () ->
              "ClickHouse differs from the clean run: "
                  + (last[0] == null ? "unreadable" : last[0].diff(clean))
                  + pipeline.logTails());
      System.out.printf(
          Locale.ROOT,
          "[scale] sent %d items (%d cells); ClickHouse equals the clean run %.1f s after the"
              + " kill: lost 0, duplicated 0, changed 0%n",
          sent.itemsSent(),
          sent.report().cellsSent(),
          (System.nanoTime() - killedAt[0]) / 1e9);
      assertThat(last[0].diff(clean).none()).isTrue();
    } finally {
      try {
        clickhouse.queryIn("default", "DROP DATABASE IF EXISTS " + database);
      } catch (IllegalStateException e) {
        System.err.println("[scale] could not drop " + database + ": " + e);
      }
    }
  }

  /** Waits until {@code group} is stable with two members that each hold partitions. */
  private static Map<String, Set<TopicPartition>> awaitShared(
      Admin admin, String group, Pipeline pipeline) {
    return awaitValue(
        group + " to be shared by two members",
        () -> assignments(admin, group),
        share -> share.size() == 2 && share.values().stream().noneMatch(Set::isEmpty),
        SHARE_DEADLINE,
        pipeline::logTails);
  }

  /**
   * Waits until every member has committed an offset above zero on one of its partitions (it
   * consumed and finished work there).
   */
  private static void awaitWorkOnEveryMember(
      Admin admin, String group, Map<String, Set<TopicPartition>> share, Pipeline pipeline) {
    Map<TopicPartition, Long> committed =
        awaitValue(
            group + " members to commit work",
            () -> committed(admin, group),
            offsets ->
                share.values().stream()
                    .allMatch(
                        partitions ->
                            partitions.stream().anyMatch(p -> offsets.getOrDefault(p, 0L) > 0)),
            SHARE_DEADLINE,
            pipeline::logTails);
    share.forEach(
        (member, partitions) ->
            System.out.printf(
                Locale.ROOT,
                "[scale] %s member %s: %d records committed on its %d partitions%n",
                group,
                member,
                partitions.stream().mapToLong(p -> committed.getOrDefault(p, 0L)).sum(),
                partitions.size()));
  }

  /** Waits until one member holds every partition the two held; how long that took. */
  private static Duration awaitTakeOver(
      Admin admin, String group, Map<String, Set<TopicPartition>> share, long since) {
    Set<TopicPartition> all = new HashSet<>();
    share.values().forEach(all::addAll);
    awaitValue(
        group + " partitions to move to the survivor",
        () -> assignments(admin, group),
        now -> now.size() == 1 && now.values().iterator().next().containsAll(all),
        SHARE_DEADLINE,
        () -> group + " never settled on one member");
    return Duration.ofNanos(System.nanoTime() - since);
  }

  /** Member id -> its assigned partitions, when the group is stable; empty otherwise. */
  private static Map<String, Set<TopicPartition>> assignments(Admin admin, String group) {
    try {
      ConsumerGroupDescription d =
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(10, TimeUnit.SECONDS);
      if (d.groupState() != GroupState.STABLE) {
        return Map.of();
      }
      Map<String, Set<TopicPartition>> result = new TreeMap<>();
      for (MemberDescription m : d.members()) {
        result.put(m.consumerId(), Set.copyOf(m.assignment().topicPartitions()));
      }
      return result;
    } catch (Exception e) {
      return Map.of();
    }
  }

  private static Map<TopicPartition, Long> committed(Admin admin, String group) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      return offsets.entrySet().stream()
          .filter(e -> e.getValue() != null)
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    } catch (Exception e) {
      return Map.of();
    }
  }

  /** Polls {@code value} every 500 ms until it satisfies {@code condition}; returns it. */
  private static <T> T awaitValue(
      String what,
      Supplier<T> value,
      Predicate<T> condition,
      Duration deadline,
      Supplier<String> state) {
    AtomicReference<T> last = new AtomicReference<>();
    Await.until(
        what,
        deadline,
        Duration.ofMillis(500),
        () -> {
          T v = value.get();
          last.set(v);
          return condition.test(v);
        },
        () -> "(last: " + last.get() + ")" + state.get());
    return last.get();
  }

  private static void print(String what, Map<String, Set<TopicPartition>> share) {
    share.forEach(
        (member, partitions) ->
            System.out.printf(
                Locale.ROOT,
                "[scale] %s member %s holds %d partitions: %s%n",
                what,
                member,
                partitions.size(),
                new java.util.TreeSet<>(
                    partitions.stream().map(TopicPartition::toString).toList())));
  }
}
