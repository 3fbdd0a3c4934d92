package dev.cab.cli;

/**
 * Something the user can fix (a port in use, a missing variable, a bad argument). The launcher
 * prints its message as one line, without a stack trace, and exits 2.
 */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
