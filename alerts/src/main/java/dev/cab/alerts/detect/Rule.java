package dev.cab.alerts.detect;

import java.util.Locale;

/**
 * The detection rules. Each compares a candidate sweep with its baseline on the cells the two share
 * (same tui, model and task), one-sided: only regressions alert.
 */
public enum Rule {
  /** Pass rate of one (tui, model) drops: exact McNemar, paired by task. */
  PASS_RATE_DROP,
  /** One task starts failing across pairs: exact McNemar, paired by (tui, model). */
  TASK_FAILING,
  /** Wall clock of one model rises: Wilcoxon signed-rank, paired by (tui, task). */
  LATENCY_RISE_MODEL,
  /** Wall clock of one (tui, model) rises: Wilcoxon signed-rank, paired by task. */
  LATENCY_RISE_PAIR,
  /** Infra-error rate of the whole sweep rises: exact McNemar on infra errors, paired by cell. */
  INFRA_RATE_RISE_SWEEP,
  /** Infra-error rate of one (tui, model) rises: exact McNemar on infra errors, paired by task. */
  INFRA_RATE_RISE_PAIR;

  /** The name on the wire and in labels: {@code pass_rate_drop}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  boolean aboutLatency() {
    return this == LATENCY_RISE_MODEL || this == LATENCY_RISE_PAIR;
  }

  boolean aboutInfra() {
    return this == INFRA_RATE_RISE_SWEEP || this == INFRA_RATE_RISE_PAIR;
  }

  /** Whether a cell with these labels belongs to the hypothesis with {@code h}'s labels. */
  static String tuiLabel(Rule r, Observation o) {
    return switch (r) {
      case PASS_RATE_DROP, LATENCY_RISE_PAIR, INFRA_RATE_RISE_PAIR -> o.tui();
      default -> "";
    };
  }

  static String modelLabel(Rule r, Observation o) {
    return switch (r) {
      case PASS_RATE_DROP, LATENCY_RISE_PAIR, INFRA_RATE_RISE_PAIR, LATENCY_RISE_MODEL -> o.model();
      default -> "";
    };
  }

  static String taskLabel(Rule r, Observation o) {
    return r == TASK_FAILING ? o.task() : "";
  }

  /** Whether the two sides of a pair both count for this rule. */
  boolean eligible(Observation o) {
    if (o == null) {
      return false;
    }
    if (aboutInfra()) {
      return o.outcome() != Outcome.PENDING;
    }
    if (aboutLatency()) {
      return o.hasLatency();
    }
    return o.outcome().decided();
  }
}
