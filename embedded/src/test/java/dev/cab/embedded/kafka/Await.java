package dev.cab.embedded.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the tests' only way to wait. */
final class Await {

  private static final Duration INTERVAL = Duration.ofMillis(100);

  private Await() {}

  /** Waits until {@code condition} holds; fails with {@code what} and the last state otherwise. */
  static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /** As {@link #until(String, Duration, BooleanSupplier)}, describing the state on failure. */
  static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Not true within " + timeout + ": " + what + " " + state.get());
      }
      try {
        Thread.sleep(INTERVAL); // between polls of a condition, not in place of one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for " + what, e);
      }
    }
  }
}
