package dev.cab.embedded.clickhouse.internal.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.internal.CompressedBlockInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

class CompressedBlockStreamsTest {

  @Test
  void roundTripsDataSpanningSeveralBlocks() throws IOException {
    byte[] data = compressibleData(3 * CompressedBlockOutputStream.MAX_BLOCK_BYTES + 12345);

    byte[] framed = compress(data);

    assertThat(framed.length).isLessThan(data.length);
    assertThat(decompress(framed, true)).isEqualTo(data);
  }

  @Test
  void writesBlocksThatClickHouseJavaClientReads() throws IOException {
    byte[] data = compressibleData(2_500_000);

    byte[] framed = compress(data);

    try (InputStream in =
        new CompressedBlockInputStream(
            new ByteArrayInputStream(framed),
            LZ4Factory.fastestInstance().fastDecompressor(),
            CompressedBlockOutputStream.MAX_BLOCK_BYTES)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void readsBlocksThatClickHouseJavaClientWrites() throws IOException {
    byte[] data = compressibleData(2_500_000);
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    try (var out =
        new com.clickhouse.client.api.internal.CompressedBlockOutputStream.LZ4OutputStream(
            framed, LZ4Factory.fastestInstance().fastCompressor(), 65536)) {
      out.write(data);
    }

    assertThat(decompress(framed.toByteArray(), true)).isEqualTo(data);
  }

  @Test
  void eachBlockStartsWithTheCityHash128OfMethodSizesAndPayload() throws IOException {
    byte[] framed = compress("SELECT 1".getBytes());

    assertThat(framed[16]).isEqualTo((byte) 0x82);
    int sizeWithHeader = littleEndianInt(framed, 17);
    assertThat(littleEndianInt(framed, 21)).isEqualTo(8);
    assertThat(framed.length).isEqualTo(16 + sizeWithHeader);
    long[] hash = CityHash128.hash(framed, 16, sizeWithHeader);
    assertThat(littleEndianLong(framed, 0)).isEqualTo(hash[0]);
    assertThat(littleEndianLong(framed, 8)).isEqualTo(hash[1]);
  }

  @Test
  void rejectsACorruptedChecksumWithClickHouseCode40() throws IOException {
    byte[] framed = compress(compressibleData(10_000));
    framed[3] ^= 1;

    assertThatThrownBy(() -> decompress(framed, true))
        .isInstanceOf(CorruptedBlockException.class)
        .hasMessageContaining("Checksum doesn't match")
        .extracting(e -> ((CorruptedBlockException) e).errorCode())
        .isEqualTo(40);
  }

  @Test
  void skipsChecksumsWhenTold() throws IOException {
    byte[] data = compressibleData(10_000);
    byte[] framed = compress(data);
    framed[3] ^= 1;

    assertThat(decompress(framed, false)).isEqualTo(data);
  }

  @Test
  void rejectsZstdBlocksWithUnknownCompressionMethod() throws IOException {
    byte[] framed = compress(compressibleData(100));
    framed[16] = (byte) 0x90;

    assertThatThrownBy(() -> decompress(framed, false))
        .isInstanceOf(CorruptedBlockException.class)
        .extracting(e -> ((CorruptedBlockException) e).errorCode())
        .isEqualTo(89);
  }

  @Test
  void rejectsATruncatedBlock() throws IOException {
    byte[] framed = compress(compressibleData(10_000));

    assertThatThrownBy(() -> decompress(Arrays.copyOf(framed, framed.length - 5), true))
        .isInstanceOf(CorruptedBlockException.class)
        .extracting(e -> ((CorruptedBlockException) e).errorCode())
        .isEqualTo(33);
  }

  @Test
  void rejectsGarbage() {
    byte[] garbage = "this is not a compressed block at all, just text".getBytes();

    assertThatThrownBy(() -> decompress(garbage, true)).isInstanceOf(CorruptedBlockException.class);
  }

  @Test
  void readsStoredBlocks() throws IOException {
    byte[] payload = "hello".getBytes();
    byte[] block = new byte[16 + 9 + payload.length];
    block[16] = 0x02;
    CompressedBlockOutputStream.putIntLe(block, 17, 9 + payload.length);
    CompressedBlockOutputStream.putIntLe(block, 21, payload.length);
    System.arraycopy(payload, 0, block, 25, payload.length);
    long[] hash = CityHash128.hash(block, 16, 9 + payload.length);
    CompressedBlockOutputStream.putLongLe(block, 0, hash[0]);
    CompressedBlockOutputStream.putLongLe(block, 8, hash[1]);

    assertThat(decompress(block, true)).isEqualTo(payload);
  }

  @Test
  void writesNothingForAnEmptyStream() throws IOException {
    assertThat(compress(new byte[0])).isEmpty();
    assertThat(decompress(new byte[0], true)).isEmpty();
  }

  private static byte[] compress(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CompressedBlockOutputStream compressed = new CompressedBlockOutputStream(out)) {
      // Uneven writes exercise block boundaries.
      int offset = 0;
      int step = 1;
      while (offset < data.length) {
        int n = Math.min(step, data.length - offset);
        compressed.write(data, offset, n);
        offset += n;
        step = step * 3 + 1;
      }
    }
    return out.toByteArray();
  }

  private static byte[] decompress(byte[] framed, boolean verify) throws IOException {
    try (InputStream in =
        new dev.cab.embedded.clickhouse.internal.compression.CompressedBlockInputStream(
            new ByteArrayInputStream(framed), verify)) {
      return in.readAllBytes();
    }
  }

  private static byte[] compressibleData(int length) {
    SplittableRandom random = new SplittableRandom(length);
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) ('a' + random.nextInt(6));
    }
    return data;
  }

  private static int littleEndianInt(byte[] b, int pos) {
    return (b[pos] & 0xff)
        | (b[pos + 1] & 0xff) << 8
        | (b[pos + 2] & 0xff) << 16
        | (b[pos + 3] & 0xff) << 24;
  }

  private static long littleEndianLong(byte[] b, int pos) {
    return (littleEndianInt(b, pos) & 0xffffffffL) | ((long) littleEndianInt(b, pos + 4)) << 32;
  }
}
