package dev.cab.alerts.detect;

/** What a cell's run came to, as far as detection cares. */
public enum Outcome {
  /** The agent ran and the task's tests passed. */
  PASSED,
  /** The agent ran and the task's tests failed. */
  FAILED,
  /** The harness or the container failed: says nothing about the agent. */
  INFRA_ERROR,
  /** Not decided yet (running, or the pass_rate axis has not arrived). */
  PENDING;

  /** Passed or failed: the cell counts in pass-rate and latency comparisons. */
  public boolean decided() {
    return this == PASSED || this == FAILED;
  }
}
