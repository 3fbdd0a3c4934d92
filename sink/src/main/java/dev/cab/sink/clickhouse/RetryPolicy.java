package dev.cab.sink.clickhouse;

import java.time.Duration;

/**
 * Bounded exponential back-off: {@code initial}, doubling up to {@code max}; a batch is retried
 * until {@code timeout} has passed since its first failure ({@link Duration#ZERO}: for ever).
 *
 * @param initial first wait
 * @param max longest wait
 * @param timeout how long one batch may keep failing before the sink gives up
 */
public record RetryPolicy(Duration initial, Duration max, Duration timeout) {

  /** The wait before retry number {@code attempt} (1 = first retry). */
  public Duration backoff(int attempt) {
    long ms = initial.toMillis();
    for (int i = 1; i < attempt && ms < max.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, max.toMillis()));
  }

  /** Whether retrying for {@code elapsed} already is enough. */
  public boolean exhausted(Duration elapsed) {
    return !timeout.isZero() && elapsed.compareTo(timeout) >= 0;
  }
}
