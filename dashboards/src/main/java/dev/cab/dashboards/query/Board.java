package dev.cab.dashboards.query;

import java.util.List;

/**
 * A live sweep board: what {@code /sweeps/{id}} shows and {@code /api/sweeps/{id}} returns.
 *
 * @param lastLandedMillis ClickHouse's {@code inserted_at} of the newest cell row (push latency is
 *     measured from it)
 * @param generatedAtMillis when the board was assembled from ClickHouse's rows (a board served from
 *     memory keeps it)
 */
public record Board(
    String sweepId,
    Progress progress,
    List<LeaderRow> leaderboard,
    Heatmap heatmap,
    Timeline timeline,
    List<Alert> alerts,
    long lastLandedMillis,
    long generatedAtMillis) {

  /**
   * Counts of the sweep's cells (the newest version of each, as the {@code sweep_progress} view
   * counts them) and the sweep plan.
   *
   * @param planned cells in the declared plan, -1 without a plan
   * @param expected planned cells plus landed cells outside the plan (= landed without a plan)
   * @param running landed cells whose outcome is not decided yet
   * @param pending planned cells with no row yet
   * @param etaSeconds estimated seconds left at the rate so far, -1 when unknown
   */
  public record Progress(
      long planned,
      long expected,
      long landed,
      long complete,
      long incomplete,
      long running,
      long infraFailures,
      long passed,
      long failed,
      long pending,
      double percent,
      long etaSeconds,
      boolean live) {}

  /**
   * One (agent CLI, model) of the leaderboard: a row of the {@code leaderboard} view. Infra errors
   * and undecided cells are counted but never in the pass-rate denominator ({@code decided}).
   *
   * @param passRate passed over decided, null while none is decided
   * @param passLow lower bound of the 95% Wilson interval (null with passRate)
   * @param passHigh upper bound
   * @param tokensPerCorrect decided cells' tokens over passes; null when no cell recorded tokens or
   *     none passed
   * @param costPerCellUsd mean cost of a cell, null without recorded tokens or a price
   * @param costPerCorrectUsd decided cells' cost over passes
   */
  public record LeaderRow(
      int rank,
      String tui,
      String model,
      long cells,
      long decided,
      long passed,
      long infraErrors,
      Double passRate,
      Double passLow,
      Double passHigh,
      Double meanComposite,
      Double p50WallMs,
      Double p90WallMs,
      Double tokensPerCorrect,
      Double costPerCellUsd,
      Double costPerCorrectUsd,
      String badgeUrl) {

    public LeaderRow withRank(int rank, String badgeUrl) {
      return new LeaderRow(
          rank,
          tui,
          model,
          cells,
          decided,
          passed,
          infraErrors,
          passRate,
          passLow,
          passHigh,
          meanComposite,
          p50WallMs,
          p90WallMs,
          tokensPerCorrect,
          costPerCellUsd,
          costPerCorrectUsd,
          badgeUrl);
    }
  }

  /**
   * Task x (agent CLI, model).
   *
   * @param columns the (tui, model) pairs, leaderboard order
   * @param rows one per task, its squares in column order
   */
  public record Heatmap(List<Column> columns, List<HeatRow> rows) {}

  public record Column(String tui, String model) {}

  public record HeatRow(String task, List<Square> squares) {}

  /**
   * One square. {@code outcome} is passed, failed, infra_error, running (landed, not decided),
   * pending (planned, not landed) or empty (neither planned nor landed).
   */
  public record Square(String outcome, String cellId, String href, String title) {}

  /**
   * A firing regression alert of this sweep (the {@code alerts} stage's {@code alerts_active}).
   *
   * @param scope the (tui, model, task) it is about, blank parts left out
   */
  public record Alert(String rule, String scope, String summary, long startsAtMillis) {}

  /**
   * Cells landed and pass rate over time, cumulative, one point per bucket, and the time axis to
   * draw them on.
   *
   * @param seconds bucket start, epoch seconds
   * @param fromSeconds the time axis' start, epoch seconds (0 without a bucket)
   * @param toSeconds the time axis' end: from the first bucket to the last, or two minutes centred
   *     on them when they are closer (a sweep that landed within a second)
   */
  public record Timeline(
      List<Long> seconds,
      List<Long> landed,
      List<Double> passRate,
      long fromSeconds,
      long toSeconds) {}
}
