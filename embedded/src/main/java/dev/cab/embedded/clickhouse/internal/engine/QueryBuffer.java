package dev.cab.embedded.clickhouse.internal.engine;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of one query as the engine takes them (SQL text, possibly followed by inline insert
 * data), accumulated straight into native memory so that a large insert body is held once, not once
 * on the heap and again off it. Grows with {@code realloc} (which moves large blocks by remapping
 * pages rather than copying them).
 *
 * <p>Not thread-safe: one request fills it, hands it to the engine, then closes it. Closing frees
 * the memory; using it afterwards fails.
 */
// Native access is this class's purpose: the JVM runs with --enable-native-access.
@SuppressWarnings("restricted")
public final class QueryBuffer implements AutoCloseable {

  private static final MethodHandle MALLOC;
  private static final MethodHandle REALLOC;
  private static final MethodHandle FREE;

  static {
    Linker linker = Linker.nativeLinker();
    var libc = linker.defaultLookup();
    MALLOC =
        linker.downcallHandle(
            libc.find("malloc").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    REALLOC =
        linker.downcallHandle(
            libc.find("realloc").orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    FREE =
        linker.downcallHandle(libc.find("free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
  }

  private MemorySegment memory;
  private long size;

  public QueryBuffer(long initialCapacity) {
    long capacity = Math.max(64, initialCapacity);
    this.memory = call(() -> (MemorySegment) MALLOC.invokeExact(capacity)).reinterpret(capacity);
    if (memory.address() == 0) {
      throw new OutOfMemoryError("malloc(" + capacity + ") failed");
    }
  }

  /** Appends {@code bytes[offset, offset+length)}. */
  public void append(byte[] bytes, int offset, int length) {
    ensureCapacity(size + length);
    MemorySegment.copy(bytes, offset, memory, JAVA_BYTE, size, length);
    size += length;
  }

  /** Appends the UTF-8 bytes of {@code text}. */
  public void append(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    append(bytes, 0, bytes.length);
  }

  /** How many bytes have been appended. */
  public long size() {
    return size;
  }

  /** The first {@code min(max, size)} bytes, decoded as UTF-8 (for looking at the SQL head). */
  public String head(int max) {
    int n = (int) Math.min(max, size);
    byte[] bytes = new byte[n];
    MemorySegment.copy(memory, JAVA_BYTE, 0, bytes, 0, n);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The filled part of the buffer; valid until {@link #close()} or the next append. */
  MemorySegment segment() {
    if (memory == null) {
      throw new IllegalStateException("query buffer closed");
    }
    return memory.asSlice(0, size);
  }

  @Override
  public void close() {
    if (memory != null) {
      MemorySegment toFree = memory;
      memory = null;
      call(
          () -> {
            FREE.invokeExact(toFree);
            return null;
          });
    }
  }

  private void ensureCapacity(long needed) {
    if (memory == null) {
      throw new IllegalStateException("query buffer closed");
    }
    if (needed <= memory.byteSize()) {
      return;
    }
    long capacity = Math.max(needed, memory.byteSize() * 2);
    MemorySegment old = memory;
    MemorySegment grown = call(() -> (MemorySegment) REALLOC.invokeExact(old, capacity));
    if (grown.address() == 0) {
      throw new OutOfMemoryError("realloc(" + capacity + ") failed");
    }
    memory = grown.reinterpret(capacity);
  }

  @FunctionalInterface
  private interface NativeCall<T> {
    T call() throws Throwable;
  }

  private static <T> T call(NativeCall<T> call) {
    try {
      return call.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
