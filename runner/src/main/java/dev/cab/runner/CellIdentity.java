package dev.cab.runner;

import java.util.Objects;

/**
 * Who a cell is: agent CLI x model x task in a sweep. Every span and scorer event of the cell
 * carries all of it as attributes.
 *
 * @param cellId {@value CabAttributes#CELL_ID}; by default {@code sweep/tui/model/task}
 * @param sweepId {@value CabAttributes#SWEEP_ID}
 * @param tui {@value CabAttributes#TUI} and {@value CabAttributes#AGENT_NAME}: the agent CLI
 * @param model {@value CabAttributes#REQUEST_MODEL}
 * @param task {@value CabAttributes#TASK_ID}, e.g. {@code mutations/rust-error-negated}
 * @param category {@value CabAttributes#TASK_CATEGORY}, e.g. {@code mutations}
 */
public record CellIdentity(
    String cellId, String sweepId, String tui, String model, String task, String category) {

  public CellIdentity {
    requireText(cellId, "cellId");
    requireText(sweepId, "sweepId");
    requireText(tui, "tui");
    requireText(model, "model");
    requireText(task, "task");
    requireText(category, "category");
  }

  /** An identity whose cell id is {@code sweep/tui/model/task}. */
  public static CellIdentity of(
      String sweepId, String tui, String model, String task, String category) {
    requireText(sweepId, "sweepId");
    requireText(tui, "tui");
    requireText(model, "model");
    requireText(task, "task");
    return new CellIdentity(
        sweepId + "/" + tui + "/" + model + "/" + task, sweepId, tui, model, task, category);
  }

  /**
   * An identity whose category is the task's first path segment ({@code mutations} for {@code
   * mutations/rust-error-negated}) and whose cell id is {@code sweep/tui/model/task}.
   */
  public static CellIdentity of(String sweepId, String tui, String model, String task) {
    requireText(task, "task");
    int slash = task.indexOf('/');
    return of(sweepId, tui, model, task, slash > 0 ? task.substring(0, slash) : task);
  }

  /** The same identity under another cell id. */
  public CellIdentity withCellId(String newCellId) {
    return new CellIdentity(newCellId, sweepId, tui, model, task, category);
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
