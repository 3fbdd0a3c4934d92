package dev.cab.collector.http;

import java.io.IOException;

/** A request body went past the configured limit while being read. */
final class BodyTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  BodyTooLargeException(long limit) {
    super("body exceeds " + limit + " bytes");
  }
}
