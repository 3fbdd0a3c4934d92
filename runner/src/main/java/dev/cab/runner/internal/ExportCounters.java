package dev.cab.runner.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Counts items handed to the SDK and items the exporter acknowledged or failed, so a flush can say
 * whether everything was exported and an emitter can hold back while the backlog is large.
 * Thread-safe. Not API.
 */
public final class ExportCounters {
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Object progress = new Object();
  private volatile boolean enabled;

  /**
   * Starts counting submissions: called when an exporter is wired. Without one (e.g. {@code
   * OTEL_TRACES_EXPORTER=none}) nothing is ever exported, and counting would make the backlog grow
   * forever.
   */
  public void enable() {
    enabled = true;
  }

  /**
   * Runs one export of {@code n} items and counts its outcome when it completes (or at once, if the
   * exporter throws). {@link SignalExporter#counting} calls it for spans and log records alike.
   */
  public CompletableResultCode track(int n, Supplier<CompletableResultCode> export) {
    CompletableResultCode result;
    try {
      result = export.get();
    } catch (RuntimeException e) {
      failed(n);
      throw e;
    }
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            exported(n);
          } else {
            failed(n);
          }
        });
    return result;
  }

  public void submitted(long n) {
    if (enabled) {
      submitted.addAndGet(n);
    }
  }

  public void exported(long n) {
    exported.addAndGet(n);
    signal();
  }

  public void failed(long n) {
    failed.addAndGet(n);
    signal();
  }

  public long submitted() {
    return submitted.get();
  }

  public long exported() {
    return exported.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Items submitted but neither acknowledged nor failed yet. */
  public long backlog() {
    return Math.max(0, submitted.get() - exported.get() - failed.get());
  }

  /**
   * Waits until the backlog is at most {@code max} or the deadline (System.nanoTime) passes.
   *
   * @return whether the backlog is at most {@code max}
   */
  public boolean awaitBacklogAtMost(long max, long deadlineNanos) throws InterruptedException {
    synchronized (progress) {
      while (backlog() > max) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // Woken by every export result; the bounded wait also covers items the SDK dropped.
        progress.wait(Math.max(1, Math.min(left / 1_000_000, 50)));
      }
      return true;
    }
  }

  private void signal() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }
}
