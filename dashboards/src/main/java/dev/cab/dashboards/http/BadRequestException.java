package dev.cab.dashboards.http;

/** A request the dashboards refuse with a 4xx and a message naming what was wrong. */
final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  BadRequestException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
