package dev.cab.dashboards.query;

import java.util.List;
import java.util.Map;

/**
 * What one sweep's board is built from, as ClickHouse had it when {@link #marker()} was read: the
 * newest version of each landed cell, the plan, the leaderboard view's rows and the firing alerts.
 * Immutable; {@link BoardAssembler} turns it into a {@link Board}.
 *
 * @param cells the newest version of each landed cell, by cell id
 * @param plan the declared matrix, {@link Plan#NONE} without a plan
 * @param leaders the {@code leaderboard} view's rows, ranked
 */
record SweepFacts(
    String sweepId,
    SweepMarker marker,
    Map<String, Landed> cells,
    Plan plan,
    List<Board.LeaderRow> leaders,
    List<Board.Alert> alerts) {

  /** Whether there is anything to show: a landed cell or a declared plan. */
  boolean found() {
    return !cells.isEmpty() || plan.declared();
  }

  /**
   * A landed cell as the board shows it; {@code insertedMillis} is its row's insert time (for a
   * cell record read from Kafka and not yet in ClickHouse, the record's timestamp).
   *
   * @param version the cell record's version: of two, the higher is the newer
   */
  record Landed(
      String cellId,
      String task,
      String tui,
      String model,
      String status,
      String outcome,
      Double composite,
      long insertedMillis,
      long version) {}

  /**
   * The declared matrix.
   *
   * @param plannedCells the plan's {@code planned_cells}, -1 without a plan
   * @param declaredMillis when it was declared (epoch ms): of two plans, the later wins; {@link
   *     Long#MIN_VALUE} without a plan
   */
  record Plan(
      long plannedCells,
      List<String> tuis,
      List<String> models,
      List<String> tasks,
      long declaredMillis) {
    static final Plan NONE = new Plan(-1, List.of(), List.of(), List.of(), Long.MIN_VALUE);

    /** A plan of the given matrix declared at the epoch (tests). */
    Plan(long plannedCells, List<String> tuis, List<String> models, List<String> tasks) {
      this(plannedCells, tuis, models, tasks, 0);
    }

    boolean declared() {
      return plannedCells >= 0;
    }
  }
}
