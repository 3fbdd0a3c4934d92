package dev.cab.model.wire;

import java.util.Objects;

/**
 * Who a span or scorer event belongs to: the cell (agent CLI x model x task in a sweep). Every span
 * and every scorer event carries it; the cell id is the Kafka key of every per-cell topic.
 *
 * @param cellId {@code cab.cell.id}, e.g. {@code free-20260527/openhands/meta/llama/mutations/x}
 * @param sweepId {@code cab.sweep.id}
 * @param tui {@code cab.tui} (also {@code gen_ai.agent.name}): the agent CLI
 * @param model {@code gen_ai.request.model}
 * @param task {@code cab.task.id}
 * @param category {@code cab.task.category}
 */
public record CellIdentity(
    String cellId, String sweepId, String tui, String model, String task, String category) {

  public CellIdentity {
    Objects.requireNonNull(cellId, "cellId");
  }

  /** This identity moved to another cell id (tests sharing one broker keep their cells apart). */
  public CellIdentity withCellId(String cellId) {
    return new CellIdentity(cellId, sweepId, tui, model, task, category);
  }
}
