package dev.cab.dashboards.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cab.dashboards.query.Board;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoChartTest {
  private static Board.LeaderRow row(String tui, Double cost, Double pass) {
    return new Board.LeaderRow(
        0, tui, "m", 10, 10, 0, 0, pass, null, null, null, null, null, null, cost, null, "");
  }

  @Test
  void theFrontHoldsThePairsNoCheaperPairMatches() {
    ParetoChart chart =
        ParetoChart.of(
            List.of(
                row("expensive-best", 0.50, 0.9),
                row("cheap-poor", 0.01, 0.2),
                row("dominated", 0.30, 0.5), // mid beats it: cheaper and better
                row("mid", 0.10, 0.6),
                row("same-cost-worse", 0.10, 0.4),
                row("unpriced", null, 1.0),
                row("undecided", 0.05, null)));

    assertThat(chart.points())
        .extracting(ParetoChart.Point::tui)
        .containsExactly("cheap-poor", "mid", "same-cost-worse", "dominated", "expensive-best");
    assertThat(chart.points().stream().filter(ParetoChart.Point::pareto))
        .extracting(ParetoChart.Point::tui)
        .containsExactly("cheap-poor", "mid", "expensive-best");
    assertThat(chart.front()).hasSize(2);
  }

  @Test
  void pointsSitInsideThePlotArea() {
    ParetoChart chart = ParetoChart.of(List.of(row("a", 0.2, 1.0), row("b", 0.0, 0.0)));
    for (ParetoChart.Point p : chart.points()) {
      assertThat(p.x()).isBetween(0.0, 1.0);
      assertThat(p.y()).isBetween(0.0, 1.0);
    }
    assertThat(chart.points().getFirst().y()).as("0% at the bottom").isEqualTo(1.0);
    assertThat(chart.points().getLast().y()).as("100% at the top").isEqualTo(0.0);
    assertThat(chart.points().getLast().x()).isEqualTo(1.0);
    assertThat(chart.front()).containsExactly(new ParetoChart.Segment(0, 1, 1, 0));
    assertThat(ParetoChart.pct(0.43216)).isEqualTo("43.22%");
  }

  @Test
  void costTicksAreRoundOneTwoFiveStepsWithOnePrecision() {
    // given the board of CI run 8483be6: the dearest pair cost $0.0319 per cell, which gave
    // "$0 $0.00873 $0.017 $0.026 $0.035"
    ParetoChart chart = ParetoChart.of(List.of(row("a", 0.00569, 0.667), row("b", 0.0319, 1.0)));

    assertThat(chart.xTicks())
        .extracting(ParetoChart.Tick::label)
        .containsExactly("$0", "$0.01", "$0.02", "$0.03", "$0.04");
    assertThat(chart.xTicks())
        .extracting(ParetoChart.Tick::at)
        .containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
    assertThat(chart.points().getLast().x()).isCloseTo(0.0319 / 0.04, within(1e-12));
  }

  @Test
  void everyScaleGetsAStepOfOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(labels(0.011)).containsExactly("$0", "$0.005", "$0.010", "$0.015");
    assertThat(labels(0.04)).containsExactly("$0", "$0.01", "$0.02", "$0.03", "$0.04");
    assertThat(labels(0.7)).containsExactly("$0", "$0.2", "$0.4", "$0.6", "$0.8");
    assertThat(labels(3)).containsExactly("$0", "$1", "$2", "$3");
    assertThat(labels(0.0000123)).containsExactly("$0", "$0.000005", "$0.000010", "$0.000015");
    assertThat(labels(0)).as("only free pairs").containsExactly("$0", "$0.5", "$1.0");
    for (double max = 1e-6; max < 1e4; max *= 1.37) {
      ParetoChart.UsdAxis axis = ParetoChart.UsdAxis.upTo(max);
      assertThat(axis.mantissa()).as("max %s", max).isIn(1, 2, 5);
      assertThat(axis.steps()).as("max %s", max).isBetween(2, 4);
      assertThat(axis.end()).as("max %s", max).isGreaterThanOrEqualTo(max);
      assertThat(axis.end() * (axis.steps() - 1) / axis.steps()).isLessThan(max);
    }
  }

  private static List<String> labels(double maxUsd) {
    ParetoChart.UsdAxis axis = ParetoChart.UsdAxis.upTo(maxUsd);
    return java.util.stream.IntStream.rangeClosed(0, axis.steps()).mapToObj(axis::label).toList();
  }

  @Test
  void noPricedPairGivesAnEmptyChart() {
    assertThat(ParetoChart.of(List.of(row("a", null, 0.5))).points()).isEmpty();
  }
}
