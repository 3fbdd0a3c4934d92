package dev.cab.runner.sim;

/**
 * Progress of a simulation, for a progress bar. Called from the simulator's worker threads: keep it
 * cheap and thread-safe. {@code cellsDone} grows by one per call but calls from different workers
 * may arrive out of order.
 */
@FunctionalInterface
public interface ProgressListener {
  /** Ignores progress. */
  ProgressListener NONE = (done, total) -> {};

  /**
   * A cell's spans and events have been handed to the SDK (deferred late or out-of-order parts may
   * follow later).
   *
   * @param cellsDone cells emitted so far
   * @param cellsTotal cells the run will emit
   */
  void onCellDone(long cellsDone, long cellsTotal);

  /** The run has emitted everything and is flushing; {@code report} is not final yet. */
  default void onFlushing() {}
}
