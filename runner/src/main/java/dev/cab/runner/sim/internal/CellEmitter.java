package dev.cab.runner.sim.internal;

import dev.cab.runner.Axis;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.Cell;
import dev.cab.runner.CellSpan;
import dev.cab.runner.CellSpanBuilder;
import dev.cab.runner.EvaluationBuilder;
import dev.cab.runner.sim.internal.SimulatedCell.Parent;
import dev.cab.runner.sim.internal.SimulatedCell.Score;
import dev.cab.runner.sim.internal.SimulatedCell.Span;

/** Sends a {@link SimulatedCell} through the public SDK, exactly as a runner would. Not API. */
public final class CellEmitter {
  private final CabTelemetry telemetry;

  public CellEmitter(CabTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  /** Opens the cell (no data is sent yet). */
  public Cell open(SimulatedCell cell) {
    return telemetry.startCell(cell.identity(), cell.traceIds());
  }

  /**
   * Starts and ends every span of the cell with its explicit ids and timestamps.
   *
   * @return spans sent
   */
  public int emitSpans(Cell cell, SimulatedCell data) {
    Span rootData =
        data.spans().stream()
            .filter(s -> s.kind() == dev.cab.runner.CellSpanKind.ADAPTER_RUN)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("cell without a root span"));
    CellSpan root = cell.rootBuilder(rootData.name()).startAt(rootData.start()).start();
    decorate(root, rootData);
    for (Span s : data.spans()) {
      if (s == rootData) {
        continue;
      }
      CellSpanBuilder builder =
          cell.spanBuilder(s.kind(), s.name()).startAt(s.start()).spanId(s.spanId());
      if (s.parent() == Parent.ROOT) {
        builder.parent(root);
      } else {
        builder.noParent();
      }
      CellSpan span = builder.start();
      decorate(span, s);
      span.end(s.end());
    }
    root.end(rootData.end());
    return data.spans().size();
  }

  /** Emits one scorer event. */
  public void emitScore(Cell cell, Score score) {
    EvaluationBuilder event =
        cell.evaluation(score.axis(), score.value())
            .breakdown(score.breakdown())
            .timestamp(score.time());
    if (score.efficiency() != null
        && (score.axis() == Axis.LATENCY || score.axis() == Axis.TOKENS)) {
      event.efficiency(score.efficiency());
    }
    event.emit();
  }

  private static void decorate(CellSpan span, Span s) {
    span.setAll(s.attributes());
    if (s.imageName() != null) {
      span.containerImage(s.imageName(), s.imageDigest());
    }
    if (s.modelBuildId() != null) {
      span.modelBuildId(s.modelBuildId());
    }
    if (s.exitCode() != null) {
      span.exitCode(s.exitCode());
    }
    if (s.usage() != null) {
      span.usage(s.usage());
    }
    if (s.errorMessage() != null) {
      if (s.errorType() != null) {
        span.error(s.errorType(), s.errorMessage());
      } else {
        span.error(s.errorMessage());
      }
    }
  }
}
