package dev.cab.streams.topology;

import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.WireAttributes;
import dev.cab.model.wire.WireAttributes.Axes;
import java.time.Instant;

/**
 * What the cell fold needs of one scorer event, projected from a {@link ScoreEvent} before
 * grouping.
 *
 * @param cell the event's cell identity (the record key fills in a missing one)
 * @param axis the axis ({@code gen_ai.evaluation.name})
 * @param entry what the cell state keeps of the axis
 * @param timestamp the Kafka record timestamp (event time) of the event
 */
public record AxisFact(CellIdentity cell, String axis, AxisEntry entry, Instant timestamp) {

  /**
   * Projects a scorer event.
   *
   * @param key the record key: the cell id
   * @param event the scorer event
   * @param timestamp the record timestamp
   * @throws IllegalArgumentException when the event names no axis
   */
  public static AxisFact of(String key, ScoreEvent event, Instant timestamp) {
    if (event.axis() == null || event.axis().isBlank()) {
      throw new IllegalArgumentException("scorer event of cell " + key + " names no axis");
    }
    CellIdentity cell =
        event.cell() != null || key == null
            ? event.cell()
            : new CellIdentity(key, null, null, null, null, null);
    // The runner's sweep-normalised efficiencies ride on the axis they belong to.
    Double efficiency =
        switch (event.axis()) {
          case Axes.LATENCY -> event.numericAttribute(WireAttributes.LATENCY_EFFICIENCY);
          case Axes.TOKENS -> event.numericAttribute(WireAttributes.COST_EFFICIENCY);
          default -> null;
        };
    return new AxisFact(
        cell,
        event.axis(),
        new AxisEntry(event.scoreValue(), event.breakdown(), efficiency),
        timestamp);
  }
}
