package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./cab} script started twice at once on a checkout that needs a build: one builds, the
 * other says it waits, then uses that build; both run the command. The script is the real one, run
 * in a copy of the checkout's launcher files whose {@code ./mvnw} stands in for Maven (it takes two
 * seconds, logs each run and links the real compiled classes), so that the test measures the
 * launcher's locking and not a two-minute reactor build.
 */
class CabLauncherIT {

  @Test
  void twoLaunchesAtOnceBuildOnceAndBothRun(@TempDir Path home) throws Exception {
    Path repo = repoRoot();
    Files.createDirectories(home.resolve("bin"));
    Files.copy(repo.resolve("cab"), home.resolve("cab"));
    Files.copy(repo.resolve("bin/find-jdk.sh"), home.resolve("bin/find-jdk.sh"));
    Files.createDirectories(home.resolve("cli/src/main/java"));
    Files.writeString(home.resolve("cli/src/main/java/Changed.java"), "// a source change\n");
    Files.writeString(home.resolve("pom.xml"), "<project/>\n");
    Path classes = repo.resolve("cli/target/classes");
    String classpath = Files.readString(repo.resolve("cli/target/cab.classpath")).strip();
    executable(
        home.resolve("mvnw"),
        """
        #!/bin/sh
        echo "build started $$" >> builds.log
        sleep 2
        mkdir -p cli/target
        ln -sfn '%s' cli/target/classes
        printf '%%s' '%s' > cli/target/cab.classpath
        echo "build ended $$" >> builds.log
        """
            .formatted(classes, classpath));

    Process first = launch(home);
    Process second = launch(home);
    assertThat(first.waitFor(120, TimeUnit.SECONDS)).as("first ./cab ended").isTrue();
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("second ./cab ended").isTrue();

    String err = stderr(first) + stderr(second);
    assertThat(first.exitValue()).as(err).isZero();
    assertThat(second.exitValue()).as(err).isZero();
    assertThat(stdout(first)).contains("Usage: cab");
    assertThat(stdout(second)).contains("Usage: cab");
    List<String> builds = Files.readAllLines(home.resolve("builds.log"));
    assertThat(builds).as("one build, not two").hasSize(2);
    assertThat(builds.get(0)).startsWith("build started");
    assertThat(builds.get(1)).startsWith("build ended");
    assertThat(err)
        .contains("cab: building (first use or sources changed")
        .contains("cab: another ./cab is building this checkout; waiting for it")
        .contains("cab: using the build the other ./cab just finished");
  }

  private static Process launch(Path home) throws IOException {
    return new ProcessBuilder(home.resolve("cab").toString(), "--help")
        .directory(home.toFile())
        .start();
  }

  private static String stdout(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static String stderr(Process p) throws IOException {
    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("cab"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the checkout holding ./cab").isNotNull();
    return dir;
  }
}
