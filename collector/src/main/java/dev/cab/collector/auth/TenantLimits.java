package dev.cab.collector.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-tenant request-rate and byte-rate limits: two token buckets per tenant, each holding one
 * second of its rate (a burst of that size passes, then the rate holds). A request over either
 * limit is refused with the number of seconds after which it would pass ({@code Retry-After}). A
 * rate of 0 means no limit. Thread-safe.
 */
public final class TenantLimits {
  private final double requestsPerSecond;
  private final double bytesPerSecond;
  private final long maxRequestBytes;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Buckets> buckets = new ConcurrentHashMap<>();

  /**
   * @param requestsPerSecond per tenant; 0 = unlimited
   * @param bytesPerSecond request bytes per tenant; 0 = unlimited
   * @param maxRequestBytes the largest request, so that one always fits in a full byte bucket
   * @param nanoTime the clock ({@code System::nanoTime})
   */
  public TenantLimits(
      double requestsPerSecond,
      double bytesPerSecond,
      long maxRequestBytes,
      LongSupplier nanoTime) {
    this.requestsPerSecond = requestsPerSecond;
    this.bytesPerSecond = bytesPerSecond;
    this.maxRequestBytes = maxRequestBytes;
    this.nanoTime = nanoTime;
  }

  /** No limits. */
  public static TenantLimits none() {
    return new TenantLimits(0, 0, 0, System::nanoTime);
  }

  /**
   * Takes one request from the tenant's request bucket.
   *
   * @return 0 when admitted, else the seconds to wait before retrying
   */
  public long admitRequest(Tenant tenant) {
    if (requestsPerSecond <= 0) {
      return 0;
    }
    return of(tenant).requests.take(1);
  }

  /**
   * Takes a request's bytes from the tenant's byte bucket.
   *
   * @return 0 when admitted, else the seconds to wait before retrying
   */
  public long admitBytes(Tenant tenant, long bytes) {
    if (bytesPerSecond <= 0) {
      return 0;
    }
    return of(tenant).bytes.take(bytes);
  }

  private Buckets of(Tenant tenant) {
    return buckets.computeIfAbsent(
        tenant.name(),
        n ->
            new Buckets(
                new Bucket(requestsPerSecond, Math.max(1, requestsPerSecond)),
                new Bucket(bytesPerSecond, Math.max(bytesPerSecond, maxRequestBytes))));
  }

  private record Buckets(Bucket requests, Bucket bytes) {}

  /** A token bucket; synchronized per tenant, never across tenants. */
  private final class Bucket {
    private final double rate;
    private final double capacity;
    private double level;
    private long last;

    Bucket(double rate, double capacity) {
      this.rate = rate;
      this.capacity = capacity;
      this.level = capacity;
      this.last = nanoTime.getAsLong();
    }

    synchronized long take(double amount) {
      long now = nanoTime.getAsLong();
      level = Math.min(capacity, level + rate * (now - last) / TimeUnit.SECONDS.toNanos(1));
      last = now;
      if (level >= amount) {
        level -= amount;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((amount - level) / rate));
    }
  }
}
