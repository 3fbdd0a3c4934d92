package dev.cab.runner.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a batch again, with back-off, when its export failed, until it is acknowledged or {@code
 * resendFor} has passed since it was first handed over. It sits on top of the OTLP exporter's own
 * retries (at most five attempts within a few seconds, the limit the SDK's {@code RetryPolicy}
 * enforces), so a collector restart or a Kafka outage of a minute loses nothing: the collector
 * answers 200 only after Kafka acknowledged, and re-sent items collapse downstream (a span by its
 * ids, a scorer event by its content). Zero turns it off. Thread-safe. Not API.
 *
 * @param <T> the item exported: a span or a log record
 */
public final class Resender<T> {
  private static final Logger LOG = Logger.getLogger(Resender.class.getName());
  private static final long FIRST_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** One daemon thread for every telemetry of the process: it only schedules the next attempt. */
  private static final ScheduledExecutorService SCHEDULER =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("cab-runner-resend").unstarted(r));

  private final Function<Collection<T>, CompletableResultCode> export;
  private final long resendForNanos;
  private final String signal;
  private final Set<CompletableResultCode> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicLong resentItems = new AtomicLong();

  /**
   * @param export one attempt of the underlying exporter
   * @param resendFor how long after a batch was handed over it may still be sent again; zero sends
   *     each batch once (the exporter's own retries only)
   * @param signal {@code spans} or {@code scorer events}, for the log line
   */
  public Resender(
      Function<Collection<T>, CompletableResultCode> export, Duration resendFor, String signal) {
    if (resendFor.isNegative()) {
      throw new IllegalArgumentException("resendFor must not be negative, got " + resendFor);
    }
    this.export = export;
    this.resendForNanos = resendFor.toNanos();
    this.signal = signal;
  }

  /**
   * Exports one batch the SDK handed over; the result completes when it is acknowledged or lost.
   */
  public CompletableResultCode export(Collection<T> batch) {
    if (resendForNanos == 0) {
      return export.apply(batch);
    }
    // The batch processor clears its list once export returns: keep a copy for the next attempts.
    List<T> items = List.copyOf(batch);
    CompletableResultCode result = new CompletableResultCode();
    inFlight.add(result);
    result.whenComplete(() -> inFlight.remove(result));
    attempt(items, result, System.nanoTime() + resendForNanos, FIRST_BACKOFF_MS);
    return result;
  }

  private void attempt(List<T> items, CompletableResultCode result, long deadline, long backoffMs) {
    CompletableResultCode attempt;
    try {
      attempt = export.apply(items);
    } catch (RuntimeException e) {
      attempt = CompletableResultCode.ofExceptionalFailure(e);
    }
    CompletableResultCode done = attempt;
    done.whenComplete(
        () -> {
          if (done.isSuccess()) {
            result.succeed();
            return;
          }
          long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
          if (next - deadline > 0) {
            LOG.log(
                Level.WARNING,
                "cab-runner: {0} {1} not exported: the endpoint did not acknowledge them within"
                    + " the resend window (cab.export.resend.for)",
                new Object[] {items.size(), signal});
            result.fail();
            return;
          }
          if (resentItems.getAndAdd(items.size()) == 0) {
            LOG.log(
                Level.WARNING,
                "cab-runner: export of {0} {1} failed; sending them again with back-off until the"
                    + " endpoint acknowledges them (cab.export.resend.for)",
                new Object[] {items.size(), signal});
          }
          SCHEDULER.schedule(
              () -> attempt(items, result, deadline, Math.min(backoffMs * 2, MAX_BACKOFF_MS)),
              backoffMs,
              TimeUnit.MILLISECONDS);
        });
  }

  /** Completes when every batch now in flight was acknowledged or given up. */
  public CompletableResultCode inFlight() {
    return CompletableResultCode.ofAll(List.copyOf(inFlight));
  }

  /**
   * Lets the batches in flight finish (each within its own window), then shuts the exporter down.
   */
  public CompletableResultCode shutdown(Supplier<CompletableResultCode> shutdownExporter) {
    CompletableResultCode result = new CompletableResultCode();
    CompletableResultCode pending = inFlight();
    pending.whenComplete(
        () -> {
          CompletableResultCode closed = shutdownExporter.get();
          closed.whenComplete(
              () -> {
                if (closed.isSuccess()) {
                  result.succeed();
                } else {
                  result.fail();
                }
              });
        });
    return result;
  }

  /** Items sent more than once because an attempt failed. */
  public long resentItems() {
    return resentItems.get();
  }
}
