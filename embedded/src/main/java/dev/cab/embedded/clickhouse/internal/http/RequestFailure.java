package dev.cab.embedded.clickhouse.internal.http;

import java.io.Serial;

/**
 * A request the server refuses before or instead of running it, with the ClickHouse error code a
 * real server would report (the HTTP status follows from the code, see {@link ErrorCodes}).
 */
final class RequestFailure extends Exception {

  @Serial private static final long serialVersionUID = 1L;

  private final int code;

  RequestFailure(int code, String message) {
    super(message);
    this.code = code;
  }

  RequestFailure(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  int code() {
    return code;
  }
}
