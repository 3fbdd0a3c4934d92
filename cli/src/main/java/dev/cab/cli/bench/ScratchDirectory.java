package dev.cab.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The data directory of one bench run ({@code /tmp/cab-bench...}: Kafka's and ClickHouse's data,
 * the streams state, the logs), deleted when the run ends: by {@link #close()} when it ends or
 * fails, and by a shutdown hook on Ctrl-C or SIGTERM. The hook first stops this process's child
 * processes (the brokers, ClickHouse, a streams child) and waits for them, so that none of them
 * writes into the directory while it goes. With {@code keep} ({@code cab bench --keep-data}) the
 * directory stays and its path is printed at the end.
 *
 * <p>Not thread-safe; {@link #close()} is idempotent.
 */
final class ScratchDirectory implements AutoCloseable {

  /** How long the shutdown hook waits for the child processes to exit before deleting anyway. */
  private static final Duration CHILDREN_EXIT = Duration.ofSeconds(20);

  private final Path path;
  private final boolean keep;
  private final Consumer<String> progress;
  private final Thread hook;
  private boolean closed;

  private ScratchDirectory(Path path, boolean keep, Consumer<String> progress) {
    this.path = path;
    this.keep = keep;
    this.progress = progress;
    this.hook = keep ? null : new Thread(this::deleteOnShutdown, "cab-bench-scratch-delete");
    if (hook != null) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
  }

  /** A new directory {@code <java.io.tmpdir>/<prefix><random>}. */
  static ScratchDirectory create(String prefix, boolean keep, Consumer<String> progress)
      throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(prefix), keep, progress);
  }

  Path path() {
    return path;
  }

  Path resolve(String other) {
    return path.resolve(other);
  }

  /**
   * Deletes the directory (call it once whatever wrote into it has stopped), or with {@code keep}
   * says where it is.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (keep) {
      progress.accept("kept the run's data directory (--keep-data): " + path);
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook deletes the directory.
      return;
    }
    deleteTree(path);
  }

  private void deleteOnShutdown() {
    List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
    // SIGTERM: each child closes cleanly (the brokers' and ClickHouse's own hooks).
    children.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + CHILDREN_EXIT.toNanos();
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        child.destroyForcibly();
      }
    }
    try {
      deleteTree(path);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("cab: could not delete " + path + ": " + e);
    }
  }

  /**
   * Deletes {@code dir} and everything below it; nothing when it does not exist. A file that comes
   * or goes meanwhile (a stage still stopping) costs another pass, at most three.
   */
  static void deleteTree(Path dir) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        deleteOnce(dir);
        return;
      } catch (NoSuchFileException | DirectoryNotEmptyException | UncheckedIOException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static void deleteOnce(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
