package dev.cab.testing;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The byte mutations of the seeded fuzz tests: bit flips, byte changes, insertions of interesting
 * tokens and of the input's own chunks, deletions, truncations and splices with another seed. The
 * same random generator (fixed seed) gives the same inputs, so a failure names a reproducible input
 * index.
 */
public final class Mutator {
  private Mutator() {}

  /**
   * One to four mutations of a seed.
   *
   * @param seed the input to mutate (not changed)
   * @param others seeds to splice in
   * @param tokens byte strings worth inserting for the format (e.g. {@code [[[[}, {@code 1e999})
   */
  public static byte[] mutate(
      SplittableRandom r, byte[] seed, List<byte[]> others, List<byte[]> tokens) {
    byte[] b = seed.clone();
    for (int m = 1 + r.nextInt(4); m > 0; m--) {
      int op = r.nextInt(7);
      if (b.length == 0) {
        op = 1;
      }
      switch (op) {
        case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b = insert(b, r.nextInt(b.length + 1), tokens.get(r.nextInt(tokens.size())));
        case 2 -> {
          int from = r.nextInt(b.length);
          b = cut(b, from, Math.min(b.length - from, 1 + r.nextInt(16)));
        }
        case 3 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
        case 4 -> {
          int from = r.nextInt(b.length);
          int len = Math.min(b.length - from, 1 + r.nextInt(64));
          b = insert(b, r.nextInt(b.length + 1), Arrays.copyOfRange(b, from, from + len));
        }
        case 5 -> {
          if (!others.isEmpty()) {
            byte[] o = others.get(r.nextInt(others.size()));
            int at = r.nextInt(b.length);
            b =
                insert(
                    Arrays.copyOf(b, at), at, Arrays.copyOfRange(o, r.nextInt(o.length), o.length));
          }
        }
        default -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      }
    }
    return b;
  }

  /** {@code n} random bytes. */
  public static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  private static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(b, at, out, at + what.length, b.length - at);
    return out;
  }

  private static byte[] cut(byte[] b, int from, int len) {
    byte[] out = new byte[b.length - len];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(b, from + len, out, from, b.length - from - len);
    return out;
  }
}
