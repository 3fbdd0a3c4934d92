package dev.cab.dashboards.pages;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(chart.frontPath().split(" ")).hasSize(3);
  }

  @Test
  void pointsSitInsideThePlotArea() {
    ParetoChart chart = ParetoChart.of(List.of(row("a", 0.2, 1.0), row("b", 0.0, 0.0)));
    for (ParetoChart.Point p : chart.points()) {
      assertThat(p.x()).isBetween((double) ParetoChart.LEFT, (double) ParetoChart.WIDTH);
      assertThat(p.y()).isBetween((double) ParetoChart.TOP, (double) ParetoChart.HEIGHT);
    }
    assertThat(chart.points().getFirst().y()).isEqualTo(ParetoChart.HEIGHT - ParetoChart.BOTTOM);
    assertThat(chart.xTicks().getLast().label()).isEqualTo("$0.220");
  }

  @Test
  void noPricedPairGivesAnEmptyChart() {
    assertThat(ParetoChart.of(List.of(row("a", null, 0.5))).points()).isEmpty();
  }
}
