package dev.cab.model.wire;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a cell's run says about the agent, as opposed to the harness: the triage every pass rate
 * rests on. Infra errors are counted on their own and kept out of pass-rate denominators. The rules
 * that decide it are the streams stage's (docs/ANALYTICS.md, "Outcome triage").
 */
public enum CellOutcome {
  /** The agent ran and the task's tests passed. */
  PASSED,
  /** The agent ran and the task's tests failed. */
  FAILED,
  /**
   * The harness or container failed (exit 125/126/127, killed 137, a harness timeout, an error in
   * task_setup, container or cleanup, scorer events missing after the grace period): says nothing
   * about the agent.
   */
  INFRA_ERROR,
  /** Not decided yet: the run has not ended or its pass_rate score has not arrived. */
  PENDING;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
