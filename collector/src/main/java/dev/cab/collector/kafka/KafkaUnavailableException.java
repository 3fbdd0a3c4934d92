package dev.cab.collector.kafka;

/** Kafka did not acknowledge (or could not be reached) in time: retriable, 503/UNAVAILABLE. */
public final class KafkaUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
