package dev.cab.dashboards.live;

import dev.cab.dashboards.pages.Formats;
import dev.cab.dashboards.query.Board;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What changed between two boards of a sweep that a browser can patch in place: the heatmap squares
 * whose outcome, link or title changed (named by task, agent CLI and model, so the page's column
 * order does not matter), the rows and columns the heatmap gained, and the progress counts. So a
 * cell of a new task or a new (agent CLI, model), or a plan that lays out the whole matrix, is a
 * delta too. Only a heatmap that lost a task or a column (a plan re-declared smaller) is no delta:
 * the caller sends the whole board. The leaderboard, charts and alerts follow with the next whole
 * board. Pure.
 *
 * @param tasks the new board's tasks in its order when the page's rows must change (a task added or
 *     the order changed: the page adds the rows it lacks and puts them in this order), else empty
 * @param columns the columns the page lacks, in the new board's order (the page appends them)
 * @param squares the changed squares, every square of an added row or column among them
 * @param progress the progress counts by element id, as the page prints them
 * @param percent the progress bar's width in percent
 */
record BoardDelta(
    List<String> tasks,
    List<Board.Column> columns,
    List<Square> squares,
    Map<String, String> progress,
    double percent) {

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
    return tasks.isEmpty()
        && columns.isEmpty()
        && squares.isEmpty()
        && progress.equals(Formats.progressTexts(before.progress()))
        && percent == before.progress().percent();
  }

  /**
   * The delta from {@code before} (what the browsers show) to {@code after}; empty when the page
   * cannot be patched to {@code after} (its heatmap lost a task or a column).
   */
  static Optional<BoardDelta> between(Board before, Board after) {
    Board.Heatmap a = before.heatmap();
    Board.Heatmap b = after.heatmap();
    // columns as sets: the leaderboard's order may differ, the page finds a column by its names
    Map<Board.Column, Integer> columnOf = new HashMap<>();
    for (int i = 0; i < a.columns().size(); i++) {
      columnOf.put(a.columns().get(i), i);
    }
    Map<String, Board.HeatRow> rowOf = new HashMap<>();
    a.rows().forEach(r -> rowOf.put(r.task(), r));
    Set<String> newTasks = new HashSet<>();
    b.rows().forEach(r -> newTasks.add(r.task()));
    if (!newTasks.containsAll(rowOf.keySet())
        || !new HashSet<>(b.columns()).containsAll(columnOf.keySet())) {
      return Optional.empty();
    }
    List<Board.Column> added = b.columns().stream().filter(c -> !columnOf.containsKey(c)).toList();
    List<String> order = b.rows().stream().map(Board.HeatRow::task).toList();
    boolean sameRows = order.equals(a.rows().stream().map(Board.HeatRow::task).toList());
    List<Square> changed = new ArrayList<>();
    for (Board.HeatRow row : b.rows()) {
      Board.HeatRow oldRow = rowOf.get(row.task());
      for (int c = 0; c < b.columns().size(); c++) {
        Board.Column col = b.columns().get(c);
        Board.Square now = row.squares().get(c);
        Integer at = columnOf.get(col);
        Board.Square old = oldRow == null || at == null ? null : oldRow.squares().get(at);
        if (!now.equals(old)) {
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
            sameRows ? List.of() : order,
            added,
            List.copyOf(changed),
            Formats.progressTexts(after.progress()),
            after.progress().percent()));
  }
}
