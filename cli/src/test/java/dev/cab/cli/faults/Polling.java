package dev.cab.cli.faults;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition with a deadline, never a fixed sleep. */
final class Polling {
  private static final long INTERVAL_MS = 250;

  private Polling() {}

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws AssertionError naming {@code what} when {@code timeout} passes first
   */
  static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.get());
      }
      pause(INTERVAL_MS);
    }
  }

  /** The pause between two polls. */
  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while polling", e);
    }
  }
}
