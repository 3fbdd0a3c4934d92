package dev.cab.embedded.clickhouse.internal.compression;

/**
 * CityHash128 as ClickHouse uses it for the checksum of a compressed block: Google's CityHash
 * <b>v1.0.2</b> (ClickHouse vendors that exact version as {@code CityHash_v1_0_2}; later CityHash
 * releases changed the function, so a "current" CityHash gives different checksums).
 *
 * <p>Stateless and thread-safe. Unsigned 64-bit arithmetic is done on {@code long}: addition,
 * subtraction, multiplication and xor are the same bit patterns, and every right shift is {@code
 * >>>}.
 */
public final class CityHash128 {

  private static final long K0 = 0xc3a5c85c97cb3127L;
  private static final long K1 = 0xb492b66fbe98f273L;
  private static final long K2 = 0x9ae16a3b2f90404fL;
  private static final long K3 = 0xc949d7c7509e6557L;
  private static final long K_MUL = 0x9ddfea08eb382d69L;

  private CityHash128() {}

  /** The 128-bit hash of {@code data[offset, offset+length)}: {@code {low64, high64}}. */
  public static long[] hash(byte[] data, int offset, int length) {
    if (length >= 16) {
      return withSeed(
          data, offset + 16, length - 16, fetch64(data, offset) ^ K3, fetch64(data, offset + 8));
    }
    if (length >= 8) {
      return withSeed(
          data,
          offset,
          0,
          fetch64(data, offset) ^ (length * K0),
          fetch64(data, offset + length - 8) ^ K1);
    }
    return withSeed(data, offset, length, K0, K1);
  }

  private static long[] withSeed(byte[] s, int pos, int len, long seedLow, long seedHigh) {
    if (len < 128) {
      return cityMurmur(s, pos, len, seedLow, seedHigh);
    }
    // Keep 56 bytes of state: v, w, x, y and z (the names of the reference implementation).
    long x = seedLow;
    long y = seedHigh;
    long z = len * K1;
    long v0 = Long.rotateRight(y ^ K1, 49) * K1 + fetch64(s, pos);
    long v1 = Long.rotateRight(v0, 42) * K1 + fetch64(s, pos + 8);
    long w0 = Long.rotateRight(y + z, 35) * K1 + x;
    long w1 = Long.rotateRight(x + fetch64(s, pos + 88), 53) * K1;
    long[] pair = new long[2];
    do {
      for (int half = 0; half < 2; half++) {
        x = Long.rotateRight(x + y + v0 + fetch64(s, pos + 16), 37) * K1;
        y = Long.rotateRight(y + v1 + fetch64(s, pos + 48), 42) * K1;
        x ^= w1;
        y ^= v0;
        z = Long.rotateRight(z ^ w0, 33);
        weakHashLen32WithSeeds(s, pos, v1 * K1, x + w0, pair);
        v0 = pair[0];
        v1 = pair[1];
        weakHashLen32WithSeeds(s, pos + 32, z + w1, y, pair);
        w0 = pair[0];
        w1 = pair[1];
        long swap = z;
        z = x;
        x = swap;
        pos += 64;
      }
      len -= 128;
    } while (len >= 128);
    y += Long.rotateRight(w0, 37) * K0 + z;
    x += Long.rotateRight(v0 + z, 49) * K0;
    // If 0 < len < 128, hash up to 4 chunks of 32 bytes each from the end of s.
    for (int tailDone = 0; tailDone < len; ) {
      tailDone += 32;
      y = Long.rotateRight(y - x, 42) * K0 + v1;
      w0 += fetch64(s, pos + len - tailDone + 16);
      x = Long.rotateRight(x, 49) * K0 + w0;
      w0 += v0;
      weakHashLen32WithSeeds(s, pos + len - tailDone, v0, v1, pair);
      v0 = pair[0];
      v1 = pair[1];
    }
    x = hashLen16(x, v0);
    y = hashLen16(y, w0);
    return new long[] {hashLen16(x + v1, w1) + y, hashLen16(x + w1, y + v1)};
  }

  private static long[] cityMurmur(byte[] s, int pos, int len, long seedLow, long seedHigh) {
    long a = seedLow;
    long b = seedHigh;
    long c;
    long d;
    int l = len - 16;
    if (l <= 0) {
      a = shiftMix(a * K1) * K1;
      c = b * K1 + hashLen0to16(s, pos, len);
      d = shiftMix(a + (len >= 8 ? fetch64(s, pos) : c));
    } else {
      c = hashLen16(fetch64(s, pos + len - 8) + K1, a);
      d = hashLen16(b + len, c + fetch64(s, pos + len - 16));
      a += d;
      do {
        a ^= shiftMix(fetch64(s, pos) * K1) * K1;
        a *= K1;
        b ^= a;
        c ^= shiftMix(fetch64(s, pos + 8) * K1) * K1;
        c *= K1;
        d ^= c;
        pos += 16;
        l -= 16;
      } while (l > 0);
    }
    a = hashLen16(a, c);
    b = hashLen16(d, b);
    return new long[] {a ^ b, hashLen16(b, a)};
  }

  private static long hashLen0to16(byte[] s, int pos, int len) {
    if (len > 8) {
      long a = fetch64(s, pos);
      long b = fetch64(s, pos + len - 8);
      // RotateByAtLeast1(b + len, len): len is 9..16 here, so a plain rotation.
      return hashLen16(a, Long.rotateRight(b + len, len)) ^ b;
    }
    if (len >= 4) {
      long a = fetch32(s, pos);
      return hashLen16(len + (a << 3), fetch32(s, pos + len - 4));
    }
    if (len > 0) {
      int a = s[pos] & 0xff;
      int b = s[pos + (len >>> 1)] & 0xff;
      int c = s[pos + len - 1] & 0xff;
      long y = (a + (b << 8)) & 0xffffffffL;
      long z = (len + (c << 2)) & 0xffffffffL;
      return shiftMix(y * K2 ^ z * K3) * K2;
    }
    return K2;
  }

  private static void weakHashLen32WithSeeds(byte[] s, int pos, long a, long b, long[] out) {
    long w = fetch64(s, pos);
    long x = fetch64(s, pos + 8);
    long y = fetch64(s, pos + 16);
    long z = fetch64(s, pos + 24);
    a += w;
    b = Long.rotateRight(b + a + z, 21);
    long c = a;
    a += x;
    a += y;
    b += Long.rotateRight(a, 44);
    out[0] = a + z;
    out[1] = b + c;
  }

  private static long hashLen16(long u, long v) {
    // Hash128to64 of the pair (low = u, high = v): Murmur-inspired.
    long a = (u ^ v) * K_MUL;
    a ^= a >>> 47;
    long b = (v ^ a) * K_MUL;
    b ^= b >>> 47;
    return b * K_MUL;
  }

  private static long shiftMix(long val) {
    return val ^ (val >>> 47);
  }

  private static long fetch64(byte[] s, int pos) {
    return (s[pos] & 0xffL)
        | (s[pos + 1] & 0xffL) << 8
        | (s[pos + 2] & 0xffL) << 16
        | (s[pos + 3] & 0xffL) << 24
        | (s[pos + 4] & 0xffL) << 32
        | (s[pos + 5] & 0xffL) << 40
        | (s[pos + 6] & 0xffL) << 48
        | (s[pos + 7] & 0xffL) << 56;
  }

  private static long fetch32(byte[] s, int pos) {
    return (s[pos] & 0xffL)
        | (s[pos + 1] & 0xffL) << 8
        | (s[pos + 2] & 0xffL) << 16
        | (s[pos + 3] & 0xffL) << 24;
  }
}
