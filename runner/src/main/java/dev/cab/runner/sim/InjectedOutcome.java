package dev.cab.runner.sim;

/**
 * What the simulator made of one cell, for checking the pipeline's outcome triage against it.
 *
 * @param cellId the cell
 * @param outcome {@code passed}, {@code failed} (the agent ran, the tests failed) or {@code
 *     infra_error} (the simulator killed or crashed the container, or the run timed out), as the
 *     cell record's {@code outcome} should say
 * @param infraCause {@code timeout}, {@code oom_killed} (exit 137) or {@code container_crash} (exit
 *     1, the container span in error) for an infra error, else null
 */
public record InjectedOutcome(String cellId, String outcome, String infraCause) {}
