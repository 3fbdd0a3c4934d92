package dev.cab.runner;

import dev.cab.runner.internal.Hex;

/**
 * The OTLP ids of a cell: one trace per cell, and the span id its root (adapter_run) span will
 * have. Reserving the root span id up front lets scorer events link to the root before it starts
 * (out-of-order delivery) and after it ended (late scorer events).
 *
 * @param traceId 32 lower-case hex characters, not all zero
 * @param rootSpanId 16 lower-case hex characters, not all zero
 */
public record CellTraceIds(String traceId, String rootSpanId) {

  public CellTraceIds {
    Hex.requireId(traceId, 32, "traceId");
    Hex.requireId(rootSpanId, 16, "rootSpanId");
  }
}
