package dev.cab.embedded.clickhouse;

import dev.cab.embedded.clickhouse.internal.install.LibchdbInstaller;
import dev.cab.embedded.process.OwnSession;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4Factory;

/**
 * A real ClickHouse server for tests and the local mode: {@link ClickHouseServerMain} in a child
 * JVM (the current JVM's {@code java} and class path), so the engine's one-per-process rule and its
 * 300 MB of native memory stay out of the caller's process.
 *
 * <pre>{@code
 * try (EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().dataDir(dir).build().start()) {
 *   String url = clickhouse.url(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>{@link #start()} fetches libchdb into the cache if needed, spawns the child and returns once
 * {@code /ping} answers (or fails with the child's stderr). The child stops with its parent: it
 * exits when its standard input (a pipe from this process) closes. Not thread-safe: start and stop
 * from one thread.
 */
public final class EmbeddedClickHouse implements AutoCloseable {

  private static final int STDERR_LINES_KEPT = 80;

  private final int requestedPort;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Path usersFile;
  private final long maxBodyBytes;
  private final String heap;
  private final String displayName;
  private final Duration startTimeout;

  private Process process;
  private String url;
  private int port;
  private long startMillis;
  private final Deque<String> stderrTail = new ArrayDeque<>();

  private EmbeddedClickHouse(Builder b) throws IOException {
    this.requestedPort = b.port;
    this.ownsDataDir = b.dataDir == null;
    this.dataDir = b.dataDir != null ? b.dataDir : Files.createTempDirectory("cab-clickhouse-");
    this.usersFile = b.usersFile;
    this.maxBodyBytes = b.maxBodyBytes;
    this.heap = b.heap;
    this.displayName = b.displayName;
    this.startTimeout = b.startTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures an {@link EmbeddedClickHouse}; every setting has a default. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private Path usersFile;
    private long maxBodyBytes = ClickHouseServerOptions.DEFAULT_MAX_BODY_BYTES;
    private String heap = "256m";
    private String displayName = ClickHouseServerOptions.DEFAULT_DISPLAY_NAME;
    private Duration startTimeout = Duration.ofSeconds(120);

    private Builder() {}

    /** The port; 0 (the default here) picks a free one. The CLI passes 8123. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The data directory; default: a temporary directory, deleted by {@link #stop()}. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** A users file (ClickHouse users.xml subset); default: user {@code default}, no password. */
    public Builder usersFile(Path usersFile) {
      this.usersFile = usersFile;
      return this;
    }

    /** The largest request body accepted (413 above); default 1 GiB. */
    public Builder maxBodyBytes(long maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * The child's Java heap ({@code -Xmx}), default {@code 256m}: the engine's memory is native,
     * the heap only holds HTTP buffers.
     */
    public Builder heap(String heap) {
      this.heap = heap;
      return this;
    }

    /** {@code X-ClickHouse-Server-Display-Name}. */
    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    /** How long {@link #start()} waits for {@code /ping}, after libchdb is in the cache. */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    public EmbeddedClickHouse build() {
      try {
        return new EmbeddedClickHouse(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary data directory", e);
      }
    }

    /** {@code build().start()}. */
    public EmbeddedClickHouse start() {
      return build().start();
    }
  }

  /**
   * Preloads the JDK's signal-chaining library (libjsig) into the server JVM. HotSpot relies on
   * SIGSEGV for implicit null checks and safepoint polls; the ClickHouse engine installs its own
   * SIGSEGV handler from inside libchdb, which then turns an ordinary JIT null check into a crash
   * ("segfault at c" in a Java thread under insert load). With libjsig the JVM's handler stays
   * first and chains to the engine's for faults that are not the JVM's.
   */
  private static void preloadSignalChaining(ProcessBuilder builder) {
    Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
    if (Files.isRegularFile(jsig)) {
      String existing = builder.environment().get("LD_PRELOAD");
      builder
          .environment()
          .put(
              "LD_PRELOAD",
              existing == null || existing.isBlank() ? jsig.toString() : jsig + ":" + existing);
    }
  }

  /**
   * Starts the child JVM and waits until {@code /ping} answers.
   *
   * @throws IllegalStateException if already started, or the child failed (with its stderr)
   */
  public EmbeddedClickHouse start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already started: " + url);
    }
    try {
      Path library = LibchdbInstaller.ensureInstalled(System.err);
      long spawned = System.nanoTime();
      ProcessBuilder builder = new ProcessBuilder(OwnSession.command(command(library)));
      // The engine takes its time zone from TZ; X-ClickHouse-Timezone then says UTC.
      builder.environment().put("TZ", "UTC");
      preloadSignalChaining(builder);
      process = builder.start();
      synchronized (stderrTail) {
        stderrTail.clear();
      }
      CompletableFuture<String> urlLine = new CompletableFuture<>();
      pump(
          process.getInputStream(),
          "clickhouse-stdout",
          line -> {
            if (line.startsWith(ClickHouseServerMain.URL_LINE_PREFIX)) {
              urlLine.complete(
                  line.substring(ClickHouseServerMain.URL_LINE_PREFIX.length()).strip());
            } else {
              System.out.println("[clickhouse] " + line);
            }
          },
          () -> urlLine.completeExceptionally(new IOException("the server's stdout closed")));
      pump(
          process.getErrorStream(),
          "clickhouse-stderr",
          line -> {
            synchronized (stderrTail) {
              if (stderrTail.size() == STDERR_LINES_KEPT) {
                stderrTail.removeFirst();
              }
              stderrTail.addLast(line);
            }
            System.err.println("[clickhouse] " + line);
          },
          () -> {});
      long deadline = System.nanoTime() + startTimeout.toNanos();
      try {
        url = urlLine.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw failure("did not report its URL within " + startTimeout.toSeconds() + " s", e);
      }
      port = URI.create(url).getPort();
      awaitPing(deadline);
      startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawned);
      return this;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopProcess();
      throw new IllegalStateException("interrupted while starting ClickHouse", e);
    } catch (IOException e) {
      stopProcess();
      throw new IllegalStateException("cannot start ClickHouse: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      stopProcess();
      throw e;
    }
  }

