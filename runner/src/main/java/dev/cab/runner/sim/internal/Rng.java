package dev.cab.runner.sim.internal;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded random streams keyed by name, so each cell (and each aspect of a cell) draws from its own
 * stream: results do not depend on which thread generates which cell, or in what order. Not API.
 */
public final class Rng {
  private final SplittableRandom random;

  private Rng(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The stream for {@code key} under {@code seed}. */
  public static Rng of(long seed, String key) {
    return new Rng(mix(seed ^ fnv1a(key)));
  }

  public double nextDouble() {
    return random.nextDouble();
  }

  /** Uniform in [lo, hi). */
  public double uniform(double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** Uniform in [lo, hi]. */
  public int between(int lo, int hi) {
    return lo + random.nextInt(hi - lo + 1);
  }

  public boolean chance(double p) {
    return random.nextDouble() < p;
  }

  public double gaussian() {
    return random.nextGaussian();
  }

  /** Log-normal with this median and shape. */
  public double logNormal(double median, double sigma) {
    return median * Math.exp(sigma * random.nextGaussian());
  }

  /** Pareto with scale {@code xm} and tail index {@code alpha}: heavy-tailed, at least xm. */
  public double pareto(double xm, double alpha) {
    return xm / Math.pow(1 - random.nextDouble(), 1 / alpha);
  }

  /** {@code hexChars} lower-case hex characters, never all zero. */
  public String hex(int hexChars) {
    StringBuilder sb = new StringBuilder(hexChars);
    while (sb.length() < hexChars) {
      sb.append(String.format("%016x", random.nextLong()));
    }
    String id = sb.substring(0, hexChars);
    return id.chars().allMatch(c -> c == '0') ? "1" + id.substring(1) : id;
  }

  /** {@code n} characters of [a-z0-9]. */
  public String base36(int n) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Stable 64-bit hash of a string. */
  public static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
