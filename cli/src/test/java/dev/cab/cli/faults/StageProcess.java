package dev.cab.cli.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline stage as its own JVM, as in production: {@code java -cp <the stages' classpath>
 * <Main>} with its settings as environment variables (the stages' public interface), output to a
 * log file. {@link #kill()} is SIGKILL; {@link #stop()} is SIGTERM (the stage's clean shutdown).
 */
public final class StageProcess implements AutoCloseable {

  /** The stages and their entry points. */
  public enum Stage {
    COLLECTOR("dev.cab.collector.CollectorMain"),
    STREAMS("dev.cab.streams.StreamsMain"),
    SINK("dev.cab.sink.SinkMain");

    final String mainClass;

    Stage(String mainClass) {
      this.mainClass = mainClass;
    }

    String lower() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Stage stage;
  private final Process process;
  private final Path log;

  private StageProcess(Stage stage, Process process, Path log) {
    this.stage = stage;
    this.process = process;
    this.log = log;
  }

  /** Launches {@code stage} with {@code env} added to this JVM's environment. */
  static StageProcess start(Stage stage, Map<String, String> env, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // Two cores shared by every process of the suite: cheap start-up, little JIT work.
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ParentWatch.class.getName());
    command.add(stage.mainClass);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    try {
      Files.createDirectories(log.getParent());
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      return new StageProcess(stage, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + stage, e);
    }
  }

  Stage stage() {
    return stage;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, then waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(60);
  }

  /** Waits for the process to end by itself; its exit status, or -1 if it did not end in time. */
  int awaitExit(long seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGTERM (a clean shutdown), SIGKILL if it takes more than 30 s. */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (awaitExit(30) == -1) {
      kill();
    }
  }

  /** The last lines the stage printed, for failure messages. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return stage.lower() + "[pid " + process.pid() + (process.isAlive() ? "" : ", exited") + "]";
  }
}
