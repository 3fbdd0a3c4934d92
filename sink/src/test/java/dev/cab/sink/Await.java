package dev.cab.sink;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until a deadline: tests wait for results this way, never with a fixed sleep.
 */
public final class Await {
  private Await() {}

  public static final Duration DEFAULT = Duration.ofSeconds(60);

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /** Polls until the value satisfies the condition and returns it. */
  public static <T> T value(
      String what, Supplier<T> value, java.util.function.Predicate<T> condition) {
    Object[] last = new Object[1];
    until(
        what,
        () -> {
          T v = value.get();
          last[0] = v;
          return condition.test(v);
        });
    @SuppressWarnings("unchecked")
    T t = (T) last[0];
    return t;
  }
}
