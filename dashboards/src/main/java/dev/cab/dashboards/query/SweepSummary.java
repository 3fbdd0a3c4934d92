package dev.cab.dashboards.query;

/**
 * One line of the sweeps list.
 *
 * @param expected cells the sweep's plan declares, or -1 without a plan
 * @param passRate passes over scored cells, or -1 when none is scored yet
 * @param live whether a cell landed within the live window
 */
public record SweepSummary(
    String sweepId,
    long landed,
    long expected,
    long complete,
    double passRate,
    long startedAtMillis,
    long lastLandedMillis,
    boolean live) {}
