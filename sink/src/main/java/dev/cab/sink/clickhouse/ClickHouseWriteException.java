package dev.cab.sink.clickhouse;

/**
 * ClickHouse cannot take a batch and retrying or dead-lettering will not help (a fatal error, or
 * retriable errors for longer than the retry timeout). The sink stops without committing, so every
 * record of the batch is read again by the next sink.
 */
public final class ClickHouseWriteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClickHouseWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
