package dev.cab.embedded.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures broker start time (spawn to ready: every broker registered and unfenced) and resident
 * memory per broker process, for 1 and 3 nodes. A benchmark, not a test:
 *
 * <pre>
 * ./mvnw -B -q -pl embedded -am test-compile -DskipTests
 * ./mvnw -B -q -pl embedded exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath dev.cab.embedded.kafka.KafkaStartupBench 5"
 * </pre>
 *
 * <p>The first start may train the class-data-sharing archive (see ClassDataSharing); it is
 * reported apart and left out of the medians.
 */
public final class KafkaStartupBench {

  private KafkaStartupBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args [rounds per cluster size, default 5]
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.printf(
        Locale.ROOT,
        "cores=%d java=%s cds=%s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        System.getProperty(ClassDataSharing.ENABLED_PROPERTY, "true"));
    for (int nodes : new int[] {1, 3}) {
      measure(nodes, 1, "warm-up (may train the CDS archive)");
      measure(nodes, rounds, "measured");
    }
  }

  private static void measure(int nodes, int rounds, String label) throws IOException {
    List<Long> startMillis = new ArrayList<>();
    List<Long> rssMiB = new ArrayList<>();
    List<Long> stopMillis = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      EmbeddedKafka kafka = EmbeddedKafka.builder().nodes(nodes).start();
      startMillis.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
      for (int i = 0; i < nodes; i++) {
        rssMiB.add(rssKiB(kafka.pid(i)) / 1024);
      }
      long t1 = System.nanoTime();
      kafka.close();
      stopMillis.add(Duration.ofNanos(System.nanoTime() - t1).toMillis());
    }
    System.out.printf(
        Locale.ROOT,
        "%d node(s) %-38s start ms %s (median %d) | RSS MiB per broker %s (median %d) | close ms %s%n",
        nodes,
        label,
        startMillis,
        median(startMillis),
        rssMiB,
        median(rssMiB),
        stopMillis);
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
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
