package dev.cab.dashboards.query;

/**
 * A cheap summary of what ClickHouse holds for one sweep, read on the sort key without {@code
 * FINAL} ({@link Sweeps#changeMarkers}): when it has not moved, neither has the sweep's board.
 * Cells: row count (every version) and the first and newest {@code inserted_at}; plan: newest
 * declaration's insert; alerts: rows and newest insert.
 */
public record SweepMarker(
    long cellRows,
    long firstInsertMillis,
    long lastInsertMillis,
    long planMillis,
    long alertRows,
    long alertMillis) {

  /** A sweep ClickHouse knows nothing of. */
  public static final SweepMarker NONE = new SweepMarker(0, 0, 0, 0, 0, 0);
}
