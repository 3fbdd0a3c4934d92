package dev.cab.model.wire;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A sweep's matrix, declared by its runner before its cells run ({@code cab.sweep.plan}, an OTLP
 * log record): every agent CLI x model x task is a planned cell, so readers know which cells are
 * still pending and how far a sweep has come. Written by the collector, keyed by sweep id, to the
 * compacted {@code cab.sweep-plans.v1}: a re-declared plan replaces the earlier one.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param sweepId {@code cab.sweep.id}
 * @param tuis {@code cab.sweep.tuis}: the agent CLIs, in the runner's order
 * @param models {@code cab.sweep.models}: the models
 * @param tasks {@code cab.sweep.tasks}: the task ids ({@code category/name})
 * @param baselineSweepId {@code cab.sweep.baseline}: the sweep this one is compared against, or
 *     null
 * @param plannedCells tuis x models x tasks
 * @param declaredAt the log record's time
 * @param attributes every other attribute of the log record (the runner's own notes)
 */
public record SweepPlan(
    int schemaVersion,
    String sweepId,
    List<String> tuis,
    List<String> models,
    List<String> tasks,
    String baselineSweepId,
    long plannedCells,
    Instant declaredAt,
    Map<String, Object> attributes) {

  public static final int SCHEMA_VERSION = 1;

  public SweepPlan {
    tuis = tuis == null ? List.of() : List.copyOf(tuis);
    models = models == null ? List.of() : List.copyOf(models);
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    attributes = attributes == null ? Map.of() : attributes;
  }

  /** This plan with {@code attributes} replaced. */
  public SweepPlan withAttributes(Map<String, Object> attributes) {
    return new SweepPlan(
        schemaVersion,
        sweepId,
        tuis,
        models,
        tasks,
        baselineSweepId,
        plannedCells,
        declaredAt,
        attributes);
  }
}
