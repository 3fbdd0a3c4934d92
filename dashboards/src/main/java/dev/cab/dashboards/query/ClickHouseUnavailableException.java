package dev.cab.dashboards.query;

/**
 * ClickHouse could not be reached or answered with a server error: pages say so (503) and the board
 * keeps retrying. Never carries user input or credentials in its message.
 */
public final class ClickHouseUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClickHouseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
