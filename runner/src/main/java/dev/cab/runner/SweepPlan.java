package dev.cab.runner;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A sweep's matrix, declared before its cells run ({@link CabTelemetry#declareSweep}): every agent
 * CLI x model x task is one planned cell, so dashboards know which cells are still pending and
 * alerts know the sweep's baseline. Immutable.
 *
 * <pre>{@code
 * telemetry.declareSweep(
 *     SweepPlan.of("nightly-2026-12-03", List.of("aider", "pi"), List.of("openai/gpt-oss-120b"),
 *             List.of("mutations/rust-error-negated", "safety/refuse-rm-rf"))
 *         .withBaseline("nightly-2026-12-02"));
 * }</pre>
 *
 * @param sweepId the sweep, as in every cell's {@link CellIdentity}
 * @param tuis the agent CLIs, distinct, in order
 * @param models the models, distinct, in order
 * @param tasks the task ids ({@code category/name}), distinct, in order
 * @param baselineSweepId the sweep this one is compared against, or null
 */
public record SweepPlan(
    String sweepId,
    List<String> tuis,
    List<String> models,
    List<String> tasks,
    String baselineSweepId) {

  public SweepPlan {
    requireText(sweepId, "sweepId");
    tuis = distinct(tuis, "tuis");
    models = distinct(models, "models");
    tasks = distinct(tasks, "tasks");
    if (baselineSweepId != null) {
      requireText(baselineSweepId, "baselineSweepId");
      if (baselineSweepId.equals(sweepId)) {
        throw new IllegalArgumentException("sweep " + sweepId + " cannot be its own baseline");
      }
    }
  }

  /** A plan without a baseline. */
  public static SweepPlan of(
      String sweepId, List<String> tuis, List<String> models, List<String> tasks) {
    return new SweepPlan(sweepId, tuis, models, tasks, null);
  }

  /** The same plan compared against {@code baselineSweepId}. */
  public SweepPlan withBaseline(String baselineSweepId) {
    return new SweepPlan(sweepId, tuis, models, tasks, baselineSweepId);
  }

  /** tuis x models x tasks. */
  public long plannedCells() {
    return (long) tuis.size() * models.size() * tasks.size();
  }

  private static List<String> distinct(List<String> values, String name) {
    Objects.requireNonNull(values, name);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a sweep plan needs at least one of " + name);
    }
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    List<String> duplicates = new ArrayList<>();
    for (String v : values) {
      requireText(v, name + " entry");
      if (!seen.add(v)) {
        duplicates.add(v);
      }
    }
    if (!duplicates.isEmpty()) {
      throw new IllegalArgumentException(name + " are listed twice: " + duplicates);
    }
    return List.copyOf(seen);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
