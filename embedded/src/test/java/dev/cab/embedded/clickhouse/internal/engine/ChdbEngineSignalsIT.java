package dev.cab.embedded.clickhouse.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.clickhouse.internal.install.LibchdbInstaller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine must leave the JVM its signal handlers: libchdb takes SIGSEGV and others when it boots
 * (and resets them on every connect if told not to install its own), and HotSpot needs SIGSEGV for
 * implicit null checks in compiled code. Runs a JVM without libjsig that throws a million
 * NullPointerExceptions from compiled code while another thread opens engine connections.
 */
class ChdbEngineSignalsIT {

  @TempDir Path dir;

  @Test
  void compiledNullChecksSurviveWhileTheEngineOpensConnections() throws Exception {
    Path library = LibchdbInstaller.ensureInstalled(System.err);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                NullChecksUnderLoad.class.getName(),
                library.toString(),
                dir.resolve("data").toString())
            .redirectErrorStream(true)
            .start();
    // No LD_PRELOAD of libjsig here: the engine alone must keep the JVM's handlers in place.
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("survived");
  }

  /** The child: compiled null checks on one thread, engine connections on another. */
  static final class NullChecksUnderLoad {
    private static int first(int[] a) {
      return a[0];
    }

    public static void main(String[] args) throws Exception {
      try (ChdbEngine engine = ChdbEngine.start(Path.of(args[0]), Path.of(args[1]))) {
        AtomicBoolean stop = new AtomicBoolean();
        Thread queries =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        while (!stop.get()) {
                          engine.queryText("SELECT count() FROM numbers(10000)");
                        }
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    });
        int[] one = {1};
        long sum = 0;
        long npes = 0;
        for (int round = 0; round < 3000; round++) {
          for (int i = 0; i < 200_000; i++) {
            try {
              sum += first(i % 1000 == 0 && round > 50 ? null : one);
            } catch (NullPointerException e) {
              npes++;
            }
          }
        }
        stop.set(true);
        queries.join();
        System.out.println("survived " + npes + " null checks, sum " + sum);
      }
    }
  }
}
