package dev.cab.embedded.clickhouse.internal.install;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of an uncompressed tar stream (ustar, with GNU long names and pax {@code path}
 * records), enough for an npm package tarball. Not thread-safe; a reader is used once, front to
 * back.
 */
final class TarReader {

  private static final int BLOCK = 512;

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long remainingInEntry;
  private long paddingAfterEntry;

  TarReader(InputStream in) {
    this.in = in;
  }

  /** One regular file of the archive; its bytes are read with {@link #content()}. */
  record Entry(String name, long size) {}

  /** The next regular file, or null at the end of the archive. */
  Entry next() throws IOException {
    skip(remainingInEntry + paddingAfterEntry);
    remainingInEntry = 0;
    paddingAfterEntry = 0;
    String longName = null;
    while (true) {
      int n = in.readNBytes(header, 0, BLOCK);
      if (n == 0 || isZeroBlock()) {
        return null;
      }
      if (n < BLOCK) {
        throw new EOFException("truncated tar header");
      }
      String name = string(0, 100);
      String prefix = string(345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      long size = octal(124, 12);
      char type = (char) header[156];
      long padding = (BLOCK - size % BLOCK) % BLOCK;
      switch (type) {
        case 'L' -> {
          // GNU long name: the data is the name of the next entry.
          longName = readString(size, padding).replace("\0", "");
        }
        case 'x' -> {
          String path = paxPath(readString(size, padding));
          if (path != null) {
            longName = path;
          }
        }
        case '0', '\0' -> {
          remainingInEntry = size;
          paddingAfterEntry = padding;
          return new Entry(longName != null ? longName : name, size);
        }
        default -> {
          skip(size + padding);
          longName = null;
        }
      }
    }
  }

  /** The current entry's bytes; reading past its end gives EOF. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        if (remainingInEntry == 0) {
          return -1;
        }
        int b = in.read();
        if (b < 0) {
          throw new EOFException("truncated tar entry");
        }
        remainingInEntry--;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remainingInEntry == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remainingInEntry));
        if (n < 0) {
          throw new EOFException("truncated tar entry");
        }
        remainingInEntry -= n;
        return n;
      }
    };
  }

  private String readString(long size, long padding) throws IOException {
    if (size > 1 << 20) {
      throw new IOException("implausible tar metadata entry of " + size + " bytes");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new EOFException("truncated tar metadata entry");
    }
    skip(padding);
    return new String(data, StandardCharsets.UTF_8);
  }

  private static String paxPath(String records) {
    // Records are "<length> <key>=<value>\n".
    for (String line : records.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && line.startsWith("path=", space + 1)) {
        return line.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("truncated tar archive");
        }
        skipped = 1;
      }
      n -= skipped;
    }
  }

  private boolean isZeroBlock() {
    for (byte b : header) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private String string(int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private long octal(int offset, int length) throws IOException {
    long value = 0;
    for (int i = offset; i < offset + length; i++) {
      byte b = header[i];
      if (b == 0 || b == ' ') {
        if (value > 0) {
          break;
        }
        continue;
      }
      if (b < '0' || b > '7') {
        throw new IOException("bad octal number in tar header");
      }
      value = value * 8 + (b - '0');
    }
    return value;
  }
}
