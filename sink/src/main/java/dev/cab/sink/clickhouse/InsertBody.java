package dev.cab.sink.clickhouse;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An insert's body: a growable byte array written without locks (one thread writes it), read by the
 * client in place (no copy). {@link RowBinaryEncoder} writes it through its typed methods; as an
 * {@link OutputStream} it takes the client's writer and Jackson's generator.
 */
final class InsertBody extends OutputStream {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int count;

  InsertBody(int size) {
    buf = new byte[Math.max(64, size)];
  }

  int size() {
    return count;
  }

  ByteArrayInputStream stream() {
    return new ByteArrayInputStream(buf, 0, count);
  }

  /** Bytes {@code [from, to)}, read in place. */
  ByteArrayInputStream stream(int from, int to) {
    Objects.checkFromToIndex(from, to, count);
    return new ByteArrayInputStream(buf, from, to - from);
  }

  /** Appends bytes {@code [from, to)} of another body. */
  void append(InsertBody other, int from, int to) {
    Objects.checkFromToIndex(from, to, other.count);
    write(other.buf, from, to - from);
  }

  /** Drops every byte from {@code size} on (a row that could not be written whole). */
  void truncate(int size) {
    Objects.checkIndex(size, count + 1);
    count = size;
  }

  private void ensure(int more) {
    if (buf.length - count < more) {
      long wanted = Math.max((long) buf.length * 2, (long) count + more);
      if (wanted > Integer.MAX_VALUE - 16) {
        if ((long) count + more > Integer.MAX_VALUE - 16) {
          throw new IllegalArgumentException("an insert body over 2 GiB");
        }
        wanted = Integer.MAX_VALUE - 16;
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  @Override
  public void write(int b) {
    writeByte(b);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    ensure(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  void writeByte(int v) {
    ensure(1);
    buf[count++] = (byte) v;
  }

  void writeShort(int v) {
    ensure(2);
    SHORT.set(buf, count, (short) v);
    count += 2;
  }

  void writeInt(int v) {
    ensure(4);
    INT.set(buf, count, v);
    count += 4;
  }

  void writeLong(long v) {
    ensure(8);
    LONG.set(buf, count, v);
    count += 8;
  }

  /** LEB128, as RowBinary writes lengths. */
  void writeVarInt(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[count++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[count++] = (byte) v;
  }

  /** Length, then the UTF-8 bytes (unpaired surrogates as '?', as {@code getBytes} does). */
  void writeString(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeVarInt(bytes.length);
    write(bytes, 0, bytes.length);
  }
}
