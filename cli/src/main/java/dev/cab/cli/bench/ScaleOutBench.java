package dev.cab.cli.bench;

import static dev.cab.cli.bench.BenchReport.line;
import static dev.cab.cli.bench.BenchReport.startTable;

import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.ProcessMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code cab bench --instances N}: the pipeline at saturation with one streams and one sink
 * instance, then with N of each, then with one again, in one run on one stack (the embedded 3-node
 * Kafka, topics replicated to all three), the same recorded sweep replayed for the same time.
 *
 * <p>The extra instances run in the same JVM as the first ({@link LocalStack#addInstances}): each
 * is a Kafka Streams client of the same application id with its own state directory, or a sink of
 * the same consumer group with its own consumer, producer and ClickHouse client. On a machine with
 * two cores, separate JVMs would add each JVM's own fixed cost (JIT, GC threads, heap) to the N
 * side only, so the comparison would measure JVMs rather than the sharing of partitions; in one JVM
 * both sides pay the same fixed cost and differ only in the clients, threads, group coordination
 * and transactions the extra instances add.
 *
 * <p>Per instance it reads from the broker what the group assigned (Admin {@code
 * describeConsumerGroups}) and how many records it committed on its partitions during the phase
 * ({@code listConsumerGroupOffsets} before and after), so the sharing is shown by the consumer
 * groups themselves, not inferred.
 */
final class ScaleOutBench {

  private static final long ONE_WARMUP_ROUND = 10_000_000;
  private static final long ONE_ROUND = 11_000_000;
  private static final long MANY_WARMUP_ROUND = 12_000_000;
  private static final long MANY_ROUND = 13_000_000;
  private static final long AGAIN_WARMUP_ROUND = 14_000_000;
  private static final long AGAIN_ROUND = 15_000_000;
  private static final Duration SHARE_DEADLINE = Duration.ofMinutes(3);

  private ScaleOutBench() {}

  /**
   * What one consumer-group member did during a phase.
   *
   * @param group the consumer group (the streams application id or the sink group)
   * @param memberId the member's id in the group (its client id and a unique suffix)
   * @param partitions the partitions it held at the start of the phase
   * @param records records it committed on them during the phase
   */
  public record Member(String group, String memberId, List<String> partitions, long records) {}

  /**
   * One phase: the pipeline at saturation with {@code instances} streams and sink instances.
   *
   * @param instances streams (and sink) instances
   * @param pipeline the figures of (c)
   * @param cpuMicrosPerEvent CPU per event by stage and process during the phase
   * @param rssMiB resident memory of this JVM (every stage instance) at the end of the phase
   * @param members what each member of each group held and committed
   * @param stable whether the assignment at the end was the one at the start (no rebalance)
   */
  public record Phase(
      int instances,
      BenchReport.Pipeline pipeline,
      Map<String, Double> cpuMicrosPerEvent,
      long rssMiB,
      List<Member> members,
      boolean stable) {}

  /**
   * The three phases side by side: one instance, N instances, one instance again (the extra
   * instances stopped), so a drift of the machine's load or of the JIT's warm-up between the phases
   * shows as a difference between the two one-instance phases.
   */
  public record Report(
      int cores,
      String loadBefore,
      String loadAfter,
      BenchReport.Sweep sweep,
      Phase one,
      Phase many,
      Phase oneAgain) {

    /** events/s with N instances over the mean events/s of the two one-instance phases. */
    public double ratio() {
      return many.pipeline().eventsPerSecond()
          / ((one.pipeline().eventsPerSecond() + oneAgain.pipeline().eventsPerSecond()) / 2);
    }

    private List<Phase> phases() {
      return List.of(one, many, oneAgain);
    }

    /** The table, as printed and as kept in docs/PERFORMANCE.md. */
    public String table() {
      StringBuilder t =
          startTable(
              "", "measure", "1 instance", many.instances() + " instances", "1 instance again");
      row(
          t,
          "| (c) | pipeline at saturation: events/s (cells/s) |",
          p ->
              String.format(
                  Locale.ROOT,
                  "**%,.0f** (%,.1f)",
                  p.pipeline().eventsPerSecond(),
                  p.pipeline().cellsPerSecond()));
      row(
          t,
          "| (c) | sink rows/s; cells complete; drained in |",
          p ->
              String.format(
                  Locale.ROOT,
                  "%,.0f; %d/%d; %.1f s",
                  p.pipeline().sinkRowsPerSecond(),
                  p.pipeline().cellsComplete(),
                  p.pipeline().cellsExpected(),
                  p.pipeline().drainSeconds()));
      row(t, "| (e) | CPU us per event |", p -> cpu(p.cpuMicrosPerEvent()));
      row(t, "| (e) | RSS of the stages' JVM at the end, MiB |", p -> Long.toString(p.rssMiB()));
      for (String group : groups()) {
        row(
            t,
            "| " + group + " | members: partitions held, records committed during (c) |",
            p -> members(p, group));
      }
      line(
          t,
          "| ratio | events/s with %d instances / mean of the two 1-instance phases | | **%.2f**"
              + " | |",
          many.instances(),
          ratio());
      if (phases().stream().anyMatch(p -> !p.stable())) {
        line(
            t,
            "| note | a group rebalanced during a phase: records are counted per partition's"
                + " holder at the start | | | |");
      }
      return t.toString();
    }

    private void row(
        StringBuilder t, String head, java.util.function.Function<Phase, String> cell) {
      StringBuilder r = new StringBuilder(head);
      for (Phase p : phases()) {
        r.append(' ').append(cell.apply(p)).append(" |");
      }
      t.append(r).append('\n');
    }

    private java.util.Set<String> groups() {
      java.util.Set<String> g = new TreeSet<>();
      phases().forEach(p -> p.members().forEach(m -> g.add(m.group())));
      return g;
    }

    private static String members(Phase phase, String group) {
      StringBuilder s = new StringBuilder();
      int i = 0;
      for (Member m : phase.members()) {
        if (m.group().equals(group)) {
          s.append(s.isEmpty() ? "" : "; ")
              .append(
                  String.format(
                      Locale.ROOT,
                      "#%d: %d partitions, %,d records",
                      ++i,
                      m.partitions().size(),
                      m.records()));
        }
      }
      return s.toString();
    }

    private static String cpu(Map<String, Double> micros) {
      StringBuilder s = new StringBuilder();
      micros.forEach(
          (k, v) ->
              s.append(s.isEmpty() ? "" : ", ")
                  .append(String.format(Locale.ROOT, "%s %.0f", k, v)));
      return s.toString();
    }
  }

  static PipelineBench.Result run(
      PipelineBench.Options o, BenchStack bench, String loadBefore, Consumer<String> progress)
      throws Exception {
    LocalStack stack = bench.stack();
    Map<String, Long> processes = new LinkedHashMap<>();
    for (int i = 0; i < stack.kafka().nodeCount(); i++) {
      processes.put("kafka-" + i, stack.kafka().pid(i));
    }
    processes.put("clickhouse", stack.clickhouse().pid());
    List<String> groups = List.of(stack.streamsApplicationId(), stack.sinkGroupId());
    CpuMeter cpu = new CpuMeter(processes);
    try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
        Replay replay = bench.replay()) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) with 1 streams and 1 sink instance, %d s over %d connections...",
              o.duration().toSeconds(),
              o.connections()));
      Phase one = phase(1, replay, cpu, admin, groups, ONE_WARMUP_ROUND, ONE_ROUND, progress);
      progress.accept(
          String.format(
              Locale.ROOT,
              "starting %d more streams and sink instances in this JVM...",
              o.instances() - 1));
      List<AutoCloseable> extra = new ArrayList<>();
      for (int i = 2; i <= o.instances(); i++) {
        extra.add(stack.addInstances(Integer.toString(i)));
      }
      for (String group : groups) {
        awaitMembers(admin, group, o.instances());
      }
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) with %d streams and %d sink instances, %d s...",
              o.instances(),
              o.instances(),
              o.duration().toSeconds()));
      Phase many =
          phase(o.instances(), replay, cpu, admin, groups, MANY_WARMUP_ROUND, MANY_ROUND, progress);
      progress.accept("stopping the extra instances (they leave their groups)...");
      for (AutoCloseable instance : extra) {
        instance.close();
      }
      for (String group : groups) {
        awaitMembers(admin, group, 1);
      }
      progress.accept(
          String.format(
              Locale.ROOT,
              "(c) with 1 streams and 1 sink instance again, %d s...",
              o.duration().toSeconds()));
      Phase oneAgain =
          phase(1, replay, cpu, admin, groups, AGAIN_WARMUP_ROUND, AGAIN_ROUND, progress);
      Report report =
          new Report(
              Runtime.getRuntime().availableProcessors(),
              loadBefore,
              PipelineBench.loadAverage(),
              bench.sweepFigures(),
              one,
              many,
              oneAgain);
      return new PipelineBench.Result(
          report.table(),
          report,
          report.phases().stream()
              .allMatch(p -> p.pipeline().cellsComplete() >= p.pipeline().cellsExpected()));
    }
  }

  private static Phase phase(
      int instances,
      Replay replay,
      CpuMeter cpu,
      Admin admin,
      List<String> groups,
      long warmupRound,
      long round,
      Consumer<String> progress)
      throws InterruptedException {
    // The assignment and offsets are read after the warm-up (inside saturate, before the measured
    // replay starts they are what the warm-up left): read them right before and after.
    Map<String, Map<String, List<TopicPartition>>> before = new LinkedHashMap<>();
    Map<String, Map<TopicPartition, Long>> offsetsBefore = new LinkedHashMap<>();
    Replay.Saturation s =
        replay.saturate(
            cpu,
            warmupRound,
            round,
            () -> {
              for (String group : groups) {
                before.put(group, assignment(admin, group));
                offsetsBefore.put(group, committed(admin, group));
              }
            });
    Map<String, Double> micros = new LinkedHashMap<>();
    cpu.result().forEach((k, v) -> micros.put(k, v / s.pipeline().eventsSent() * 1e6));
    List<Member> members = new ArrayList<>();
    boolean stable = true;
    for (String group : groups) {
      Map<TopicPartition, Long> after = committed(admin, group);
      Map<TopicPartition, Long> start = offsetsBefore.get(group);
      stable &= assignment(admin, group).equals(before.get(group));
      before
          .get(group)
          .forEach(
              (member, partitions) -> {
                long records = 0;
                for (TopicPartition p : partitions) {
                  records += after.getOrDefault(p, 0L) - start.getOrDefault(p, 0L);
                }
                members.add(
                    new Member(
                        group,
                        member,
                        partitions.stream().map(TopicPartition::toString).sorted().toList(),
                        records));
              });
    }
    members.forEach(
        m ->
            progress.accept(
                String.format(
                    Locale.ROOT,
                    "  %s member %s: %d partitions %s, %,d records committed",
                    m.group(),
                    m.memberId(),
                    m.partitions().size(),
                    m.partitions(),
                    m.records())));
    long rss = ProcessMemory.rssMiB(ProcessHandle.current().pid());
    return new Phase(instances, s.pipeline(), micros, rss, members, stable);
  }

  /** Waits until {@code group} is stable with {@code n} members that each hold partitions. */
  private static void awaitMembers(Admin admin, String group, int n) throws InterruptedException {
    long deadline = System.nanoTime() + SHARE_DEADLINE.toNanos();
    Map<String, List<TopicPartition>> last = Map.of();
    while (System.nanoTime() < deadline) {
      last = assignment(admin, group);
      if (last.size() == n && last.values().stream().noneMatch(List::isEmpty)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        group
            + " did not settle on "
            + n
            + " members holding partitions within "
            + SHARE_DEADLINE
            + " (last: "
            + last
            + ")");
  }

  /** Member id -> partitions, when the group is stable; empty otherwise. */
  private static Map<String, List<TopicPartition>> assignment(Admin admin, String group) {
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
      Map<String, List<TopicPartition>> result = new TreeMap<>();
      for (MemberDescription m : d.members()) {
        result.put(
            m.consumerId(),
            m.assignment().topicPartitions().stream()
                .sorted(
                    java.util.Comparator.comparing(TopicPartition::topic)
                        .thenComparing(TopicPartition::partition))
                .toList());
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
      Map<TopicPartition, Long> result = new LinkedHashMap<>();
      offsets.forEach(
          (p, o) -> {
            if (o != null) {
              result.put(p, o.offset());
            }
          });
      return result;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offsets of " + group, e);
    }
  }
}