  /** The HTTP URL, e.g. {@code http://127.0.0.1:8123}. */
  public String url() {
    requireStarted();
    return url;
  }

  public int port() {
    requireStarted();
    return port;
  }

  /** The child process's pid. */
  public long pid() {
    requireStarted();
    return process.pid();
  }

  /** Where the tables live. */
  public Path dataDir() {
    return dataDir;
  }

  /** Milliseconds from spawning the child to the first successful {@code /ping}. */
  public long startMillis() {
    return startMillis;
  }

  /**
   * Stops the child gracefully (SIGTERM: the server closes the engine), killing it after 15 s.
   * Deletes the data directory if it was a temporary one. Idempotent.
   */
  public void stop() {
    stopProcess();
    if (ownsDataDir) {
      deleteTree(dataDir);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private List<String> command(Path library) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xmx" + heap);
    // Small heap, short-lived objects: the serial collector keeps the child's RSS lowest.
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Duser.timezone=UTC");
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.add("-cp");
    command.add(childClassPath());
    command.add(ClickHouseServerMain.class.getName());
    ClickHouseServerOptions options =
        new ClickHouseServerOptions(
            requestedPort,
            dataDir.toAbsolutePath(),
            usersFile,
            maxBodyBytes,
            displayName,
            library,
            true);
    command.addAll(options.toArgs());
    return command;
  }

  /**
   * This JVM's class path, plus the jars of the server and its dependencies in case they were
   * loaded by another class loader (e.g. {@code mvn exec:java}, a plugin host): then {@code
   * java.class.path} alone would not hold them.
   */
  static String childClassPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    for (Class<?> needed :
        List.of(ClickHouseServerMain.class, org.slf4j.LoggerFactory.class, LZ4Factory.class)) {
      CodeSource source = needed.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        try {
          entries.add(Path.of(source.getLocation().toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
          // Not a file (e.g. a jrt: or nested-jar URL): the class path has to hold it.
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private void awaitPing(long deadline) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ping =
        HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(5)).build();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw failure("exited with code " + process.exitValue() + " while starting", null);
      }
      try {
        HttpResponse<String> response = client.send(ping, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().equals("Ok.\n")) {
          return;
        }
        last = new IOException("/ping answered " + response.statusCode() + ": " + response.body());
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(50); // poll interval of the readiness check, bounded by the deadline
    }
    throw failure("did not answer /ping within " + startTimeout.toSeconds() + " s", last);
  }

  private IllegalStateException failure(String what, Throwable cause) {
    if (process != null) {
      try {
        // Let the stderr pump catch up with a dying child.
        process.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String tail;
    synchronized (stderrTail) {
      tail = String.join("\n", stderrTail);
    }
    return new IllegalStateException(
        "the embedded ClickHouse server (pid "
            + (process == null ? "?" : process.pid())
            + ") "
            + what
            + (tail.isEmpty()
                ? "; it wrote nothing to stderr"
                : "; its stderr ends with:\n" + tail),
        cause);
  }

  private void stopProcess() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      if (p.isAlive()) {
        // SIGTERM: shutdown hooks run, the engine closes cleanly. (Process.destroy() would also
        // close our ends of the pipes, cutting off the child's last log lines.)
        p.toHandle().destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        p.getOutputStream().close();
      } catch (IOException ignored) {
        // The pipe is gone with the process.
      }
    }
  }

  private void requireStarted() {
    if (url == null) {
      throw new IllegalStateException("not started");
    }
  }

  private static void pump(
      InputStream stream, String name, java.util.function.Consumer<String> onLine, Runnable onEnd) {
    Thread.ofPlatform()
        .daemon()
        .name(name)
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  onLine.accept(line);
                }
              } catch (IOException e) {
                // The child is gone.
              } finally {
                onEnd.run();
              }
            });
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("cab: could not delete " + root + ": " + e);
    }
  }
}
