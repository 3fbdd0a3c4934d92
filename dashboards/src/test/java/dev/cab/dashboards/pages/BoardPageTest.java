package dev.cab.dashboards.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.dashboards.query.Board;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The board's live part as the page and the push render it ({@code board-live.jte}). */
class BoardPageTest {
  private static final Pattern USD_CELL =
      Pattern.compile("<td class=\"num usd\"[^>]*>([^<]*)</td>");

  private static Board.LeaderRow row(String tui, long passed, Double perCell, Double perCorrect) {
    return new Board.LeaderRow(
        1,
        tui,
        "m",
        4,
        4,
        passed,
        0,
        passed / 4.0,
        null,
        null,
        null,
        null,
        null,
        null,
        perCell,
        perCorrect,
        "/badge/" + tui + "/m.svg");
  }

  private static Board board(List<Board.LeaderRow> leaderboard) {
    return new Board(
        "s",
        new Board.Progress(-1, 16, 16, 16, 0, 0, 0, 8, 8, 0, 100, -1, false),
        leaderboard,
        new Board.Heatmap(List.of(), List.of()),
        new Board.Timeline(List.of(), List.of(), List.of(), 0, 0),
        List.of(),
        0,
        0);
  }

  private static List<String> usdColumn(String html) {
    Matcher m = USD_CELL.matcher(html);
    return m.results().map(r -> r.group(1)).toList();
  }

  @Test
  void everyAmountOfTheUsdPerCorrectColumnHasTheSameDecimals() {
    // given a column that printed "$0.018" beside "$0.00853", a free pair and two without amounts
    Board b =
        board(
            List.of(
                row("a", 2, 0.009, 0.018),
                row("b", 4, 0.00853, 0.00853),
                row("c", 1, 0.0319, 0.1276),
                row("free", 2, 0.0, 0.0),
                row("no-pass", 0, 0.01, null),
                row("no-price", 3, null, null)));

    // when the board renders
    String html = new Templates().render("board-live.jte", Map.of("b", b, "heatmap", true));

    // then the amounts line up: five decimals each, for three digits of $0.00853
    assertThat(usdColumn(html))
        .containsExactly("$0.01800", "$0.00853", "$0.12760", "$0", "no pass", "no price");
    assertThat(usdColumn(html).stream().filter(t -> t.startsWith("$0.")))
        .allSatisfy(t -> assertThat(t.length() - t.indexOf('.') - 1).isEqualTo(5))
        .hasSize(3);
    // a single amount (the chart's tooltips, the front's list) keeps a precision of its own
    assertThat(html)
        .contains("b × m: $0.00853 per cell", "c × m: $0.0319 per cell", "free × m: $0 per cell");
  }

  @Test
  void aColumnOfDollarsPrintsCents() {
    Board b = board(List.of(row("a", 2, 1.0, 2.0), row("b", 4, 1.25, 1.25)));

    String html = new Templates().render("board-live.jte", Map.of("b", b, "heatmap", false));

    assertThat(usdColumn(html)).containsExactly("$2.00", "$1.25");
  }
}
