package dev.cab.collector.redact;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU per text of the redaction with and without the gate on named rules, alternating in one JVM
 * (thread CPU time, so other processes on the machine move both sides alike). Input: the texts of
 * both corpora (look-alikes: paths, digests, ids, prose; planted credentials). Not a test:
 *
 * <pre>
 * ./mvnw -B -q -pl collector -am test-compile -DskipTests
 * java -cp "collector/target/test-classes:collector/target/classes:$(cat cli/target/cab.classpath)" \
 *     dev.cab.collector.redact.RedactionBench 20
 * </pre>
 */
public final class RedactionBench {
  private RedactionBench() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<String> texts = new ArrayList<>();
    SecretCorpus.lookAlikes().forEach(l -> texts.add(l.text()));
    SecretCorpus.secrets().forEach(p -> texts.add(p.text()));
    SecretRedactor gated = new SecretRedactor(SecretRules.defaults());
    SecretRedactor ungated = new SecretRedactor(SecretRules.defaults(), false);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long[] total = new long[2];
    int sink = 0;
    for (int round = 0; round < rounds; round++) {
      for (int side = 0; side < 2; side++) {
        SecretRedactor r = side == 0 ? ungated : gated;
        long t0 = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < 50; i++) {
          for (String t : texts) {
            sink += r.redactText(t).redactions();
          }
        }
        if (round >= rounds / 4) { // the first quarter is warm-up
          total[side] += cpu.getCurrentThreadCpuTime() - t0;
        }
      }
    }
    long n = (long) (rounds - rounds / 4) * 50 * texts.size();
    System.out.printf(
        Locale.ROOT,
        "%d texts x %d: ungated %.2f us/text, gated %.2f us/text (%.0f%%) [%d]%n",
        texts.size(),
        n / texts.size(),
        total[0] / 1e3 / n,
        total[1] / 1e3 / n,
        100.0 * total[1] / total[0],
        sink);
  }
}
