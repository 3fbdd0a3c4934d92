package dev.cab.cli.faults;

import dev.cab.testing.Await;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * How the suite's runner hands a batch of spans or scorer events to the OTLP exporter (one instance
 * per signal, around the exporter's {@code export}). Thread-safe.
 *
 * <ul>
 *   <li>Resending: what a runner that must lose nothing does on top of the exporter's own retries
 *       (five attempts within seconds, then the batch is dropped): a batch whose export failed is
 *       sent again with back-off until it is acknowledged or {@code giveUpAfter} passes.
 *   <li>Unruly ({@link Policy#unruly}): a misbehaving network or fleet: every batch goes out as two
 *       requests, its second half first, and a copy of every second batch is sent again a second
 *       later, after newer batches: duplicated and reordered deliveries.
 * </ul>
 */
public final class Delivery<T> {
  /** What the runner does. */
  public record Policy(Duration giveUpAfter, boolean unruly) {
    /** Resends for two minutes; delivers in order, once. */
    public static Policy resending() {
      return new Policy(Duration.ofMinutes(2), false);
    }

    /** Resends, and splits, reorders and duplicates every delivery. */
    static Policy unrulyResending() {
      return new Policy(Duration.ofMinutes(2), true);
    }
  }

  private static final ScheduledExecutorService SCHEDULER =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("fault-delivery").unstarted(r));

  private final Function<Collection<T>, CompletableResultCode> exporter;
  private final Policy policy;
  private final AtomicLong items = new AtomicLong();
  private final AtomicLong resentItems = new AtomicLong();
  private final AtomicLong duplicatedItems = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicInteger pendingCopies = new AtomicInteger();

  Delivery(Function<Collection<T>, CompletableResultCode> exporter, Policy policy) {
    this.exporter = exporter;
    this.policy = policy;
  }

  /** Delivers one batch the SDK handed over; the result says whether it was acknowledged. */
  CompletableResultCode send(Collection<T> batch) {
    items.addAndGet(batch.size());
    if (!policy.unruly()) {
      return resending(List.copyOf(batch));
    }
    List<T> list = List.copyOf(batch);
    List<T> first = list.subList(0, list.size() / 2);
    List<T> second = list.subList(list.size() / 2, list.size());
    if (batches.incrementAndGet() % 2 == 0) {
      pendingCopies.incrementAndGet();
      duplicatedItems.addAndGet(list.size());
      SCHEDULER.schedule(
          () -> resending(list).whenComplete(pendingCopies::decrementAndGet), 1, TimeUnit.SECONDS);
    }
    CompletableResultCode result = new CompletableResultCode();
    CompletableResultCode later = resending(second);
    later.whenComplete(
        () -> {
          CompletableResultCode earlier =
              first.isEmpty() ? CompletableResultCode.ofSuccess() : resending(first);
          earlier.whenComplete(
              () -> {
                if (later.isSuccess() && earlier.isSuccess()) {
                  result.succeed();
                } else {
                  result.fail();
                }
              });
        });
    return result;
  }

  private CompletableResultCode resending(List<T> batch) {
    CompletableResultCode result = new CompletableResultCode();
    attempt(batch, result, System.nanoTime() + policy.giveUpAfter().toNanos(), 250);
    return result;
  }

  private void attempt(List<T> batch, CompletableResultCode result, long deadline, long backoff) {
    CompletableResultCode r;
    try {
      r = exporter.apply(batch);
    } catch (RuntimeException e) {
      r = CompletableResultCode.ofFailure();
    }
    CompletableResultCode attempt = r;
    attempt.whenComplete(
        () -> {
          if (attempt.isSuccess()) {
            result.succeed();
          } else if (System.nanoTime() > deadline) {
            result.fail();
          } else {
            resentItems.addAndGet(batch.size());
            SCHEDULER.schedule(
                () -> attempt(batch, result, deadline, Math.min(backoff * 2, 2000)),
                backoff,
                TimeUnit.MILLISECONDS);
          }
        });
  }

  /** Items the SDK handed over. */
  long items() {
    return items.get();
  }

  /** Items sent again after a failed export. */
  long resentItems() {
    return resentItems.get();
  }

  /** Items sent a second time on purpose (unruly). */
  long duplicatedItems() {
    return duplicatedItems.get();
  }

  /** Waits until every delayed copy was sent. */
  void awaitCopiesSent(Duration timeout) {
    Await.until("the duplicated deliveries to be sent", timeout, () -> pendingCopies.get() == 0);
  }
}
