package dev.cab.embedded.clickhouse.internal.compression;

import java.io.IOException;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Writes ClickHouse's native compressed-block framing ({@code compress=1} on the HTTP interface):
 * each block is a 16-byte CityHash128 v1.0.2 checksum of what follows, then method {@code 0x82}
 * (LZ4), the compressed size including the 9-byte header and the uncompressed size (both UInt32
 * little-endian), then one raw LZ4 block.
 *
 * <p>Blocks hold at most {@value #MAX_BLOCK_BYTES} uncompressed bytes, the server's default buffer
 * size. {@link #flush()} ends the current block. Not thread-safe.
 */
public final class CompressedBlockOutputStream extends OutputStream {

  /** ClickHouse's DBMS_DEFAULT_BUFFER_SIZE: what a real server puts in one block. */
  public static final int MAX_BLOCK_BYTES = 1 << 20;

  static final int CHECKSUM_BYTES = 16;
  static final int HEADER_BYTES = 9;
  static final byte METHOD_LZ4 = (byte) 0x82;

  private final OutputStream out;
  private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
  private final byte[] block;
  private final byte[] frame;
  private int used;
  private boolean closed;

  public CompressedBlockOutputStream(OutputStream out) {
    this(out, MAX_BLOCK_BYTES);
  }

  CompressedBlockOutputStream(OutputStream out, int blockBytes) {
    this.out = out;
    this.block = new byte[blockBytes];
    this.frame =
        new byte[CHECKSUM_BYTES + HEADER_BYTES + compressor.maxCompressedLength(blockBytes)];
  }

  @Override
  public void write(int b) throws IOException {
    if (used == block.length) {
      writeBlock();
    }
    block[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (used == block.length) {
        writeBlock();
      }
      int n = Math.min(len, block.length - used);
      System.arraycopy(b, off, block, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void flush() throws IOException {
    writeBlock();
    out.flush();
  }

  /** Writes the last block and closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (out) {
      writeBlock();
    }
  }

  private void writeBlock() throws IOException {
    if (used == 0) {
      return;
    }
    int compressed =
        compressor.compress(
            block,
            0,
            used,
            frame,
            CHECKSUM_BYTES + HEADER_BYTES,
            frame.length - CHECKSUM_BYTES - HEADER_BYTES);
    int sizeWithHeader = compressed + HEADER_BYTES;
    frame[CHECKSUM_BYTES] = METHOD_LZ4;
    putIntLe(frame, CHECKSUM_BYTES + 1, sizeWithHeader);
    putIntLe(frame, CHECKSUM_BYTES + 5, used);
    long[] checksum = CityHash128.hash(frame, CHECKSUM_BYTES, sizeWithHeader);
    putLongLe(frame, 0, checksum[0]);
    putLongLe(frame, 8, checksum[1]);
    out.write(frame, 0, CHECKSUM_BYTES + sizeWithHeader);
    used = 0;
  }

  static void putIntLe(byte[] b, int pos, int v) {
    b[pos] = (byte) v;
    b[pos + 1] = (byte) (v >>> 8);
    b[pos + 2] = (byte) (v >>> 16);
    b[pos + 3] = (byte) (v >>> 24);
  }

  static void putLongLe(byte[] b, int pos, long v) {
    for (int i = 0; i < 8; i++) {
      b[pos + i] = (byte) (v >>> (8 * i));
    }
  }
}
