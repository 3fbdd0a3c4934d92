package dev.cab.streams.topology;

import java.util.Map;

/**
 * What the cell state keeps of one axis: everything the cell record shows of it.
 *
 * @param scoreValue the headline score, or null
 * @param breakdown the full breakdown, keys in the runner's order
 * @param runnerEfficiency {@code cab.latency_efficiency} on the latency axis, {@code
 *     cab.cost_efficiency} on the tokens axis, else null
 */
public record AxisEntry(Double scoreValue, Map<String, Object> breakdown, Double runnerEfficiency) {

  public AxisEntry {
    breakdown = breakdown == null ? Map.of() : breakdown;
  }
}
