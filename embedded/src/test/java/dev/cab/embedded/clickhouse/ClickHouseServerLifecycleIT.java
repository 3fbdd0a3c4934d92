package dev.cab.embedded.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping and failing: the server process as the launcher and the CLI see it. */
class ClickHouseServerLifecycleIT {

  @TempDir Path dir;

  @Test
  void printsExactlyOneUrlLineAndStopsGracefullyOnSigterm() throws Exception {
    Process server = startMain("--port=0", "--data-dir=" + dir.resolve("data"));
    CompletableFuture<String> stderr = readAll(server);
    List<String> stdout = new ArrayList<>();
    CompletableFuture<String> url = readUrl(server, stdout);
    String serverUrl = url.get(2, TimeUnit.MINUTES);
    assertThat(new HttpCalls(serverUrl).call().body("SELECT 1").ok()).isEqualTo("1\n");

    // SIGTERM; Process.destroy() would also close our ends of the child's pipes.
    server.toHandle().destroy();

    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).as("the JVM's exit code for SIGTERM").isEqualTo(143);
    assertThat(stderr.get(30, TimeUnit.SECONDS)).contains("ClickHouse engine closed");
    synchronized (stdout) {
      assertThat(stdout).containsExactly(ClickHouseServerMain.URL_LINE_PREFIX + serverUrl);
    }
  }

  @Test
  void exitsWhenStandardInputClosesWithExitOnStdinEof() throws Exception {
    Process server =
        startMain("--port=0", "--data-dir=" + dir.resolve("data"), "--exit-on-stdin-eof");
    readUrl(server, new ArrayList<>()).get(2, TimeUnit.MINUTES);

    server.getOutputStream().close(); // what happens when the parent process dies

    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isZero();
  }

  @Test
  void reportsTheChildsStderrWhenItCannotStart() throws IOException {
    Path users = dir.resolve("users.xml");
    Files.writeString(
        users, "<clickhouse><users><u><profile>nope</profile></u></users></clickhouse>");
    EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().usersFile(users).build();

    assertThatThrownBy(clickhouse::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stderr")
        .hasMessageContaining("names profile nope, which is not defined");
    clickhouse.stop();
  }

  @Test
  void refusesAPortInUseWithAClearError() throws Exception {
    try (EmbeddedClickHouse first = EmbeddedClickHouse.builder().start()) {
      EmbeddedClickHouse second = EmbeddedClickHouse.builder().port(first.port()).build();

      assertThatThrownBy(second::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Address already in use");
      second.stop();
      assertThat(new HttpCalls(first.url()).call().path("/ping").get().ok()).isEqualTo("Ok.\n");
    }
  }

  @Test
  void exposesUrlPortAndPidAndDeletesItsTemporaryDataDirectory() {
    Path data;
    try (EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().start()) {
      assertThat(clickhouse.url()).isEqualTo("http://127.0.0.1:" + clickhouse.port());
      assertThat(ProcessHandle.of(clickhouse.pid()))
          .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
      assertThat(clickhouse.startMillis()).isPositive();
      data = clickhouse.dataDir();
      assertThat(data).isDirectory();
    }
    assertThat(data).doesNotExist();
  }

  private static Process startMain(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ClickHouseServerMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  /** All of the process's stderr, once it closes. */
  private static CompletableFuture<String> readAll(Process process) {
    CompletableFuture<String> all = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                all.complete(
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                all.completeExceptionally(e);
              }
            });
    return all;
  }

  /** Collects the process's stdout lines; completes with the URL of the CLICKHOUSE_URL line. */
  private static CompletableFuture<String> readUrl(Process process, List<String> lines) {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                  if (line.startsWith(ClickHouseServerMain.URL_LINE_PREFIX)) {
                    url.complete(line.substring(ClickHouseServerMain.URL_LINE_PREFIX.length()));
                  }
                }
              } catch (IOException e) {
                url.completeExceptionally(e);
              }
              url.completeExceptionally(new IOException("stdout ended without a URL line"));
            });
    return url;
  }
}
