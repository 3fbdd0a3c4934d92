package dev.cab.embedded.clickhouse.internal.http;

import dev.cab.embedded.clickhouse.internal.engine.ChdbEngine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP sessions ({@code session_id}): each is an engine connection of its own, so {@code USE} and
 * {@code SET} persist across the session's requests, as on a ClickHouse server. A session belongs
 * to the user who opened it, is used by one request at a time (another gets SESSION_IS_LOCKED), and
 * closes after {@code session_timeout} seconds without requests (default 60, at most 3600).
 *
 * <p>Thread-safe.
 */
final class SessionRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

  static final int DEFAULT_TIMEOUT_SECONDS = 60;
  static final int MAX_TIMEOUT_SECONDS = 3600;

  private record Key(String user, String id) {}

  /** One open session; held (locked) by the request using it. */
  static final class Session {
    private final Key key;
    private final ChdbEngine.Session engineSession;
    private final ReentrantLock inUse = new ReentrantLock();
    private volatile long timeoutNanos;
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile boolean closed;

    /** Its current request asked to close it: a {@code session_check} no longer finds it. */
    private volatile boolean closing;

    private Session(Key key, ChdbEngine.Session engineSession, long timeoutNanos) {
      this.key = key;
      this.engineSession = engineSession;
      this.timeoutNanos = timeoutNanos;
    }

    ChdbEngine.Session engineSession() {
      return engineSession;
    }
  }

  private final ChdbEngine engine;
  private final Map<Key, Session> sessions = new ConcurrentHashMap<>();
  private final ReentrantLock creating = new ReentrantLock();
  private final ScheduledExecutorService reaper;

  SessionRegistry(ChdbEngine engine) {
    this.engine = engine;
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "clickhouse-session-reaper");
              t.setDaemon(true);
              return t;
            });
    reaper.scheduleWithFixedDelay(this::closeExpired, 1, 1, TimeUnit.SECONDS);
  }

  /** Parses {@code session_timeout}: seconds, 0..3600. */
  static int parseTimeout(String value) throws RequestFailure {
    if (value == null) {
      return DEFAULT_TIMEOUT_SECONDS;
    }
    try {
      int seconds = Integer.parseInt(value.strip());
      if (seconds >= 0 && seconds <= MAX_TIMEOUT_SECONDS) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new RequestFailure(
        ErrorCodes.INVALID_SESSION_TIMEOUT,
        "Invalid session timeout: '" + value + "' (it must be 0.." + MAX_TIMEOUT_SECONDS + ")");
  }

  /**
   * The session {@code id} of {@code user}, created unless {@code mustExist}, and locked for the
   * caller: release it with {@link #release}. {@code closeAfter}: the request asks to close it
   * ({@code close_session=1}).
   */
  Session acquire(String user, String id, int timeoutSeconds, boolean mustExist, boolean closeAfter)
      throws RequestFailure, InterruptedException {
    Key key = new Key(user, id);
    Session session;
    creating.lockInterruptibly();
    try {
      session = sessions.get(key);
      // A session whose close was asked is gone for a session_check, even while that request is
      // still sending its answer (the client may already have read it and asked again).
      if (session == null || (mustExist && session.closing)) {
        if (mustExist) {
          throw new RequestFailure(
              ErrorCodes.SESSION_NOT_FOUND, "Session " + id + " not found (session_check=1)");
        }
        session = new Session(key, engine.openSession(), TimeUnit.SECONDS.toNanos(timeoutSeconds));
        sessions.put(key, session);
      }
      if (!session.inUse.tryLock()) {
        throw new RequestFailure(
            ErrorCodes.SESSION_IS_LOCKED, "Session " + id + " is locked by a concurrent client.");
      }
      session.closing = closeAfter;
    } finally {
      creating.unlock();
    }
    session.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    return session;
  }

  /**
   * Lets the session's next request in: called once the engine has answered, before the answer is
   * sent, so that a client that has read it can send its next request at once (releasing only after
   * sending made a fast client's next request fail with SESSION_IS_LOCKED). Idempotent on the
   * request's thread.
   */
  void unlock(Session session) {
    if (session.inUse.isHeldByCurrentThread()) {
      session.lastUsedNanos = System.nanoTime();
      session.inUse.unlock();
    }
  }

  /** Releases a session after a request; closes it if asked ({@code close_session=1}). */
  void release(Session session, boolean close) throws InterruptedException {
    unlock(session);
    if (close) {
      closeIfIdle(session);
    }
  }

  int size() {
    return sessions.size();
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    sessions.clear();
    // The engine closes every session connection when it closes.
  }

  private void closeExpired() {
    long now = System.nanoTime();
    for (Session s : sessions.values()) {
      if (now - s.lastUsedNanos > s.timeoutNanos) {
        try {
          closeIfIdle(s);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          log.warn("closing expired session {} failed", s.key.id(), e);
        }
      }
    }
  }

  private void closeIfIdle(Session s) throws InterruptedException {
    // Under the same lock as acquire(): a session in the map is never closed.
    creating.lockInterruptibly();
    try {
      if (!s.inUse.tryLock()) {
        return;
      }
      try {
        if (!s.closed && sessions.remove(s.key, s)) {
          s.closed = true;
          engine.closeSession(s.engineSession);
          log.debug("session {} of {} closed", s.key.id(), s.key.user());
        }
      } finally {
        s.inUse.unlock();
      }
    } finally {
      creating.unlock();
    }
  }
}
