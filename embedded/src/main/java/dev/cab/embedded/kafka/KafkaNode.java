package dev.cab.embedded.kafka;

import dev.cab.embedded.process.OwnSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One node of an {@link EmbeddedKafka} cluster: its ports, its folder ({@code node-<id>} with
 * {@code server.properties}, {@code broker.log} and the {@code data} log dir) and its current child
 * JVM.
 *
 * <p>Not thread-safe: {@link EmbeddedKafka} serialises every call.
 */
final class KafkaNode {

  private static final int LOG_TAIL_LINES = 40;
  private static final int LOG_TAIL_BYTES = 16 * 1024;

  /**
   * How much of the log since launch is searched for a start-up failure's cause: a broker that
   * fails at start logs its cause and then a shutdown of well over {@value #LOG_TAIL_LINES} lines.
   */
  private static final int LOG_SCAN_BYTES = 1024 * 1024;

  private final int id;
  private final int brokerPort;
  private final int controllerPort;
  private final Path dir;

  private Process process;
  private OutputStream lifeline;
  private long lastPid = -1;
  private long logOffsetAtLaunch;
  private boolean trainingCds;
  private Runnable afterCleanStop = () -> {};
  private Runnable afterKill = () -> {};

  KafkaNode(int id, int brokerPort, int controllerPort, Path dir) {
    this.id = id;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.dir = dir;
  }

  int id() {
    return id;
  }

  int brokerPort() {
    return brokerPort;
  }

  int controllerPort() {
    return controllerPort;
  }

  Path dir() {
    return dir;
  }

  Path logDir() {
    return dir.resolve("data");
  }

  Path serverProperties() {
    return dir.resolve("server.properties");
  }

  Path brokerLog() {
    return dir.resolve("broker.log");
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The pid of the current child, or of the last one if it has exited. */
  long pid() {
    if (lastPid < 0) {
      throw new IllegalStateException("Kafka node " + id + " has never been started");
    }
    return lastPid;
  }

  /** Completes with this node when its current child exits. */
  CompletableFuture<KafkaNode> onExit() {
    if (process == null) {
      return CompletableFuture.completedFuture(this);
    }
    return process.onExit().thenApply(p -> this);
  }

  /** The exit code of the last child, if it has exited. */
  Integer exitCode() {
    return process != null && !process.isAlive() ? process.exitValue() : null;
  }

  /**
   * Starts the child JVM. Its stdout and stderr are appended to {@code broker.log} (a file, so the
   * child never blocks on a full pipe); its stdin stays a pipe whose write end is held here: when
   * this JVM dies, the kernel closes it and BrokerMain stops the broker.
   *
   * @param afterCleanStop runs after a stop that ended the child normally (CDS publication)
   * @param afterKill runs after the child was killed or died
   */
  void launch(
      List<String> command, boolean trainingCds, Runnable afterCleanStop, Runnable afterKill) {
    if (isRunning()) {
      throw new IllegalStateException("Kafka node " + id + " is already running");
    }
    try {
      Files.createDirectories(dir);
      String banner =
          "%n[cab] ---- starting Kafka node %d at %s ----%n[cab] %s%n"
              .formatted(id, Instant.now(), String.join(" ", command));
      Files.writeString(
          brokerLog(),
          banner,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      logOffsetAtLaunch = Files.size(brokerLog());
      ProcessBuilder builder =
          new ProcessBuilder(OwnSession.command(command))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog().toFile()));
      process = builder.start();
      lifeline = process.getOutputStream();
      lastPid = process.pid();
      this.trainingCds = trainingCds;
      this.afterCleanStop = afterCleanStop;
      this.afterKill = afterKill;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot start Kafka node " + id + ": " + command.getFirst(), e);
    }
  }

  /** Whether stopping gracefully yields something beyond a clean log: a CDS archive to publish. */
  boolean stopMatters() {
    return isRunning() && trainingCds;
  }

  /** Sends SIGTERM (Kafka's graceful, controlled shutdown) without waiting. */
  void requestStop() {
    if (isRunning()) {
      // Through the handle: Process.destroy() would also close the child's stdin, which BrokerMain
      // takes for its parent's death, and then it allows the shutdown only 20 s.
      process.toHandle().destroy();
    }
  }

  /**
   * Waits until the child has exited after {@link #requestStop()}; kills it at the deadline.
   *
   * @return true when it stopped by itself
   */
  boolean awaitStop(Instant deadline) {
    if (process == null) {
      return true;
    }
    boolean stopped = waitFor(Duration.between(Instant.now(), deadline));
    if (!stopped) {
      kill();
      return false;
    }
    closeLifeline();
    // 143 = 128 + SIGTERM: the JVM's exit status after a shutdown triggered by our destroy().
    int code = process.exitValue();
    if (code == 0 || code == 143) {
      afterCleanStop.run();
    } else {
      afterKill.run();
    }
    afterCleanStop = () -> {};
    afterKill = () -> {};
    return true;
  }

  /** Kills the child and its descendants with SIGKILL and waits until they are gone. */
  void kill() {
    if (process == null) {
      return;
    }
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
    closeLifeline();
    afterKill.run();
    afterCleanStop = () -> {};
    afterKill = () -> {};
  }

  /** The last lines this node's child wrote, for error messages. */
  String logTail() {
    Path log = brokerLog();
    try {
      List<String> lines = linesSinceLaunch(LOG_TAIL_BYTES);
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return tail.isEmpty() ? "(" + log + " is empty)" : String.join("\n", tail);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * The lines this node's child wrote since its launch (at most the last {@value #LOG_SCAN_BYTES}
   * bytes), empty when the log cannot be read: where a start-up failure's cause is looked for.
   */
  List<String> logSinceLaunch() {
    try {
      return linesSinceLaunch(LOG_SCAN_BYTES);
    } catch (IOException e) {
      return List.of();
    }
  }

  private List<String> linesSinceLaunch(int maxBytes) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(brokerLog().toFile(), "r")) {
      long from = Math.max(logOffsetAtLaunch, file.length() - maxBytes);
      if (from > file.length()) {
        from = 0; // the log was truncated behind our back
      }
      byte[] bytes = new byte[(int) (file.length() - from)];
      file.seek(from);
      file.readFully(bytes);
      List<String> lines =
          new ArrayList<>(new String(bytes, StandardCharsets.UTF_8).lines().toList());
      if (from > logOffsetAtLaunch && !lines.isEmpty()) {
        lines.removeFirst(); // probably cut in the middle
      }
      return lines;
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private void closeLifeline() {
    if (lifeline != null) {
      try {
        lifeline.close();
      } catch (IOException e) {
        // The child is gone; nothing is left to tell it.
      }
      lifeline = null;
    }
  }

  @Override
  public String toString() {
    return "node-"
        + id
        + "(broker 127.0.0.1:"
        + brokerPort
        + ", controller :"
        + controllerPort
        + ")";
  }
}
