package dev.cab.alerts.lifecycle;

/** The states of an alert on {@code cab.alerts.v1}. */
public final class AlertStates {
  private AlertStates() {}

  /** Before the first transition (only ever a {@code previous_state}). */
  public static final String INACTIVE = "inactive";

  /** Nominally significant, not yet after the multiplicity correction: not delivered. */
  public static final String PENDING = "pending";

  /** Significant after alpha spending and Benjamini-Hochberg: delivered to receivers. */
  public static final String FIRING = "firing";

  /** Was pending or firing, is not any more (the evidence changed, e.g. a re-run). */
  public static final String RESOLVED = "resolved";
}
