package dev.cab.dashboards.pages;

import dev.cab.dashboards.query.Board;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The board's cost-vs-pass-rate chart as SVG geometry: one point per (agent CLI, model) that has a
 * cost (USD per cell, from the {@code leaderboard} view) and a pass rate, and the Pareto front of
 * the pairs no other pair beats on both (at most the cost and at least the pass rate, better in
 * one). Rendered by the server, so it needs no JavaScript. Positions are fractions of the plot area
 * (0 at the left and top, 1 at the right and bottom), written as percentages: the SVG takes the
 * width of its column and the stylesheet its height and margins. Immutable.
 *
 * @param points every priced pair, cheapest first
 * @param front the segments joining the front's points, cheapest first
 * @param costAxis the x axis: round steps from $0 to at least the highest cost
 */
public record ParetoChart(List<Point> points, List<Segment> front, UsdAxis costAxis) {
  /**
   * One pair.
   *
   * @param x where its cost is, as a fraction of the plot's width
   * @param y where its pass rate is, as a fraction of the plot's height from the top
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

  /** A line from (x1, y1) to (x2, y2), fractions of the plot area as in {@link Point}. */
  public record Segment(double x1, double y1, double x2, double y2) {}

  /** A tick at {@code at}, a fraction of its axis from the left or the top. */
  public record Tick(double at, String label) {}

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
    UsdAxis axis =
        UsdAxis.upTo(priced.stream().mapToDouble(Board.LeaderRow::costPerCellUsd).max().orElse(0));
    List<Point> points = new ArrayList<>();
    List<Segment> front = new ArrayList<>();
    Point previous = null;
    double best = Double.NEGATIVE_INFINITY;
    for (Board.LeaderRow r : priced) {
      // cheapest first: a pair is dominated exactly when a cheaper-or-equal one passed as often
      boolean pareto = r.passRate() > best;
      best = Math.max(best, r.passRate());
      Point p =
          new Point(
              r.tui(),
              r.model(),
              r.costPerCellUsd(),
              r.passRate(),
              pareto,
              r.costPerCellUsd() / axis.end(),
              1 - r.passRate());
      points.add(p);
      if (pareto) {
        if (previous != null) {
          front.add(new Segment(previous.x(), previous.y(), p.x(), p.y()));
        }
        previous = p;
      }
    }
    return new ParetoChart(List.copyOf(points), List.copyOf(front), axis);
  }

  /** Tick labels of the x axis: the cost axis' round steps, in USD. */
  public List<Tick> xTicks() {
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i <= costAxis.steps(); i++) {
      ticks.add(new Tick((double) i / costAxis.steps(), costAxis.label(i)));
    }
    return ticks;
  }

  /** Tick labels of the y axis, top down: 100, 75, 50, 25, 0%. */
  public List<Tick> yTicks() {
    List<Tick> ticks = new ArrayList<>();
    for (int i = 4; i >= 0; i--) {
      ticks.add(new Tick(1 - i / 4.0, (i * 25) + "%"));
    }
    return ticks;
  }

  /**
   * An axis from $0 in {@code steps} equal steps of {@code mantissa} x 10^{@code exponent} USD, the
   * mantissa 1, 2 or 5: every tick a round number, all printed with the step's decimals.
   */
  public record UsdAxis(int mantissa, int exponent, int steps) {
    /** About this many steps: it makes 2 to 4 of them, 3 to 5 ticks. */
    private static final int TARGET_STEPS = 4;

    /** The axis whose end is the first round step at or above {@code maxUsd} ($1 for none). */
    public static UsdAxis upTo(double maxUsd) {
      double top = maxUsd > 0 ? maxUsd : 1;
      double raw = top / TARGET_STEPS;
      int exponent = (int) Math.floor(Math.log10(raw));
      double unit = Math.pow(10, exponent);
      int mantissa = raw <= unit * (1 + 1e-9) ? 1 : raw <= 2 * unit ? 2 : raw <= 5 * unit ? 5 : 10;
      if (mantissa == 10) {
        mantissa = 1;
        exponent++;
      }
      double step = mantissa * Math.pow(10, exponent);
      int steps = Math.max(1, (int) Math.ceil(top / step - 1e-9));
      return new UsdAxis(mantissa, exponent, steps);
    }

    /** USD at the axis' right end. */
    public double end() {
      return tickUsd(steps).doubleValue();
    }

    /** The {@code i}-th tick's label: {@code $0}, then the step's decimals ({@code $0.01}). */
    public String label(int i) {
      return i == 0 ? "$0" : "$" + tickUsd(i).setScale(Math.max(0, -exponent)).toPlainString();
    }

    private BigDecimal tickUsd(int i) {
      return BigDecimal.valueOf((long) i * mantissa).scaleByPowerOfTen(exponent);
    }
  }

  /** A fraction of the plot area as an SVG length: {@code 0.4321} is {@code 43.21%}. */
  public static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }
}
