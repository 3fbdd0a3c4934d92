package dev.cab.streams.config;

import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.WireAttributes.SpanKinds;
import java.time.Duration;
import java.util.Set;

/**
 * The rules that triage a cell into a {@link CellOutcome} (docs/ANALYTICS.md, "Outcome triage").
 * Immutable.
 *
 * @param infraExitCodes root-span {@code process.exit.code}s that mean the container or harness
 *     failed, not the agent (125 docker run failed, 126 not executable, 127 not found, 137 killed)
 * @param infraErrorSpanKinds span kinds whose ERROR status means the harness failed
 * @param timeoutErrorTypes {@code error.type} values on any span that mean a harness timeout
 * @param scoresGrace how long after its root span ended a cell may wait for missing required scorer
 *     events before it counts as an infra error (measured on the streams stage's clock from when it
 *     first saw the cell waiting)
 */
public record OutcomeRules(
    Set<Integer> infraExitCodes,
    Set<String> infraErrorSpanKinds,
    Set<String> timeoutErrorTypes,
    Duration scoresGrace) {

  public static final Set<Integer> DEFAULT_INFRA_EXIT_CODES = Set.of(125, 126, 127, 137);
  public static final Set<String> DEFAULT_INFRA_ERROR_SPAN_KINDS =
      Set.of(SpanKinds.TASK_SETUP, SpanKinds.CONTAINER, SpanKinds.CLEANUP);
  public static final Set<String> DEFAULT_TIMEOUT_ERROR_TYPES = Set.of("timeout");
  public static final Duration DEFAULT_SCORES_GRACE = Duration.ofMinutes(10);

  public static final OutcomeRules DEFAULT =
      new OutcomeRules(
          DEFAULT_INFRA_EXIT_CODES,
          DEFAULT_INFRA_ERROR_SPAN_KINDS,
          DEFAULT_TIMEOUT_ERROR_TYPES,
          DEFAULT_SCORES_GRACE);

  public OutcomeRules {
    infraExitCodes = Set.copyOf(infraExitCodes);
    infraErrorSpanKinds = Set.copyOf(infraErrorSpanKinds);
    timeoutErrorTypes = Set.copyOf(timeoutErrorTypes);
    if (scoresGrace.isNegative() || scoresGrace.isZero()) {
      throw new IllegalArgumentException("scoresGrace must be positive, not " + scoresGrace);
    }
  }

  /** The same rules with another grace period. */
  public OutcomeRules withScoresGrace(Duration grace) {
    return new OutcomeRules(infraExitCodes, infraErrorSpanKinds, timeoutErrorTypes, grace);
  }
}
