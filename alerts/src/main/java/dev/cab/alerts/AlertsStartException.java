package dev.cab.alerts;

/** The alerts stage cannot start (Kafka unreachable, topics cannot be created). */
public final class AlertsStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AlertsStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
