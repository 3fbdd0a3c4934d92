package dev.cab.alerts.deliver;

/** A delivery that did not go through; {@link #retriable()} says whether trying again may help. */
public final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public DeliveryException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
