package dev.cab.embedded.clickhouse;

import com.sun.net.httpserver.HttpServer;
import dev.cab.embedded.clickhouse.internal.auth.Users;
import dev.cab.embedded.clickhouse.internal.engine.ChdbEngine;
import dev.cab.embedded.clickhouse.internal.http.ClickHouseHttpHandler;
import dev.cab.embedded.clickhouse.internal.install.LibchdbInstaller;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ClickHouse HTTP interface on a loopback port, served by the libchdb engine loaded into this
 * process (at most one per process: see {@link EmbeddedClickHouse} to run it in a child JVM).
 *
 * <p>Requests run on virtual threads; engine calls are serialised, {@code /ping} never waits for
 * them. {@link #close()} stops accepting requests, lets running ones finish (up to 5 s), then
 * closes the engine. Thread-safe.
 */
public final class ClickHouseHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClickHouseHttpServer.class);
  private static final int STOP_GRACE_SECONDS = 5;

  private final HttpServer http;
  private final ChdbEngine engine;
  private final ClickHouseHttpHandler handler;
  private final ExecutorService executor;
  private final Path insertDir;
  private final CountDownLatch closed = new CountDownLatch(1);
  private boolean closing;

  private ClickHouseHttpServer(
      HttpServer http,
      ChdbEngine engine,
      ClickHouseHttpHandler handler,
      ExecutorService executor,
      Path insertDir) {
    this.http = http;
    this.insertDir = insertDir;
    this.engine = engine;
    this.handler = handler;
    this.executor = executor;
  }

  /**
   * Boots the engine on {@code options.dataDir()} and starts serving; fetches libchdb first if
   * {@code options.libchdb()} is null and the cache has none (progress goes to stderr).
   */
  public static ClickHouseHttpServer start(ClickHouseServerOptions options) throws Exception {
    Users users = options.usersFile() == null ? Users.defaults() : Users.load(options.usersFile());
    Path library =
        options.libchdb() != null
            ? options.libchdb()
            : LibchdbInstaller.ensureInstalled(System.err);
    // Bind first: a taken port fails in milliseconds, before 300 MB of engine are loaded.
    HttpServer http =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 128);
    ChdbEngine engine;
    try {
      engine = ChdbEngine.start(library, options.dataDir());
    } catch (Exception | Error e) {
      http.stop(0);
      throw e;
    }
    try {
      Path insertDir = Files.createTempDirectory("cab-clickhouse-inserts-");
      var handler =
          new ClickHouseHttpHandler(
              engine,
              users,
              new ClickHouseHttpHandler.Config(
                  options.maxBodyBytes(), options.displayName(), insertDir));
      http.createContext("/", handler);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      http.setExecutor(executor);
      http.start();
      var server = new ClickHouseHttpServer(http, engine, handler, executor, insertDir);
      log.info(
          "ClickHouse {} HTTP interface on {} (data {}, users {}, max body {} bytes), {} ms after"
              + " the process started",
          engine.version(),
          server.url(),
          options.dataDir().toAbsolutePath(),
          users.names(),
          options.maxBodyBytes(),
          ProcessHandle.current()
              .info()
              .startInstant()
              .map(t -> Duration.between(t, Instant.now()).toMillis())
              .orElse(-1L));
      return server;
    } catch (IOException | RuntimeException e) {
      http.stop(0);
      engine.close();
      throw e;
    }
  }

  /** The bound port. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** e.g. {@code http://127.0.0.1:8123}. */
  public String url() {
    return "http://" + http.getAddress().getAddress().getHostAddress() + ":" + port();
  }

  /** The engine's version, e.g. 26.5.1.1. */
  public String version() {
    return engine.version();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  /** Stops serving and closes the engine; idempotent, and waits if another thread is closing. */
  @Override
  public void close() {
    boolean mine;
    synchronized (this) {
      mine = !closing;
      closing = true;
    }
    if (!mine) {
      // Someone else is closing: wait for it (a shutdown hook and the main thread both close).
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      log.info("stopping the ClickHouse HTTP interface on {}", url());
      http.stop(STOP_GRACE_SECONDS);
      executor.shutdownNow();
      handler.closeSessions();
      engine.close();
      deleteTree(insertDir);
    } finally {
      closed.countDown();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("could not delete {}", root, e);
    }
  }
}
