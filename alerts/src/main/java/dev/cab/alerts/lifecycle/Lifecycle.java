package dev.cab.alerts.lifecycle;

import dev.cab.alerts.detect.Finding;
import dev.cab.model.wire.AlertRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state machine of every alert: {@code inactive -> pending -> firing -> resolved}, with
 * shortcuts ({@code inactive -> firing} when a look is decisive at once, {@code pending ->
 * resolved} when the evidence fades). Each transition is one {@link AlertRecord}; evidence changes
 * within a state are not transitions. Knows the current state of every fingerprint, restored at
 * start from the compacted {@code cab.alerts.v1}, so a restart repeats no transition. Not
 * thread-safe.
 */
public final class Lifecycle {
  private final Map<String, AlertRecord> current = new HashMap<>();

  /** Restores the newest record of a fingerprint (read back from the alerts topic). */
  public void restore(AlertRecord latest) {
    AlertRecord known = current.get(latest.fingerprint());
    if (known == null || known.sequence() <= latest.sequence()) {
      current.put(latest.fingerprint(), latest);
    }
  }

  /** The current record of every alert that ever left {@code inactive}. */
  public Map<String, AlertRecord> current() {
    return Map.copyOf(current);
  }

  /** The transitions the findings ask for, applied to the known states. */
  public List<AlertRecord> apply(List<Finding> findings, Instant now) {
    List<AlertRecord> transitions = new ArrayList<>();
    for (Finding f : findings) {
      String fp = f.fingerprint();
      AlertRecord known = current.get(fp);
      String state = known == null ? AlertStates.INACTIVE : known.state();
      String wanted =
          switch (f.level()) {
            case FIRING -> AlertStates.FIRING;
            case PENDING ->
                // A firing alert whose evidence weakened (a re-run) stops firing: resolved.
                state.equals(AlertStates.FIRING) ? AlertStates.RESOLVED : AlertStates.PENDING;
            case INACTIVE ->
                state.equals(AlertStates.INACTIVE) ? AlertStates.INACTIVE : AlertStates.RESOLVED;
          };
      if (wanted.equals(state)
          || (wanted.equals(AlertStates.RESOLVED) && state.equals(AlertStates.RESOLVED))) {
        continue;
      }
      AlertRecord next;
      if (known == null) {
        next =
            new AlertRecord(
                AlertRecord.SCHEMA_VERSION,
                fp,
                f.rule().wireName(),
                wanted,
                AlertStates.INACTIVE,
                f.sweepId(),
                f.baselineSweepId(),
                f.tui(),
                f.model(),
                f.task(),
                f.summary(),
                f.evidence(),
                now,
                null,
                now,
                1);
      } else if (state.equals(AlertStates.RESOLVED)) {
        // Back again: a new episode with its own start.
        next =
            new AlertRecord(
                AlertRecord.SCHEMA_VERSION,
                fp,
                known.rule(),
                wanted,
                AlertStates.RESOLVED,
                known.sweepId(),
                known.baselineSweepId(),
                known.tui(),
                known.model(),
                known.task(),
                f.summary(),
                f.evidence(),
                now,
                null,
                now,
                known.sequence() + 1);
      } else {
        next =
            known.withTransition(
                wanted,
                now,
                f.evidence() == null ? known.evidence() : f.evidence(),
                f.summary() == null ? known.summary() : f.summary());
      }
      current.put(fp, next);
      transitions.add(next);
    }
    return transitions;
  }
}
