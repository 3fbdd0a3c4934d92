package dev.cab.dashboards.query;

/**
 * ClickHouse could not be reached or answered with a server error: pages say so (503) and the board
 * keeps retrying. Never carries user input or credentials in its message.
 */
public final class ClickHouseUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  public ClickHouseUnavailableException(String message, Throwable cause) {
    this(message, "", cause);
  }

  /**
   * @param code ClickHouse's {@code X-ClickHouse-Exception-Code} ("" when it never answered)
   */
  public ClickHouseUnavailableException(String message, String code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** ClickHouse's error code, e.g. {@code 60} for an unknown table; "" when it did not answer. */
  public String code() {
    return code;
  }
}
