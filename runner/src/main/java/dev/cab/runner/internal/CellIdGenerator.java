package dev.cab.runner.internal;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * An {@link IdGenerator} that hands out the ids a cell chose for the span being started on the
 * current thread, and random ids otherwise. The SDK calls the generator synchronously inside {@code
 * startSpan()}, so {@link #startWith} brackets exactly one span start. Thread-safe. Not API.
 */
public final class CellIdGenerator implements IdGenerator {
  private static final ThreadLocal<String[]> NEXT = new ThreadLocal<>();

  private final IdGenerator fallback = IdGenerator.random();

  /** A span start that uses the prepared ids. */
  @FunctionalInterface
  public interface SpanStart<T> {
    T start();
  }

  /**
   * Runs {@code start} (one {@code startSpan()} call) so that a parentless span gets {@code
   * traceId} and the span gets {@code spanId}; a null {@code spanId} means random.
   */
  public <T> T startWith(String traceId, String spanId, SpanStart<T> start) {
    String[] previous = NEXT.get();
    NEXT.set(new String[] {traceId, spanId});
    try {
      return start.start();
    } finally {
      if (previous == null) {
        NEXT.remove();
      } else {
        NEXT.set(previous);
      }
    }
  }

  @Override
  public String generateSpanId() {
    String[] next = NEXT.get();
    return next != null && next[1] != null ? next[1] : fallback.generateSpanId();
  }

  @Override
  public String generateTraceId() {
    String[] next = NEXT.get();
    return next != null && next[0] != null ? next[0] : fallback.generateTraceId();
  }
}
