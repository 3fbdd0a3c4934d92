package dev.cab.model.wire;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a cell page shows, folded from the cell's spans and scorer events by the streams stage
 * and written, keyed by cell id, to the compacted {@code cab.cells.v1}. Each update has a larger
 * {@code version}; the newest version of a cell is the truth.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param cellId run identity: the cell
 * @param sweepId run identity: the sweep
 * @param tui run identity: the agent CLI
 * @param model run identity: the model
 * @param task run identity: the task id
 * @param category run identity: the task category
 * @param containerImage {@code container.image.name} of the root span
 * @param imageDigest {@code container.image.id} of the root span
 * @param modelBuildId {@code cab.model.build_id} of the root span
 * @param exitCode {@code process.exit.code} of the root span
 * @param startedAt root span start
 * @param endedAt root span end
 * @param durationMs root span duration in milliseconds
 * @param axes per axis, its full breakdown exactly as the scorer sent it
 * @param axisScores per axis, its headline score value
 * @param composite the composite, or null while required axes are missing
 * @param spans span summary
 * @param tokens token totals from model-call spans, or null when not recorded
 * @param status running, complete or incomplete
 * @param missingAxes required axes not yet received
 * @param outcome passed, failed, infra_error or pending (null from writers before schema 2)
 * @param outcomeReason why the outcome was decided, e.g. {@code exit_code 137}, {@code timeout},
 *     {@code error span task_setup}, {@code scores missing after grace: [latency]}; null when
 *     pending
 * @param version grows by one with each change to the record
 * @param updatedAt event time of the update that produced this version
 */
public record CellRecord(
    int schemaVersion,
    String cellId,
    String sweepId,
    String tui,
    String model,
    String task,
    String category,
    String containerImage,
    String imageDigest,
    String modelBuildId,
    Integer exitCode,
    Instant startedAt,
    Instant endedAt,
    Double durationMs,
    Map<String, Map<String, Object>> axes,
    Map<String, Double> axisScores,
    Composite composite,
    SpanSummary spans,
    TokenTotals tokens,
    CellStatus status,
    List<String> missingAxes,
    CellOutcome outcome,
    String outcomeReason,
    long version,
    Instant updatedAt) {

  /** 2 added {@code outcome} and {@code outcomeReason}. */
  public static final int SCHEMA_VERSION = 2;

  public CellRecord {
    axes = axes == null ? Map.of() : axes;
    axisScores = axisScores == null ? Map.of() : axisScores;
    spans = spans == null ? SpanSummary.EMPTY : spans;
    missingAxes = missingAxes == null ? List.of() : List.copyOf(missingAxes);
  }
}
