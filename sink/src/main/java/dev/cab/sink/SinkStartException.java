package dev.cab.sink;

/**
 * The sink cannot start: ClickHouse is unreachable, refuses the credentials, or the schema fails.
 */
public final class SinkStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SinkStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
