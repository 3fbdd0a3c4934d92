package dev.cab.dashboards.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.dashboards.query.Board;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BoardDeltaTest {
  private static final Board.Column AIDER = new Board.Column("aider", "m0");
  private static final Board.Column PI = new Board.Column("pi", "m1");

  private static Board.Square pending() {
    return new Board.Square("pending", "", "", "pending (planned, not landed)");
  }

  private static Board.Square landed(String outcome, String cellId) {
    return new Board.Square(outcome, cellId, "/cells/" + cellId, outcome);
  }

  private static Board.Progress progress(long landed, long running, long pending) {
    return new Board.Progress(
        4, 4, landed, 0, 0, running, 0, 0, 0, pending, 25.0 * (landed - running), -1, true);
  }

  private static Board board(
      Board.Progress progress, List<Board.Column> columns, List<Board.HeatRow> rows) {
    return new Board(
        "s",
        progress,
        List.of(),
        new Board.Heatmap(columns, rows),
        new Board.Timeline(List.of(), List.of(), List.of(), 0, 0),
        List.of(),
        0,
        0);
  }

  @Test
  void aLandedCellIsItsSquareAndTheNewCounts() {
    // given a planned 2 x 2 board with nothing landed
    Board before =
        board(
            progress(0, 0, 4),
            List.of(AIDER, PI),
            List.of(
                new Board.HeatRow("t1", List.of(pending(), pending())),
                new Board.HeatRow("t2", List.of(pending(), pending()))));
    // when t2 x pi lands, passed
    Board after =
        board(
            progress(1, 0, 3),
            List.of(AIDER, PI),
            List.of(
                new Board.HeatRow("t1", List.of(pending(), pending())),
                new Board.HeatRow("t2", List.of(pending(), landed("passed", "c/4")))));

    // then the delta is that one square, by name, and the counts
    BoardDelta delta = BoardDelta.between(before, after).orElseThrow();
    assertThat(delta.squares())
        .containsExactly(
            new BoardDelta.Square("t2", "pi", "m1", "passed", "c/4", "/cells/c/4", "passed"));
    assertThat(delta.progress())
        .containsEntry("n-landed", "1")
        .containsEntry("n-pending", "3")
        .containsEntry("n-planned", "4");
    assertThat(delta.percent()).isEqualTo(25.0);
    assertThat(delta.isEmpty(before)).isFalse();
  }

  @Test
  void columnsInAnotherOrderAreMatchedByName() {
    // given the browsers' board, and a newer one whose leaderboard ranks pi first
    Board before =
        board(
            progress(1, 1, 3),
            List.of(AIDER, PI),
            List.of(new Board.HeatRow("t1", List.of(landed("running", "a"), pending()))));
    Board after =
        board(
            progress(1, 0, 3),
            List.of(PI, AIDER),
            List.of(new Board.HeatRow("t1", List.of(pending(), landed("failed", "a")))));

    // then only aider's square changed
    assertThat(BoardDelta.between(before, after).orElseThrow().squares())
        .extracting(BoardDelta.Square::tui, BoardDelta.Square::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("aider", "failed"));
  }

  @Test
  void aNewTaskOrColumnGrowsThePageWithItsSquares() {
    Board before =
        board(
            progress(0, 0, 1),
            List.of(AIDER),
            List.of(new Board.HeatRow("t1", List.of(pending()))));
    // a cell of a task the page does not have, sorted before it
    Board newTask =
        board(
            progress(1, 1, 1),
            List.of(AIDER),
            List.of(
                new Board.HeatRow("t0", List.of(landed("running", "x"))),
                new Board.HeatRow("t1", List.of(pending()))));
    // a plan that adds a column: every square of it is sent, pending or not
    Board newColumn =
        board(
            progress(0, 0, 2),
            List.of(PI, AIDER),
            List.of(new Board.HeatRow("t1", List.of(pending(), pending()))));

    BoardDelta task = BoardDelta.between(before, newTask).orElseThrow();
    assertThat(task.tasks()).containsExactly("t0", "t1");
    assertThat(task.columns()).isEmpty();
    assertThat(task.squares())
        .containsExactly(
            new BoardDelta.Square("t0", "aider", "m0", "running", "x", "/cells/x", "running"));
    BoardDelta column = BoardDelta.between(before, newColumn).orElseThrow();
    assertThat(column.tasks()).as("same rows in the same order").isEmpty();
    assertThat(column.columns()).containsExactly(PI);
    assertThat(column.squares())
        .extracting(BoardDelta.Square::task, BoardDelta.Square::tui, BoardDelta.Square::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("t1", "pi", "pending"));
    assertThat(column.isEmpty(before)).isFalse();
  }

  @Test
  void aLostTaskOrColumnIsNoDeltaButTheSameBoardIsAnEmptyOne() {
    Board before =
        board(
            progress(0, 0, 2),
            List.of(AIDER, PI),
            List.of(
                new Board.HeatRow("t1", List.of(pending(), pending())),
                new Board.HeatRow("t2", List.of(pending(), pending()))));
    Board lostTask =
        board(
            progress(0, 0, 2),
            List.of(AIDER, PI),
            List.of(new Board.HeatRow("t1", List.of(pending(), pending()))));
    Board lostColumn =
        board(
            progress(0, 0, 2),
            List.of(AIDER),
            List.of(
                new Board.HeatRow("t1", List.of(pending())),
                new Board.HeatRow("t2", List.of(pending()))));

    assertThat(BoardDelta.between(before, lostTask)).isEqualTo(Optional.empty());
    assertThat(BoardDelta.between(before, lostColumn)).isEqualTo(Optional.empty());
    assertThat(BoardDelta.between(before, before).orElseThrow().isEmpty(before)).isTrue();
  }
}
