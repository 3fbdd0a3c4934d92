package dev.cab.embedded.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures broker start time (spawn to ready: every broker registered and unfenced), resident
 * memory per broker process (VmRSS right after ready) and close time. A benchmark, not a test:
 *
 * <pre>
 * ./mvnw -B -pl embedded -am verify -Pkafka-bench -DskipTests [-Dkafka.bench.rounds=5]
 *   [-Dkafka.bench.nodes=1,3] [-Dkafka.bench.variants="default;c1=-XX:TieredStopAtLevel=1"]
 * </pre>
 *
 * <p>Arguments: rounds, node counts (comma-separated), variants separated by {@code ;}, each {@code
 * name} or {@code name=opt,opt...} of extra broker JVM options ({@code nocds} switches the
 * class-data-sharing archive off). Variants run interleaved, round by round, so that a busy machine
 * hurts them alike. One warm-up start per node count and variant (which may train the CDS archive)
 * is left out.
 */
public final class KafkaStartupBench {

  private KafkaStartupBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args rounds, node counts, variants (see the class comment)
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int[] nodeCounts =
        Arrays.stream((args.length > 1 ? args[1] : "1,3").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    Map<String, List<String>> variants = new LinkedHashMap<>();
    for (String variant : (args.length > 2 ? args[2] : "").split(";")) {
      if (variant.isBlank()) {
        continue;
      }
      String[] nv = variant.strip().split("=", 2);
      variants.put(nv[0], nv.length > 1 ? List.of(nv[1].split(",")) : List.of());
    }
    if (variants.isEmpty()) {
      variants.put("default", List.of());
    }
    System.out.printf(
        Locale.ROOT,
        "cores=%d java=%s load=%s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        Files.readString(Path.of("/proc/loadavg")).strip());
    for (int nodes : nodeCounts) {
      Map<String, Stats> stats = new LinkedHashMap<>();
      variants.forEach((name, options) -> stats.put(name, new Stats()));
      for (int r = -1; r < rounds; r++) {
        for (var v : variants.entrySet()) {
          Stats s = r < 0 ? new Stats() : stats.get(v.getKey());
          measureOnce(nodes, v.getValue(), s);
        }
      }
      stats.forEach(
          (name, s) ->
              System.out.printf(
                  Locale.ROOT,
                  "nodes=%d %-12s start ms median %5d %s | RSS MiB/broker median %d %s | close ms %s%n",
                  nodes,
                  name,
                  median(s.startMillis),
                  s.startMillis,
                  median(s.rssMiB),
                  s.rssMiB,
                  s.closeMillis));
    }
    System.out.printf(
        Locale.ROOT, "load after=%s%n", Files.readString(Path.of("/proc/loadavg")).strip());
  }

  private static final class Stats {
    final List<Long> startMillis = new ArrayList<>();
    final List<Long> rssMiB = new ArrayList<>();
    final List<Long> closeMillis = new ArrayList<>();
  }

  private static void measureOnce(int nodes, List<String> options, Stats stats) throws IOException {
    System.setProperty(
        ClassDataSharing.ENABLED_PROPERTY, Boolean.toString(!options.contains("nocds")));
    EmbeddedKafka.Builder builder = EmbeddedKafka.builder().nodes(nodes);
    options.stream().filter(o -> o.startsWith("-")).forEach(builder::jvmOption);
    long t0 = System.nanoTime();
    EmbeddedKafka kafka = builder.start();
    stats.startMillis.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
    for (int i = 0; i < nodes; i++) {
      stats.rssMiB.add(rssKiB(kafka.pid(i)) / 1024);
    }
    long t1 = System.nanoTime();
    kafka.close();
    stats.closeMillis.add(Duration.ofNanos(System.nanoTime() - t1).toMillis());
  }

  private static long rssKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static long median(List<Long> values) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
