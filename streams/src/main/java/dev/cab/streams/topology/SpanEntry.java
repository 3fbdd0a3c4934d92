package dev.cab.streams.topology;

import dev.cab.model.wire.TokenTotals;

/**
 * What the cell state keeps of one span: no attributes, only what the cell record shows.
 *
 * @param kind {@code cab.span.kind}, or null when the runner sent none
 * @param error whether the span's status is ERROR
 * @param tokens {@code gen_ai.usage.*} of a {@code model_call} span, else null
 * @param errorType {@code error.type} of the span, or null (states stored before it have none)
 */
public record SpanEntry(String kind, boolean error, TokenTotals tokens, String errorType) {}
