package dev.cab.dashboards.query;

import java.util.List;

/**
 * A live sweep board: what {@code /sweeps/{id}} shows and {@code /api/sweeps/{id}} returns.
 *
 * @param lastLandedMillis ClickHouse's {@code inserted_at} of the newest cell row (push latency is
 *     measured from it)
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
   * Counts of the sweep's cells. {@code expected} is -1 without a sweep plan.
   *
   * @param etaSeconds estimated seconds left at the rate so far, -1 when unknown
   */
  public record Progress(
      long expected,
      long landed,
      long complete,
      long incomplete,
      long running,
      long infraFailures,
      long passed,
      long pending,
      double percent,
      long etaSeconds,
      boolean live) {}

  /**
   * One (agent CLI, model) of the leaderboard.
   *
   * @param passRate passes over scored cells
   * @param passLow lower bound of the 95% Wilson interval
   * @param passHigh upper bound
   * @param tokensPerCorrect total tokens over passes; -1 when tokens were not recorded
   */
  public record LeaderRow(
      int rank,
      String tui,
      String model,
      long cells,
      long scored,
      long passes,
      double passRate,
      double passLow,
      double passHigh,
      Double meanComposite,
      Double p50WallMs,
      Double p90WallMs,
      double tokensPerCorrect,
      String badgeUrl) {}

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
   * One square. {@code outcome} is passed, failed, infra_error, running, pending or empty (no cell
   * and no plan).
   */
  public record Square(String outcome, String cellId, String href, String title) {}

  /**
   * A firing regression alert of this sweep (the {@code alerts} stage's {@code alerts_active}).
   *
   * @param scope the (tui, model, task) it is about, blank parts left out
   */
  public record Alert(String rule, String scope, String summary, long startsAtMillis) {}

  /**
   * Cells landed and pass rate over time, cumulative, one point per bucket.
   *
   * @param seconds bucket start, epoch seconds
   */
  public record Timeline(List<Long> seconds, List<Long> landed, List<Double> passRate) {}
}
