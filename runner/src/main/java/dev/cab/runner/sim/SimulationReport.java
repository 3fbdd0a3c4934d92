package dev.cab.runner.sim;

import dev.cab.runner.FlushResult;
import java.time.Duration;
import java.util.List;

/**
 * What a simulation run emitted.
 *
 * @param sweepId the simulated sweep ({@code null} for a seed replay alone)
 * @param seed the seed used
 * @param cellsPlanned cells the run meant to emit (seed replays included)
 * @param cellsSent cells whose spans and events were handed to the SDK
 * @param seedCellsReplayed published seed cells among {@code cellsSent}
 * @param spansSent spans ended
 * @param eventsSent scorer events emitted, duplicates included
 * @param duplicateEvents scorer events sent a second time
 * @param lateEvents scorer events held back and sent some cells later
 * @param outOfOrderCells cells whose scorer events were sent before their spans
 * @param infraFailures cells whose container died (exit 1 or 137) or timed out
 * @param regressions what each injected regression did
 * @param pairs pass counts per tui × model, in option order
 * @param peakConcurrency most cells in flight at once (at most the concurrency option)
 * @param elapsed wall time of the run, flush included
 * @param flush the final flush: {@link FlushResult#allExported()} says whether everything arrived
 */
public record SimulationReport(
    String sweepId,
    long seed,
    long cellsPlanned,
    long cellsSent,
    long seedCellsReplayed,
    long spansSent,
    long eventsSent,
    long duplicateEvents,
    long lateEvents,
    long outOfOrderCells,
    long infraFailures,
    List<InjectedRegression> regressions,
    List<PairSummary> pairs,
    int peakConcurrency,
    Duration elapsed,
    FlushResult flush) {

  public SimulationReport {
    regressions = List.copyOf(regressions);
    pairs = List.copyOf(pairs);
  }

  /** Cells per second over the run. */
  public double cellsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? cellsSent / seconds : 0;
  }

  /** The pair summary for one tui × model, or null. */
  public PairSummary pair(String tui, String model) {
    return pairs.stream()
        .filter(p -> p.tui().equals(tui) && p.model().equals(model))
        .findFirst()
        .orElse(null);
  }

  /**
   * What one regression did: the affected cells and their metric without and with it, drawn from
   * the same random numbers.
   *
   * @param regression the regression as configured
   * @param description e.g. {@code pass rate of aider × m lowered by 0.40: 0.75 -> 0.25 over 12
   *     cells from cell 96 of 192}
   * @param affectedCells cells the regression touched
   * @param firstAffectedCellIndex position (in emission order) of the first touched cell, or -1
   * @param metric {@code pass_rate} or {@code mean_wall_clock_ms}
   * @param baseline the metric over the affected cells had the regression not been injected
   * @param injected the metric as emitted
   * @param baselineInfraErrors affected cells that would have been infra errors without it
   * @param infraErrors affected cells emitted as infra errors (more when a latency rise pushed
   *     cells past the harness timeout)
   */
  public record InjectedRegression(
      Regression regression,
      String description,
      long affectedCells,
      long firstAffectedCellIndex,
      String metric,
      double baseline,
      double injected,
      long baselineInfraErrors,
      long infraErrors) {}

  /**
   * Pass counts of one tui × model.
   *
   * @param tui the agent CLI
   * @param model the model
   * @param cells simulated cells of the pair
   * @param passes cells that passed
   */
  public record PairSummary(String tui, String model, long cells, long passes) {
    /** passes / cells, or 0 without cells. */
    public double passRate() {
      return cells == 0 ? 0 : (double) passes / cells;
    }
  }
}
