package dev.cab.collector.otlp;

import java.util.List;

/**
 * What one OTLP export request became: the records to store, one reason per rejected item, and how
 * many items were ignored (log records that are not scorer events).
 *
 * @param accepted records mapped successfully, in request order
 * @param rejections one human-readable reason per rejected item (never a secret value)
 * @param ignored items deliberately skipped
 * @param <T> SpanRecord or ScoreEvent
 */
public record MappedBatch<T>(List<T> accepted, List<String> rejections, int ignored) {
  public MappedBatch {
    accepted = List.copyOf(accepted);
    rejections = List.copyOf(rejections);
  }
}
