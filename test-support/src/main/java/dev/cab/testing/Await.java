package dev.cab.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Polls a condition until it holds or a deadline passes: the one way tests wait for an asynchronous
 * result (never a fixed sleep). Built on Awaitility; a miss fails with an {@link AssertionError}
 * that names what was awaited, the timeout and, when given, the last state seen.
 */
public final class Await {
  /** The default deadline: generous, because CI shares two cores with other builds. */
  public static final Duration DEFAULT = Duration.ofSeconds(60);

  private static final Duration INTERVAL = Duration.ofMillis(50);

  private Await() {}

  /** Waits up to {@link #DEFAULT} until {@code condition} holds. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  /** Waits up to {@code timeout} until {@code condition} holds. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /** As {@link #until(String, Duration, BooleanSupplier)}, describing the state on failure. */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    until(what, timeout, INTERVAL, condition, state);
  }

  /** As above, polling every {@code interval}: for conditions that cost a query or a client. */
  public static void until(
      String what,
      Duration timeout,
      Duration interval,
      BooleanSupplier condition,
      Supplier<String> state) {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(interval)
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Not true within " + timeout + ": " + what + " " + state.get(), e);
    }
  }

  /**
   * Polls {@code value} up to {@link #DEFAULT} until it satisfies {@code condition}; returns it.
   */
  public static <T> T value(String what, Supplier<T> value, Predicate<T> condition) {
    AtomicReference<T> last = new AtomicReference<>();
    until(
        what,
        DEFAULT,
        () -> {
          T v = value.get();
          last.set(v);
          return condition.test(v);
        },
        () -> "(last value: " + last.get() + ")");
    return last.get();
  }
}
