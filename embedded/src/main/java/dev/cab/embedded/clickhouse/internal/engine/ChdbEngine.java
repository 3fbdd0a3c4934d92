package dev.cab.embedded.clickhouse.internal.engine;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ClickHouse engine of libchdb, loaded into this process through the FFM API, with a persistent
 * data directory.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>At most one engine per process (libchdb holds one global server; a second start fails).
 *   <li>Every engine call runs on one dedicated platform thread, so calls are serialised and a long
 *       native call never pins the carrier of a virtual thread.
 *   <li>A query without a {@link Session} runs on a connection of its own, opened for it and closed
 *       after it, so that {@code USE}, {@code SET} and {@code readonly} never leak from one request
 *       into the next (a connection costs about half a millisecond; tested with 10k cycles without
 *       growth beyond the engine's own caches).
 *   <li>The JVM keeps its signal handlers: the ones the engine installs when it boots are replaced
 *       by the JVM's again right after (see {@link JvmSignalHandlers}).
 * </ul>
 *
 * <p>Thread-safe.
 */
// Native access is this class's purpose: the JVM runs with --enable-native-access.
@SuppressWarnings("restricted")
public final class ChdbEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ChdbEngine.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final long ENGINE_STACK_BYTES = 64L << 20;

  private final ChdbBindings bindings;
  private final ExecutorService thread;
  private final MemorySegment argv;
  private final MemorySegment anchor;
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final String version;
  private final String timezone;
  private volatile JvmSignalHandlers signals;
  private volatile boolean closed;

  /** A connection kept across queries (an HTTP {@code session_id}); opaque to callers. */
  public static final class Session {
    private final MemorySegment connection;
    private boolean open = true;

    private Session(MemorySegment connection) {
      this.connection = connection;
    }
  }

  /**
   * One query and what must run before it on the same connection.
   *
   * @param session the session's connection, or null for a fresh connection
   * @param setup statements run first, in order ({@code SET ...}, {@code USE ...}); the first that
   *     fails ends the execution with its error
   * @param query the query text and any inline data
   * @param defaultFormat the output format when the query names none
   * @param parameters values for {@code {name:Type}} placeholders, in ClickHouse's escaped text
   *     form
   */
  public record Execution(
      Session session,
      List<String> setup,
      QueryBuffer query,
      String defaultFormat,
      Map<String, String> parameters) {

    public Execution {
      setup = List.copyOf(setup);
      parameters = new LinkedHashMap<>(parameters);
    }
  }

  private ChdbEngine(ChdbBindings bindings, Path dataDir, ExecutorService thread) throws Exception {
    this.bindings = bindings;
    this.thread = thread;
    Arena global = Arena.global();
    this.argv = global.allocate(ADDRESS, 2);
    argv.setAtIndex(ADDRESS, 0, global.allocateFrom("clickhouse"));
    argv.setAtIndex(ADDRESS, 1, global.allocateFrom("--path=" + dataDir));
    this.anchor =
        onEngineThread(
            () -> {
              JvmSignalHandlers jvm = JvmSignalHandlers.snapshot();
              MemorySegment connection = connect();
              List<Integer> restored = jvm.restoreChanged();
              if (!restored.isEmpty()) {
                log.debug("gave signals {} back to the JVM after the engine booted", restored);
              }
              signals = jvm;
              return connection;
            });
    String[] info = queryText("SELECT version(), timezone()").split("\t");
    List<Integer> late = signals.restoreChanged();
    if (!late.isEmpty()) {
      log.warn("the engine's first query took signals {}: given back to the JVM", late);
    }
    this.version = info[0].strip();
    this.timezone = info.length > 1 ? info[1].strip() : "UTC";
  }

  /**
   * Loads {@code library} and boots the engine on {@code dataDir} (created if missing). Takes about
   * a quarter of a second after the library is in the page cache.
   *
   * @throws IllegalStateException if an engine was already started in this process
   */
  public static ChdbEngine start(Path library, Path dataDir) throws Exception {
    if (!STARTED.compareAndSet(false, true)) {
      throw new IllegalStateException("libchdb allows one engine per process; one is running");
    }
    Path data = dataDir.toAbsolutePath();
    Files.createDirectories(data);
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              // ClickHouse's parser and planner recurse and check the stack left: give the engine
              // thread more than a main thread's 8 MiB, not the JVM's 1 MiB default.
              Thread t = new Thread(null, r, "chdb-engine", ENGINE_STACK_BYTES);
              t.setDaemon(true);
              return t;
            });
    try {
      long started = System.nanoTime();
      ChdbEngine engine = new ChdbEngine(new ChdbBindings(library), data, thread);
      log.info(
          "ClickHouse engine {} (libchdb) up in {} ms on {}",
          engine.version,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          data);
      return engine;
    } catch (Exception | Error e) {
      thread.shutdownNow();
      throw e;
    }
  }

  /** {@code SELECT version()}, e.g. 26.5.1.1. */
  public String version() {
    return version;
  }

  /** The engine's time zone ({@code SELECT timezone()}). */
  public String timezone() {
    return timezone;
  }

  /**
   * Runs {@code execution} and returns its result, which the caller must close. Waits behind
   * whatever the engine is doing. If the caller is interrupted, the query still completes and its
   * result is freed.
   */
  public ChdbResult execute(Execution execution) throws InterruptedException {
    CompletableFuture<ChdbResult> future = submit(() -> run(execution));
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.thenAccept(ChdbResult::close);
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("engine call failed", e.getCause());
    }
  }

  /** Opens a connection that keeps {@code USE} and {@code SET} across queries. */
  public Session openSession() throws InterruptedException {
    Session session = call(() -> new Session(connect()));
    sessions.add(session);
    return session;
  }

  /** Closes a session's connection; idempotent. */
  public void closeSession(Session session) throws InterruptedException {
    if (sessions.remove(session)) {
      call(
          () -> {
            closeSessionNow(session);
            return null;
          });
    }
  }

  /** Closes all sessions and the engine's own connection. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            for (Session s : sessions) {
              closeSessionNow(s);
            }
            sessions.clear();
            bindings.closeConn.invokeExact(anchor);
            done.complete(null);
          } catch (Throwable t) {
            done.completeExceptionally(t);
          }
        });
    try {
      done.get(30, TimeUnit.SECONDS);
      log.info("ClickHouse engine closed");
    } catch (Exception e) {
      log.warn("closing the ClickHouse engine failed", e);
    } finally {
      thread.shutdownNow();
    }
  }

  /** Runs one statement on a fresh connection and returns its TSV output (for small queries). */
  public String queryText(String sql) throws InterruptedException {
    try (QueryBuffer buffer = new QueryBuffer(sql.length());
        ChdbResult result =
            execute(new Execution(null, List.of(), fill(buffer, sql), "TSV", Map.of()))) {
      if (result.error() != null) {
        throw new IllegalStateException(
            "Code: " + result.error().code() + ". " + result.error().message());
      }
      return new String(result.toByteArray(), StandardCharsets.UTF_8);
    }
  }

  private static QueryBuffer fill(QueryBuffer buffer, String sql) {
    buffer.append(sql);
    return buffer;
  }

  // ---- engine thread only below ----

  private ChdbResult run(Execution execution) throws Throwable {
    MemorySegment connection;
    boolean fresh = execution.session() == null;
    if (fresh) {
      connection = connect();
    } else {
      if (!execution.session().open) {
        throw new IllegalStateException("session closed");
      }
      connection = execution.session().connection;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment conn = connection.get(ADDRESS, 0);
      MemorySegment format = arena.allocateFrom(JAVA_BYTE, bytes(execution.defaultFormat()));
      for (String statement : execution.setup()) {
        byte[] sql = bytes(statement);
        MemorySegment result =
            (MemorySegment)
                bindings.queryN.invokeExact(
                    conn,
                    arena.allocateFrom(JAVA_BYTE, sql),
                    (long) sql.length,
                    format,
                    format.byteSize());
        ChdbResult setupResult = wrap(result);
        if (setupResult.error() != null) {
          return setupResult;
        }
        setupResult.close();
      }
      MemorySegment query = execution.query().segment();
      MemorySegment result;
      if (execution.parameters().isEmpty()) {
        result =
            (MemorySegment)
                bindings.queryN.invokeExact(
                    conn, query, query.byteSize(), format, format.byteSize());
      } else {
        int n = execution.parameters().size();
        MemorySegment names = arena.allocate(ADDRESS, n);
        MemorySegment nameLengths = arena.allocate(JAVA_LONG, n);
        MemorySegment values = arena.allocate(ADDRESS, n);
        MemorySegment valueLengths = arena.allocate(JAVA_LONG, n);
        int i = 0;
        for (Map.Entry<String, String> p : execution.parameters().entrySet()) {
          byte[] name = bytes(p.getKey());
          byte[] value = bytes(p.getValue());
          names.setAtIndex(ADDRESS, i, arena.allocateFrom(JAVA_BYTE, name));
          nameLengths.setAtIndex(JAVA_LONG, i, name.length);
          // allocateFrom of an empty array gives a zero-length segment at a valid address.
          values.setAtIndex(ADDRESS, i, arena.allocateFrom(JAVA_BYTE, value));
          valueLengths.setAtIndex(JAVA_LONG, i, value.length);
          i++;
        }
        result =
            (MemorySegment)
                bindings.queryWithParamsN.invokeExact(
                    conn,
                    query,
                    query.byteSize(),
                    format,
                    format.byteSize(),
                    names,
                    nameLengths,
                    values,
                    valueLengths,
                    (long) n);
      }
      return wrap(result);
    } finally {
      if (fresh) {
        bindings.closeConn.invokeExact(connection);
      }
    }
  }

  private ChdbResult wrap(MemorySegment result) throws Throwable {
    if (result.address() == 0) {
      return new ChdbResult(
          bindings,
          MemorySegment.NULL,
          MemorySegment.NULL,
          new EngineError(EngineError.UNKNOWN_EXCEPTION, "chdb returned no result"),
          ChdbResult.Statistics.NONE);
    }
    MemorySegment error = (MemorySegment) bindings.resultError.invokeExact(result);
    if (error.address() != 0) {
      String text = error.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
      return new ChdbResult(
          bindings,
          result,
          MemorySegment.NULL,
          EngineError.parse(text),
          ChdbResult.Statistics.NONE);
    }
    long length = (long) bindings.resultLength.invokeExact(result);
    MemorySegment buffer = (MemorySegment) bindings.resultBuffer.invokeExact(result);
    MemorySegment data =
        length == 0 || buffer.address() == 0 ? MemorySegment.NULL : buffer.reinterpret(length);
    double elapsedSeconds = (double) bindings.resultElapsed.invokeExact(result);
    var statistics =
        new ChdbResult.Statistics(
            (long) bindings.resultStorageRowsRead.invokeExact(result),
            (long) bindings.resultStorageBytesRead.invokeExact(result),
            (long) bindings.resultRowsWritten.invokeExact(result),
            (long) bindings.resultBytesWritten.invokeExact(result),
            (long) bindings.resultRowsRead.invokeExact(result),
            (long) bindings.resultBytesRead.invokeExact(result),
            (long) (elapsedSeconds * 1e9));
    return new ChdbResult(bindings, result, data, null, statistics);
  }

  private MemorySegment connect() throws Throwable {
    MemorySegment connection = (MemorySegment) bindings.connect.invokeExact(2, argv);
    if (connection.address() == 0) {
      throw new IllegalStateException("chdb_connect failed (see the engine's messages on stderr)");
    }
    return connection.reinterpret(ADDRESS.byteSize());
  }

  private void closeSessionNow(Session session) throws Throwable {
    if (session.open) {
      session.open = false;
      bindings.closeConn.invokeExact(session.connection);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @FunctionalInterface
  private interface EngineCall<T> {
    T call() throws Throwable;
  }

  private <T> CompletableFuture<T> submit(EngineCall<T> call) {
    if (closed) {
      throw new IllegalStateException("engine closed");
    }
    CompletableFuture<T> future = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            future.complete(call.call());
          } catch (Throwable t) {
            future.completeExceptionally(t);
          }
        });
    return future;
  }

  private <T> T call(EngineCall<T> call) throws InterruptedException {
    try {
      return submit(call).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("engine call failed", e.getCause());
    }
  }

  private <T> T onEngineThread(EngineCall<T> call) throws Exception {
    try {
      return submit(call).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw new IllegalStateException("engine start failed", e.getCause());
    }
  }
}
