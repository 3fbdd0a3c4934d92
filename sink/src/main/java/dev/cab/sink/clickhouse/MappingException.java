package dev.cab.sink.clickhouse;

/**
 * A Kafka record cannot become a row: its bytes do not decode, or a required field (the cell id) is
 * missing. The record is dead-lettered. The message never quotes record contents.
 */
public final class MappingException extends Exception {
  private static final long serialVersionUID = 1L;

  public MappingException(String message) {
    super(message);
  }

  public MappingException(String message, Throwable cause) {
    super(message, cause);
  }
}
