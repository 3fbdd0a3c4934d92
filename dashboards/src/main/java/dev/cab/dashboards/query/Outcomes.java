package dev.cab.dashboards.query;

/**
 * The outcome of a cell (passed, failed, infra_error, running, pending) as one SQL expression over
 * {@code cells}, in one place: an infrastructure failure is a cell that did not pass and whose run
 * failed around the agent (an error span such as an OOM kill or a crashed container, or a timeout).
 */
public final class Outcomes {
  private Outcomes() {}

  public static final String SQL =
      "multiIf(status = 'running', 'running',"
          + " pass_rate > 0, 'passed',"
          + " length(error_span_ids) > 0"
          + " OR JSONExtractBool(ifNull(axis_pass_rate, '{}'), 'timed_out'), 'infra_error',"
          + " pass_rate IS NULL, 'running',"
          + " 'failed')";
}
