package dev.cab.collector.auth;

/** A request without a valid bearer token; the message is the one-line reason for the client. */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }
}
