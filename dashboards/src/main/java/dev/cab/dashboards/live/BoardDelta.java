package dev.cab.dashboards.live;

import dev.cab.dashboards.pages.Formats;
import dev.cab.dashboards.query.Board;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What changed between two boards of a sweep that a browser can patch in place: the heatmap squares
 * whose outcome, link or title changed (named by task, agent CLI and model, so the page's column
 * order does not matter) and the progress counts. A change the page cannot patch (a task or an
 * (agent CLI, model) column it does not have yet) is no delta: the caller sends the whole board.
 * The leaderboard, charts and alerts follow with the next whole board. Pure.
 *
 * @param squares the changed squares
 * @param progress the progress counts by element id, as the page prints them
 * @param percent the progress bar's width in percent
 */
record BoardDelta(List<Square> squares, Map<String, String> progress, double percent) {

  /** A square as the page draws it; {@code href} empty for a square with no cell. */
  record Square(
      String task,
      String tui,
      String model,
      String outcome,
      String cellId,
      String href,
      String title) {}

  /** Whether the page would look the same after applying it. */
  boolean isEmpty(Board before) {
    return squares.isEmpty()
        && progress.equals(Formats.progressTexts(before.progress()))
        && percent == before.progress().percent();
  }

  /**
   * The delta from {@code before} (what the browsers show) to {@code after}; empty when the page
   * cannot be patched to {@code after} (its heatmap has other rows or columns).
   */
  static Optional<BoardDelta> between(Board before, Board after) {
    Board.Heatmap a = before.heatmap();
    Board.Heatmap b = after.heatmap();
    if (!sameLayout(a, b)) {
      return Optional.empty();
    }
    // columns as sets: the leaderboard's order may differ, the page finds a column by its names
    Map<Board.Column, Integer> columnOf = new LinkedHashMap<>();
    for (int i = 0; i < a.columns().size(); i++) {
      columnOf.put(a.columns().get(i), i);
    }
    List<Square> changed = new ArrayList<>();
    for (int r = 0; r < b.rows().size(); r++) {
      Board.HeatRow row = b.rows().get(r);
      List<Board.Square> old = a.rows().get(r).squares();
      for (int c = 0; c < b.columns().size(); c++) {
        Board.Column col = b.columns().get(c);
        Board.Square now = row.squares().get(c);
        if (!now.equals(old.get(columnOf.get(col)))) {
          changed.add(
              new Square(
                  row.task(),
                  col.tui(),
                  col.model(),
                  now.outcome(),
                  now.cellId(),
                  now.href(),
                  now.title()));
        }
      }
    }
    return Optional.of(
        new BoardDelta(
            List.copyOf(changed),
            Formats.progressTexts(after.progress()),
            after.progress().percent()));
  }

  /** The same tasks in the same order and the same columns in any order. */
  private static boolean sameLayout(Board.Heatmap a, Board.Heatmap b) {
    if (a.rows().size() != b.rows().size()
        || a.columns().size() != b.columns().size()
        || !new java.util.HashSet<>(a.columns()).containsAll(b.columns())) {
      return false;
    }
    for (int r = 0; r < a.rows().size(); r++) {
      if (!a.rows().get(r).task().equals(b.rows().get(r).task())) {
        return false;
      }
    }
    return true;
  }
}
