package dev.cab.collector.otlp;

/** An export request body that cannot be decoded; the message says what was wrong. */
public final class OtlpDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public OtlpDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
