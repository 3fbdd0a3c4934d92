package dev.cab.collector.internal;

/**
 * How one export request ended once Kafka acknowledged everything that was accepted.
 *
 * @param accepted items stored
 * @param rejected items refused (OTLP partial success)
 * @param ignored items deliberately skipped (non-evaluation log records)
 * @param errorMessage why items were rejected, or empty
 */
public record ExportOutcome(int accepted, int rejected, int ignored, String errorMessage) {}
