package dev.cab.embedded.clickhouse.internal.engine;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outcome of one query: either an {@link EngineError} or the output bytes, which stay in the
 * engine's native buffer until {@link #close()} (so a large result is never copied whole onto the
 * heap: {@link #writeTo} streams it in small chunks), plus the statistics a ClickHouse server puts
 * in {@code X-ClickHouse-Summary}.
 *
 * <p>Reading is safe from any one thread at a time; {@link #close()} is idempotent and thread-safe,
 * and must be called (results are not freed by the garbage collector).
 */
public final class ChdbResult implements AutoCloseable {

  private static final int COPY_CHUNK = 64 * 1024;

  private final ChdbBindings bindings;
  private final MemorySegment handle;
  private final MemorySegment data;
  private final EngineError error;
  private final Statistics statistics;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Counters of one query, as the HTTP interface reports them. */
  public record Statistics(
      long readRows,
      long readBytes,
      long writtenRows,
      long writtenBytes,
      long resultRows,
      long resultBytes,
      long elapsedNanos) {

    static final Statistics NONE = new Statistics(0, 0, 0, 0, 0, 0, 0);
  }

  ChdbResult(
      ChdbBindings bindings,
      MemorySegment handle,
      MemorySegment data,
      EngineError error,
      Statistics statistics) {
    this.bindings = bindings;
    this.handle = handle;
    this.data = data;
    this.error = error;
    this.statistics = statistics;
  }

  /** The error, or null when the query succeeded. */
  public EngineError error() {
    return error;
  }

  public Statistics statistics() {
    return statistics;
  }

  /** The number of output bytes. */
  public long length() {
    return data.byteSize();
  }

  /** Copies the output to {@code out} in 64 KiB chunks; does not close {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    long length = data.byteSize();
    byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, Math.max(1, length))];
    for (long offset = 0; offset < length; ) {
      checkOpen();
      int n = (int) Math.min(chunk.length, length - offset);
      MemorySegment.copy(data, JAVA_BYTE, offset, chunk, 0, n);
      out.write(chunk, 0, n);
      offset += n;
    }
  }

  /** The whole output as a byte array (for small, internal results). */
  public byte[] toByteArray() {
    checkOpen();
    return data.toArray(JAVA_BYTE);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && handle.address() != 0) {
      try {
        bindings.destroyQueryResult.invokeExact(handle);
      } catch (Throwable t) {
        throw new IllegalStateException("chdb_destroy_query_result failed", t);
      }
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("result already closed");
    }
  }
}
