package dev.cab.streams.topology;

import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.TokenTotals;
import dev.cab.model.wire.WireAttributes;
import dev.cab.model.wire.WireAttributes.SpanKinds;
import java.time.Instant;

/**
 * What the cell fold needs of one span, projected from a {@link SpanRecord} before grouping so that
 * neither the grouped stream nor the cell state ever carries full span attributes.
 *
 * @param cell the span's cell identity (the record key fills in a missing one)
 * @param spanId the span id
 * @param entry what the cell state keeps of the span
 * @param root the run facts when this is the {@code adapter_run} span, else null
 * @param timestamp the Kafka record timestamp (event time) of the span
 */
public record SpanFact(
    CellIdentity cell, String spanId, SpanEntry entry, RootSpan root, Instant timestamp) {

  /**
   * Projects a span.
   *
   * @param key the record key: the cell id
   * @param span the span
   * @param timestamp the record timestamp
   * @throws IllegalArgumentException when the span has no span id (nothing to deduplicate on)
   */
  public static SpanFact of(String key, SpanRecord span, Instant timestamp) {
    if (span.spanId() == null || span.spanId().isBlank()) {
      throw new IllegalArgumentException(
          "span '" + span.name() + "' of cell " + key + " has no id");
    }
    CellIdentity cell =
        span.cell() != null || key == null
            ? span.cell()
            : new CellIdentity(key, null, null, null, null, null);
    TokenTotals tokens =
        SpanKinds.MODEL_CALL.equals(span.kind())
            ? new TokenTotals(
                tokens(span, WireAttributes.USAGE_INPUT_TOKENS),
                tokens(span, WireAttributes.USAGE_OUTPUT_TOKENS),
                tokens(span, WireAttributes.USAGE_CACHE_READ_INPUT_TOKENS),
                tokens(span, WireAttributes.USAGE_CACHE_CREATION_INPUT_TOKENS),
                1)
            : null;
    RootSpan root =
        SpanKinds.ADAPTER_RUN.equals(span.kind())
            ? new RootSpan(
                span.spanId(),
                string(span, WireAttributes.CONTAINER_IMAGE_NAME),
                string(span, WireAttributes.CONTAINER_IMAGE_ID),
                string(span, WireAttributes.MODEL_BUILD_ID),
                integer(span, WireAttributes.PROCESS_EXIT_CODE),
                span.startTime(),
                span.endTime(),
                span.durationMs())
            : null;
    return new SpanFact(
        cell,
        span.spanId(),
        new SpanEntry(span.kind(), span.isError(), tokens, string(span, WireAttributes.ERROR_TYPE)),
        root,
        timestamp);
  }

  /** A span attribute, falling back to the resource (container.* are resource conventions). */
  private static Object attribute(SpanRecord span, String key) {
    Object v = span.attributes().get(key);
    return v != null ? v : span.resource().get(key);
  }

  private static String string(SpanRecord span, String key) {
    Object v = attribute(span, key);
    return v == null ? null : String.valueOf(v);
  }

  private static Integer integer(SpanRecord span, String key) {
    Long v = whole(attribute(span, key));
    return v == null ? null : Math.toIntExact(v);
  }

  private static long tokens(SpanRecord span, String key) {
    Long v = whole(attribute(span, key));
    return v == null ? 0 : v;
  }

  /** OTLP ints arrive as numbers, but a hand-written runner may send "42". */
  private static Long whole(Object v) {
    return switch (v) {
      case Number n -> n.longValue();
      case String s when s.strip().matches("-?\\d+") -> Long.parseLong(s.strip());
      case null, default -> null;
    };
  }
}
