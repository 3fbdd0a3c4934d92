package dev.cab.embedded.clickhouse.internal.compression;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.data.ClickHouseCityHash;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// ClickHouseCityHash is deprecated with the v1 client, and is still the reference we check against.
@SuppressWarnings("deprecation")
class CityHash128Test {

  @Test
  void matchesClickHouseJavaClientsCityHashForEveryLengthUpTo1024() {
    // clickhouse-data's ClickHouseCityHash is the implementation the v1 Java client checks real
    // servers' blocks with: agreeing with it on every code path (0..16, 17..127, 128+ bytes with
    // all tail sizes) means agreeing with ClickHouse's CityHash_v1_0_2.
    SplittableRandom random = new SplittableRandom(42);
    byte[] data = new byte[1024 + 64];
    random.nextBytes(data);
    for (int length = 0; length <= 1024; length++) {
      for (int offset : new int[] {0, 7}) {
        long[] expected = ClickHouseCityHash.cityHash128(data, offset, length);
        assertThat(CityHash128.hash(data, offset, length))
            .as("length %d offset %d", length, offset)
            .containsExactly(expected[0], expected[1]);
      }
    }
  }

  @Test
  void matchesReferenceOnLargeBlocks() {
    SplittableRandom random = new SplittableRandom(7);
    for (int length : new int[] {4096, 65_537, 1 << 20}) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      long[] expected = ClickHouseCityHash.cityHash128(data, 0, length);
      assertThat(CityHash128.hash(data, 0, length)).containsExactly(expected[0], expected[1]);
    }
  }

  @Test
  void matchesPinnedVectors() {
    // {low64, high64}; the empty string's value is the one in CityHash v1.0.x's own test data.
    assertThat(CityHash128.hash(new byte[0], 0, 0))
        .containsExactly(0x3df09dfc64c09a2bL, 0x3cb540c392e51e29L);
    assertThat(CityHash128.hash(bytes("abc"), 0, 3))
        .containsExactly(0x900ff195577748feL, 0x13a9176355b20d7eL);
    assertThat(CityHash128.hash(bytes("ClickHouse"), 0, 10))
        .containsExactly(0x3704cc81c00bb612L, 0x76d43ac4baf91402L);
    byte[] long138 = bytes("0123456789abcdef".repeat(8) + "0123456789");
    assertThat(CityHash128.hash(long138, 0, long138.length))
        .containsExactly(0xa4005ea4155d6c6fL, 0x5bed91107deb57b0L);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
