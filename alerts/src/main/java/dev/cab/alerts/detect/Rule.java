package dev.cab.alerts.detect;

import java.util.Locale;

/**
 * The detection rules. Each compares a candidate sweep with its baseline on the cells the two share
 * (same tui, model and task), one-sided: only regressions alert.
 */
public enum Rule {
  /** Pass rate of one (tui, model) drops: exact McNemar, paired by task. */
  PASS_RATE_DROP,
  /** One task starts failing across pairs: Fisher's exact test over the pairs' cells. */
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

  /**
   * The family the rule's hypotheses are corrected in (Benjamini-Hochberg within a family,
   * Bonferroni across families): the two latency rules form one family, the two infra rules
   * another.
   */
  public Family family() {
    return switch (this) {
      case PASS_RATE_DROP -> Family.PASS_RATE;
      case TASK_FAILING -> Family.TASK;
      case LATENCY_RISE_MODEL, LATENCY_RISE_PAIR -> Family.LATENCY;
      case INFRA_RATE_RISE_SWEEP, INFRA_RATE_RISE_PAIR -> Family.INFRA;
    };
  }

  /**
   * The families of hypotheses and their shares of a comparison's false-alarm budget (they sum to
   * 1). Fixed before any data, from what each family needs: a 1.5x latency rise or a 3% -> 12%
   * infra spike gives p-values below 1e-6, so 5% of the budget loses them nothing, while a 0.3
   * pass-rate drop over 50 tasks or a task breaking over 16 pairs is at the edge of what the cells
   * can show, and every share taken from them costs detections (docs/ALERTS.md).
   */
  public enum Family {
    PASS_RATE(0.45),
    TASK(0.45),
    LATENCY(0.05),
    INFRA(0.05);

    private final double share;

    Family(double share) {
      this.share = share;
    }

    /** The family's share of the budget {@code q}. */
    public double share() {
      return share;
    }
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
