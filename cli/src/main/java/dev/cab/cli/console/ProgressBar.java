package dev.cab.cli.console;

import dev.cab.runner.sim.ProgressListener;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress bar on a terminal stream ({@code \r}-redrawn, at most ~10 redraws a second).
 * Thread-safe: the simulator calls it from its workers.
 */
public final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String label;
  private final long startNanos = System.nanoTime();
  private final AtomicLong lastDraw = new AtomicLong();
  private final AtomicLong maxDone = new AtomicLong();

  public ProgressBar(PrintStream out, String label) {
    this.out = out;
    this.label = label;
  }

  @Override
  public void onCellDone(long cellsDone, long cellsTotal) {
    long done = maxDone.accumulateAndGet(cellsDone, Math::max);
    long now = System.nanoTime();
    long last = lastDraw.get();
    if (done < cellsTotal && now - last < 100_000_000L) {
      return;
    }
    if (lastDraw.compareAndSet(last, now)) {
      draw(done, cellsTotal, "");
    }
  }

  @Override
  public void onFlushing() {
    draw(maxDone.get(), Math.max(1, maxDone.get()), " flushing");
  }

  /** Ends the bar's line with a final note. */
  public void finish(String note) {
    synchronized (out) {
      out.println(" " + note);
    }
  }

  private void draw(long done, long total, String suffix) {
    int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    synchronized (out) {
      out.printf(
          "\r%-10s [%s%s] %d/%d cells %5.1f s%s",
          label, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, seconds, suffix);
      out.flush();
    }
  }
}
