package dev.cab.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScratchDirectoryTest {

  @Test
  void closeDeletesTheDirectoryAndEverythingInIt() throws Exception {
    // given a scratch directory with nested files
    List<String> said = new ArrayList<>();
    Path path;
    try (ScratchDirectory dir = ScratchDirectory.create("cab-bench-test", false, said::add)) {
      path = dir.path();
      Files.createDirectories(dir.resolve("kafka/node-0"));
      Files.writeString(dir.resolve("kafka/node-0/segment.log"), "records");

      // when the run ends
    }

    // then nothing is left and nothing was said
    assertThat(path).doesNotExist();
    assertThat(said).isEmpty();
  }

  @Test
  void keepLeavesTheDirectoryAndSaysWhereItIs() throws Exception {
    // given a scratch directory that is kept
    List<String> said = new ArrayList<>();
    Path path;
    try (ScratchDirectory dir = ScratchDirectory.create("cab-bench-test", true, said::add)) {
      path = dir.path();
      Files.writeString(dir.resolve("streams.log"), "RUNNING");
    }

    // then it is still there and its path was printed
    try {
      assertThat(path.resolve("streams.log")).hasContent("RUNNING");
      assertThat(said).singleElement().asString().contains(path.toString());
    } finally {
      ScratchDirectory.deleteTree(path);
    }
  }

  @Test
  void deleteTreeOfAMissingDirectoryIsNoError() throws Exception {
    Path missing = Files.createTempDirectory("cab-bench-test").resolve("gone");

    ScratchDirectory.deleteTree(missing);

    assertThat(missing).doesNotExist();
  }

  @Test
  void sigtermStopsTheChildProcessesAndDeletesTheDirectory() throws Exception {
    // given a JVM (as ./cab bench) holding a scratch directory and a child process of its own
    Process bench =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(bench.getInputStream(), StandardCharsets.UTF_8));
      Path path = Path.of(out.readLine());
      long child = Long.parseLong(out.readLine());
      assertThat(path.resolve("data")).exists();
      assertThat(ProcessHandle.of(child)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

      // when it is stopped as Ctrl-C or kill would stop it
      bench.toHandle().destroy();

      // then it exits, its child is gone and so is the directory
      assertThat(bench.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(ProcessHandle.of(child).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(path).doesNotExist();
    } finally {
      bench.destroyForcibly();
    }
  }

  /** The JVM of the SIGTERM test: prints its scratch directory and its child's pid, then waits. */
  static final class Holder {
    public static void main(String[] args) throws Exception {
      ScratchDirectory dir = ScratchDirectory.create("cab-bench-test", false, line -> {});
      Files.writeString(dir.resolve("data"), "x");
      Process sleeper = new ProcessBuilder("sleep", "600").start();
      System.out.println(dir.path());
      System.out.println(sleeper.pid());
      System.out.flush();
      Thread.sleep(Duration.ofMinutes(10)); // until SIGTERM
    }
  }
}
