package dev.cab.sink;

import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.Composite;
import java.time.Instant;
import java.util.List;

/**
 * A copy of a {@link CellRecord} with some of its components changed: the cell in another version,
 * or with a field the sink must reject. Only the components these tests change can be set; the
 * others are the original's. (The record itself has no withers: no production code copies one.)
 */
final class CellRecordBuilder {
  private final CellRecord base;
  private Instant startedAt;
  private Composite composite;
  private CellStatus status;
  private List<String> missingAxes;
  private CellOutcome outcome;
  private String outcomeReason;
  private long version;
  private Instant updatedAt;

  private CellRecordBuilder(CellRecord base) {
    this.base = base;
    this.startedAt = base.startedAt();
    this.composite = base.composite();
    this.status = base.status();
    this.missingAxes = base.missingAxes();
    this.outcome = base.outcome();
    this.outcomeReason = base.outcomeReason();
    this.version = base.version();
    this.updatedAt = base.updatedAt();
  }

  static CellRecordBuilder from(CellRecord base) {
    return new CellRecordBuilder(base);
  }

  CellRecordBuilder startedAt(Instant startedAt) {
    this.startedAt = startedAt;
    return this;
  }

  CellRecordBuilder composite(Composite composite) {
    this.composite = composite;
    return this;
  }

  CellRecordBuilder status(CellStatus status) {
    this.status = status;
    return this;
  }

  CellRecordBuilder missingAxes(List<String> missingAxes) {
    this.missingAxes = missingAxes;
    return this;
  }

  CellRecordBuilder outcome(CellOutcome outcome, String outcomeReason) {
    this.outcome = outcome;
    this.outcomeReason = outcomeReason;
    return this;
  }

  CellRecordBuilder version(long version) {
    this.version = version;
    return this;
  }

  CellRecordBuilder updatedAt(Instant updatedAt) {
    this.updatedAt = updatedAt;
    return this;
  }

  CellRecord build() {
    return new CellRecord(
        base.schemaVersion(),
        base.cellId(),
        base.sweepId(),
        base.tui(),
        base.model(),
        base.task(),
        base.category(),
        base.containerImage(),
        base.imageDigest(),
        base.modelBuildId(),
        base.exitCode(),
        startedAt,
        base.endedAt(),
        base.durationMs(),
        base.axes(),
        base.axisScores(),
        composite,
        base.spans(),
        base.tokens(),
        status,
        missingAxes,
        outcome,
        outcomeReason,
        version,
        updatedAt);
  }
}
