package dev.cab.runner;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One benchmark cell in flight: one trace whose spans and scorer events all carry the cell's
 * identity. Spans started while the root (adapter_run) span is open become its children unless a
 * parent is chosen; spans started before or after it have no parent but share the cell's trace.
 * Scorer events may be emitted at any time, before the root starts or after the cell ended: they
 * always link to the root's reserved span id.
 *
 * <p>Thread-safe, though a cell is normally driven by one thread.
 */
public final class Cell {
  private final CabTelemetry telemetry;
  private final CellIdentity identity;
  private final CellTraceIds traceIds;
  private final Attributes identityAttributes;
  private final Context rootContext;
  private final List<CellSpan> open = new ArrayList<>();
  private CellSpan root;
  private boolean rootOpen;

  Cell(CabTelemetry telemetry, CellIdentity identity, CellTraceIds traceIds) {
    this.telemetry = telemetry;
    this.identity = identity;
    this.traceIds = traceIds;
    this.identityAttributes =
        Attributes.builder()
            .put(CabAttributes.CELL_ID, identity.cellId())
            .put(CabAttributes.SWEEP_ID, identity.sweepId())
            .put(CabAttributes.TUI, identity.tui())
            .put(CabAttributes.AGENT_NAME, identity.tui())
            .put(CabAttributes.REQUEST_MODEL, identity.model())
            .put(CabAttributes.TASK_ID, identity.task())
            .put(CabAttributes.TASK_CATEGORY, identity.category())
            .build();
    this.rootContext =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.create(
                        traceIds.traceId(),
                        traceIds.rootSpanId(),
                        TraceFlags.getSampled(),
                        TraceState.getDefault())));
  }

  public CellIdentity identity() {
    return identity;
  }

  /** The cell's trace id and its root span's (reserved) span id. */
  public CellTraceIds traceIds() {
    return traceIds;
  }

  /** A span of this kind, to configure (parent, start time, span id) before it starts. */
  public CellSpanBuilder spanBuilder(CellSpanKind kind, String name) {
    return new CellSpanBuilder(this, kind, name);
  }

  /** The root (adapter_run) span, to configure before it starts; it has the reserved span id. */
  public CellSpanBuilder rootBuilder(String name) {
    return spanBuilder(CellSpanKind.ADAPTER_RUN, name);
  }

  /** A model_call span named {@code chat {model}}, to configure before it starts. */
  public CellSpanBuilder modelCallBuilder() {
    return spanBuilder(CellSpanKind.MODEL_CALL, "chat " + identity.model());
  }

  /** Starts a span of this kind now, with the default parent. */
  public CellSpan span(CellSpanKind kind, String name) {
    return spanBuilder(kind, name).start();
  }

  /** Starts the root (adapter_run) span now. */
  public CellSpan root(String name) {
    return rootBuilder(name).start();
  }

  /** Starts the root (adapter_run) span now, named {@code tui:task} as the published pages are. */
  public CellSpan root() {
    return root(identity.tui() + ":" + identity.task());
  }

  /** Starts a model_call span now with this token usage; end it when the call returns. */
  public CellSpan modelCall(TokenUsage usage) {
    return modelCallBuilder().start().usage(usage);
  }

  /** A scorer event for this axis with this headline value, to complete before {@code emit()}. */
  public EvaluationBuilder evaluation(Axis axis, double value) {
    return new EvaluationBuilder(this, axis.wireName(), value);
  }

  /**
   * A scorer event for an axis outside {@link Axis} (kept by the pipeline but not required).
   *
   * @throws IllegalArgumentException for a blank axis name
   */
  public EvaluationBuilder evaluation(String axis, double value) {
    if (axis == null || axis.isBlank()) {
      throw new IllegalArgumentException("axis must not be blank");
    }
    return new EvaluationBuilder(this, axis, value);
  }

  /** Emits a scorer event now: headline value and full breakdown (keys sent in map order). */
  public void score(Axis axis, double value, Map<String, ?> breakdown) {
    evaluation(axis, value).breakdown(breakdown).emit();
  }

  /** Ends every span of this cell that is still open, now. Scorer events may still follow. */
  public void end() {
    end(null);
  }

  /** Ends every span still open at {@code endTime} (children before the root). */
  public void end(Instant endTime) {
    List<CellSpan> stillOpen;
    synchronized (this) {
      stillOpen = new ArrayList<>(open);
    }
    for (CellSpan span : stillOpen.reversed()) {
      if (endTime == null) {
        span.end();
      } else {
        span.end(endTime);
      }
    }
  }

  /** Whether the root span has started and not yet ended. */
  public synchronized boolean isRootOpen() {
    return rootOpen;
  }

  CabTelemetry telemetry() {
    return telemetry;
  }

  Attributes identityAttributes() {
    return identityAttributes;
  }

  /** A context whose span is the root: parent of children, and link of scorer events. */
  Context rootContext() {
    return rootContext;
  }

  synchronized void claimRoot() {
    if (root != null) {
      throw new IllegalStateException("cell " + identity.cellId() + " already has a root span");
    }
  }

  synchronized void started(CellSpan span) {
    open.add(span);
    if (span.kind() == CellSpanKind.ADAPTER_RUN) {
      root = span;
      rootOpen = true;
    }
  }

  synchronized void ended(CellSpan span) {
    open.remove(span);
    if (span == root) {
      rootOpen = false;
    }
  }
}
