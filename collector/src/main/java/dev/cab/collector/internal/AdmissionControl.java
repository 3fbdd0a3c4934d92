package dev.cab.collector.internal;

import java.util.concurrent.Semaphore;

/**
 * Bounds the work in flight across both transports: at most {@code maxRequests} export requests and
 * {@code maxBytes} of request bodies at once. Beyond either bound a request is refused at once (429
 * / RESOURCE_EXHAUSTED with a retry hint) instead of queueing: the runner's exporter retries with
 * back-off, and the collector's memory stays bounded. Thread-safe.
 */
public final class AdmissionControl {
  private final Semaphore requests;
  private final Semaphore bytes;
  private final int byteCapacity;

  public AdmissionControl(int maxRequests, long maxBytes) {
    this.requests = new Semaphore(maxRequests);
    this.byteCapacity = (int) Math.min(Integer.MAX_VALUE, maxBytes);
    this.bytes = new Semaphore(byteCapacity);
  }

  /** A request slot, or null when too many requests are in flight. Close it when answered. */
  public Ticket tryEnter() {
    return requests.tryAcquire() ? new Ticket() : null;
  }

  /** Request bodies currently held. */
  public long bytesInFlight() {
    return byteCapacity - bytes.availablePermits();
  }

  /** One admitted request; releases its slot and bytes on close. Used by one thread. */
  public final class Ticket implements AutoCloseable {
    private int heldBytes;
    private boolean closed;

    private Ticket() {}

    /** Reserves room for a body of {@code n} bytes; false when the byte budget is spent. */
    public boolean reserveBytes(long n) {
      // a body larger than the whole budget (but within the body limit) still gets in when alone
      int want = (int) Math.min(byteCapacity, n);
      if (!bytes.tryAcquire(want)) {
        return false;
      }
      heldBytes += want;
      return true;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        bytes.release(heldBytes);
        requests.release();
      }
    }
  }
}
