package dev.cab.embedded.clickhouse.internal.compression;

import java.io.IOException;
import java.io.InputStream;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Reads ClickHouse's native compressed-block framing ({@code decompress=1} on the HTTP interface):
 * see {@link CompressedBlockOutputStream} for the layout. Accepts method {@code 0x82} (LZ4) and
 * {@code 0x02} (stored); verifies each block's CityHash128 checksum unless told not to (the {@code
 * http_native_compression_disable_checksumming_on_decompress} setting).
 *
 * <p>A corrupt stream fails with a {@link CorruptedBlockException} carrying the ClickHouse error
 * code a real server would report. Not thread-safe.
 */
public final class CompressedBlockInputStream extends InputStream {

  /** ClickHouse's DBMS_MAX_COMPRESSED_SIZE: larger blocks are rejected before allocating. */
  static final int MAX_BLOCK_BYTES = 1 << 30;

  static final byte METHOD_NONE = (byte) 0x02;
  static final byte METHOD_ZSTD = (byte) 0x90;

  private static final int FRAME_HEADER_BYTES =
      CompressedBlockOutputStream.CHECKSUM_BYTES + CompressedBlockOutputStream.HEADER_BYTES;

  private final InputStream in;
  private final boolean verifyChecksums;
  private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();
  private final byte[] header = new byte[FRAME_HEADER_BYTES];
  private byte[] compressed = new byte[0];
  private byte[] block = new byte[0];
  private int blockLength;
  private int position;
  private boolean eof;

  public CompressedBlockInputStream(InputStream in, boolean verifyChecksums) {
    this.in = in;
    this.verifyChecksums = verifyChecksums;
  }

  @Override
  public int read() throws IOException {
    if (!ensureData()) {
      return -1;
    }
    return block[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!ensureData()) {
      return -1;
    }
    int n = Math.min(len, blockLength - position);
    System.arraycopy(block, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private boolean ensureData() throws IOException {
    while (position == blockLength) {
      if (eof || !readBlock()) {
        eof = true;
        return false;
      }
    }
    return true;
  }

  private boolean readBlock() throws IOException {
    int first = in.readNBytes(header, 0, FRAME_HEADER_BYTES);
    if (first == 0) {
      return false;
    }
    if (first < FRAME_HEADER_BYTES) {
      throw new CorruptedBlockException(
          CorruptedBlockException.CANNOT_READ_ALL_DATA,
          "Cannot read all data: a compressed block header ends after " + first + " bytes");
    }
    byte method = header[16];
    int sizeWithHeader = intLe(header, 17);
    int uncompressedSize = intLe(header, 21);
    if (method != CompressedBlockOutputStream.METHOD_LZ4 && method != METHOD_NONE) {
      throw new CorruptedBlockException(
          CorruptedBlockException.UNKNOWN_COMPRESSION_METHOD,
          String.format(
              "Unknown compression method 0x%02x%s",
              method & 0xff,
              method == METHOD_ZSTD ? " (ZSTD is not supported here: use LZ4)" : ""));
    }
    if (sizeWithHeader < CompressedBlockOutputStream.HEADER_BYTES
        || sizeWithHeader > MAX_BLOCK_BYTES
        || uncompressedSize < 0
        || uncompressedSize > MAX_BLOCK_BYTES) {
      throw new CorruptedBlockException(
          CorruptedBlockException.TOO_LARGE_SIZE_COMPRESSED,
          "Too large size_compressed: "
              + Integer.toUnsignedString(sizeWithHeader)
              + " or size_decompressed: "
              + Integer.toUnsignedString(uncompressedSize)
              + ". Most likely corrupted data.");
    }
    int dataBytes = sizeWithHeader - CompressedBlockOutputStream.HEADER_BYTES;
    int needed = CompressedBlockOutputStream.HEADER_BYTES + dataBytes;
    if (compressed.length < needed) {
      compressed = new byte[needed];
    }
    System.arraycopy(header, 16, compressed, 0, CompressedBlockOutputStream.HEADER_BYTES);
    int got = in.readNBytes(compressed, CompressedBlockOutputStream.HEADER_BYTES, dataBytes);
    if (got < dataBytes) {
      throw new CorruptedBlockException(
          CorruptedBlockException.CANNOT_READ_ALL_DATA,
          "Cannot read all data: the compressed block ends after "
              + got
              + " of "
              + dataBytes
              + " bytes");
    }
    if (verifyChecksums) {
      long[] expected = CityHash128.hash(compressed, 0, sizeWithHeader);
      long low = longLe(header, 0);
      long high = longLe(header, 8);
      if (low != expected[0] || high != expected[1]) {
        throw new CorruptedBlockException(
            CorruptedBlockException.CHECKSUM_DOESNT_MATCH,
            String.format(
                "Checksum doesn't match: corrupted data. Reference: %016x%016x. Actual: %016x%016x."
                    + " Size of compressed block: %d",
                high, low, expected[1], expected[0], sizeWithHeader));
      }
    }
    if (block.length < uncompressedSize) {
      block = new byte[uncompressedSize];
    }
    if (method == METHOD_NONE) {
      if (dataBytes != uncompressedSize) {
        throw new CorruptedBlockException(
            CorruptedBlockException.CANNOT_DECOMPRESS,
            "Cannot decompress: a stored block of "
                + dataBytes
                + " bytes claims "
                + uncompressedSize);
      }
      System.arraycopy(compressed, CompressedBlockOutputStream.HEADER_BYTES, block, 0, dataBytes);
    } else {
      try {
        int n =
            decompressor.decompress(
                compressed,
                CompressedBlockOutputStream.HEADER_BYTES,
                dataBytes,
                block,
                0,
                uncompressedSize);
        if (n != uncompressedSize) {
          throw new CorruptedBlockException(
              CorruptedBlockException.CANNOT_DECOMPRESS,
              "Cannot decompress: LZ4 block gave " + n + " bytes, header says " + uncompressedSize);
        }
      } catch (LZ4Exception e) {
        throw new CorruptedBlockException(
            CorruptedBlockException.CANNOT_DECOMPRESS, "Cannot decompress: " + e.getMessage(), e);
      }
    }
    blockLength = uncompressedSize;
    position = 0;
    return true;
  }

  private static int intLe(byte[] b, int pos) {
    return (b[pos] & 0xff)
        | (b[pos + 1] & 0xff) << 8
        | (b[pos + 2] & 0xff) << 16
        | (b[pos + 3] & 0xff) << 24;
  }

  private static long longLe(byte[] b, int pos) {
    return (intLe(b, pos) & 0xffffffffL) | ((long) intLe(b, pos + 4)) << 32;
  }
}
