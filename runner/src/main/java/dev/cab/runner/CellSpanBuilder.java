package dev.cab.runner;

import dev.cab.runner.internal.Hex;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Objects;

/**
 * Configures one span of a {@link Cell} before it starts. By default the span starts now, gets a
 * random span id, and is a child of the root if the root is open, else has no parent (in the cell's
 * trace either way). An adapter_run span is the cell's root: it always gets the reserved root span
 * id and no parent. Not thread-safe; use once.
 */
public final class CellSpanBuilder {
  private enum ParentChoice {
    DEFAULT,
    EXPLICIT,
    NONE
  }

  private final Cell cell;
  private final CellSpanKind kind;
  private final String name;
  private ParentChoice parentChoice = ParentChoice.DEFAULT;
  private CellSpan parent;
  private Instant startTime;
  private String spanId;

  CellSpanBuilder(Cell cell, CellSpanKind kind, String name) {
    this.cell = cell;
    this.kind = Objects.requireNonNull(kind, "kind");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("span name must not be blank");
    }
    this.name = name;
  }

  /** Makes the span a child of {@code parent}, a span of the same cell. */
  public CellSpanBuilder parent(CellSpan parent) {
    Objects.requireNonNull(parent, "parent");
    if (parent.cell() != cell) {
      throw new IllegalArgumentException("parent belongs to another cell");
    }
    this.parent = parent;
    this.parentChoice = ParentChoice.EXPLICIT;
    return this;
  }

  /** Makes the span parentless (still in the cell's trace), even while the root is open. */
  public CellSpanBuilder noParent() {
    this.parent = null;
    this.parentChoice = ParentChoice.NONE;
    return this;
  }

  /** Starts the span at this time instead of now. */
  public CellSpanBuilder startAt(Instant startTime) {
    this.startTime = Objects.requireNonNull(startTime, "startTime");
    return this;
  }

  /**
   * Gives the span this id (16 lower-case hex characters) instead of a random one; ignored for the
   * root, which has the cell's reserved id.
   */
  public CellSpanBuilder spanId(String spanId) {
    this.spanId = Hex.requireId(spanId, 16, "spanId");
    return this;
  }

  /**
   * Starts the span.
   *
   * @throws IllegalStateException when starting a second root for the cell
   */
  public CellSpan start() {
    boolean isRoot = kind == CellSpanKind.ADAPTER_RUN;
    SpanBuilder builder =
        cell.telemetry()
            .tracer()
            .spanBuilder(name)
            .setAllAttributes(cell.identityAttributes())
            .setAttribute(CabAttributes.SPAN_KIND, kind.wireName());
    if (kind == CellSpanKind.MODEL_CALL) {
      builder.setAttribute(CabAttributes.OPERATION_NAME, "chat");
    }
    if (startTime != null) {
      builder.setStartTimestamp(startTime);
    }
    String id = spanId;
    if (isRoot) {
      cell.claimRoot();
      builder.setNoParent();
      id = cell.traceIds().rootSpanId();
    } else {
      Context parentContext =
          switch (parentChoice) {
            case EXPLICIT -> Context.root().with(Span.wrap(parent.spanContext()));
            case NONE -> null;
            case DEFAULT -> cell.isRootOpen() ? cell.rootContext() : null;
          };
      if (parentContext == null) {
        builder.setNoParent();
      } else {
        builder.setParent(parentContext);
      }
    }
    String traceId = cell.traceIds().traceId();
    Span span = cell.telemetry().ids().startWith(traceId, id, builder::startSpan);
    CellSpan handle = new CellSpan(cell, kind, name, span);
    cell.started(handle);
    return handle;
  }
}
