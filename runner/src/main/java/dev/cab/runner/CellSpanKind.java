package dev.cab.runner;

/** The kinds of span in a cell's trace: the values of {@value CabAttributes#SPAN_KIND}. */
public enum CellSpanKind {
  /** Preparing the task's workdir, before the agent runs. */
  TASK_SETUP(CabAttributes.SpanKinds.TASK_SETUP),
  /** A harness step inside the run, such as applying plugins. */
  TOOL_CALL(CabAttributes.SpanKinds.TOOL_CALL),
  /** The agent's container run. */
  CONTAINER(CabAttributes.SpanKinds.CONTAINER),
  /** The adapter run: the cell's root span. */
  ADAPTER_RUN(CabAttributes.SpanKinds.ADAPTER_RUN),
  /** Tearing down after the run. */
  CLEANUP(CabAttributes.SpanKinds.CLEANUP),
  /** One call to the model, carrying token usage. */
  MODEL_CALL(CabAttributes.SpanKinds.MODEL_CALL);

  private final String wireName;

  CellSpanKind(String wireName) {
    this.wireName = wireName;
  }

  /** The value sent as {@value CabAttributes#SPAN_KIND}, e.g. {@code task_setup}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The kind with this wire name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static CellSpanKind fromWireName(String wireName) {
    for (CellSpanKind kind : values()) {
      if (kind.wireName.equals(wireName)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown span kind: " + wireName);
  }
}
