package dev.cab.dashboards.pages;

import dev.cab.dashboards.query.Board;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The board's cost-vs-pass-rate chart as SVG geometry: one point per (agent CLI, model) that has a
 * cost (USD per cell, from the {@code leaderboard} view) and a pass rate, and the Pareto front of
 * the pairs no other pair beats on both (at most the cost and at least the pass rate, better in
 * one). Rendered by the server, so it needs no JavaScript. Immutable.
 *
 * @param points every priced pair, cheapest first
 * @param frontPath the front as an SVG polyline, cheapest first
 * @param maxCostUsd the right end of the x axis
 */
public record ParetoChart(List<Point> points, String frontPath, double maxCostUsd) {
  public static final int WIDTH = 560;
  public static final int HEIGHT = 300;
  public static final int LEFT = 56;
  public static final int RIGHT = 16;
  public static final int TOP = 12;
  public static final int BOTTOM = 40;

  /**
   * One pair.
   *
   * @param x pixel position of its cost
   * @param y pixel position of its pass rate
   * @param pareto on the front
   */
  public record Point(
      String tui,
      String model,
      double costUsd,
      double passRate,
      boolean pareto,
      double x,
      double y) {}

  public static ParetoChart of(List<Board.LeaderRow> rows) {
    List<Board.LeaderRow> priced =
        rows.stream()
            .filter(r -> r.costPerCellUsd() != null && r.passRate() != null)
            .sorted(
                Comparator.comparingDouble(Board.LeaderRow::costPerCellUsd)
                    .thenComparing(Board.LeaderRow::passRate, Comparator.reverseOrder())
                    .thenComparing(Board.LeaderRow::tui)
                    .thenComparing(Board.LeaderRow::model))
            .toList();
    double max = priced.stream().mapToDouble(Board.LeaderRow::costPerCellUsd).max().orElse(0);
    double axisMax = max <= 0 ? 1 : max * 1.1;
    List<Point> points = new ArrayList<>();
    List<String> front = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Board.LeaderRow r : priced) {
      // cheapest first: a pair is dominated exactly when a cheaper-or-equal one passed as often
      boolean pareto = r.passRate() > best;
      best = Math.max(best, r.passRate());
      double x = LEFT + (WIDTH - LEFT - RIGHT) * r.costPerCellUsd() / axisMax;
      double y = TOP + (HEIGHT - TOP - BOTTOM) * (1 - r.passRate());
      points.add(new Point(r.tui(), r.model(), r.costPerCellUsd(), r.passRate(), pareto, x, y));
      if (pareto) {
        front.add(px(x) + "," + px(y));
      }
    }
    return new ParetoChart(List.copyOf(points), String.join(" ", front), axisMax);
  }

  /** Tick labels of the x axis: five steps from 0 to the axis end, in USD. */
  public List<Tick> xTicks() {
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      double usd = maxCostUsd * i / 4;
      ticks.add(new Tick(LEFT + (WIDTH - LEFT - RIGHT) * i / 4.0, usd(usd)));
    }
    return ticks;
  }

  /** Tick labels of the y axis: 0, 25, 50, 75, 100%. */
  public List<Tick> yTicks() {
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      ticks.add(new Tick(TOP + (HEIGHT - TOP - BOTTOM) * (1 - i / 4.0), (i * 25) + "%"));
    }
    return ticks;
  }

  /** A tick at pixel {@code at}. */
  public record Tick(double at, String label) {}

  public static String px(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  public static String usd(double v) {
    return v == 0
        ? "$0"
        : v >= 0.01
            ? String.format(Locale.ROOT, "$%.3f", v)
            : String.format(Locale.ROOT, "$%.5f", v);
  }
}
