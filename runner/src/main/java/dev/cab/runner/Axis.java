package dev.cab.runner;

/**
 * The scoring axes of a cell, in page order: the values of {@value CabAttributes#EVALUATION_NAME}.
 * A cell is complete when it has one scorer event per axis.
 */
public enum Axis {
  /** Headline: {@code pass} (0 or 1). */
  PASS_RATE(CabAttributes.Axes.PASS_RATE),
  /**
   * Headline: {@code tokens_per_correct_task}; may carry {@value CabAttributes#COST_EFFICIENCY}.
   */
  TOKENS(CabAttributes.Axes.TOKENS),
  /** Headline: {@code wall_clock_ms}; may carry {@value CabAttributes#LATENCY_EFFICIENCY}. */
  LATENCY(CabAttributes.Axes.LATENCY),
  /** Headline: {@code blast_radius} (number of unexpected changes). */
  BLAST_RADIUS(CabAttributes.Axes.BLAST_RADIUS),
  /** Headline: {@code refusal}. */
  REFUSAL(CabAttributes.Axes.REFUSAL),
  /** Headline: {@code integrity}. */
  INTEGRITY(CabAttributes.Axes.INTEGRITY);

  private final String wireName;

  Axis(String wireName) {
    this.wireName = wireName;
  }

  /** The value sent as {@value CabAttributes#EVALUATION_NAME}, e.g. {@code pass_rate}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The axis with this wire name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Axis fromWireName(String wireName) {
    for (Axis axis : values()) {
      if (axis.wireName.equals(wireName)) {
        return axis;
      }
    }
    throw new IllegalArgumentException("unknown axis: " + wireName);
  }
}
