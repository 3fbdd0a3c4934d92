package dev.cab.sink;

import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.Composite;
import dev.cab.model.wire.TokenTotals;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A copy of a {@link CellRecord} with some of its components changed: the cell in another version,
 * or with a field the sink must reject. Only the components these tests change can be set; the
 * others are the original's. (The record itself has no withers: no production code copies one.)
 */
public final class CellRecordBuilder {
  private final CellRecord base;
  private Integer exitCode;
  private Instant startedAt;
  private Instant endedAt;
  private Double durationMs;
  private Map<String, Map<String, Object>> axes;
  private TokenTotals tokens;
  private Composite composite;
  private CellStatus status;
  private List<String> missingAxes;
  private CellOutcome outcome;
  private String outcomeReason;
  private long version;
  private Instant updatedAt;

  private CellRecordBuilder(CellRecord base) {
    this.base = base;
    this.exitCode = base.exitCode();
    this.startedAt = base.startedAt();
    this.endedAt = base.endedAt();
    this.durationMs = base.durationMs();
    this.axes = base.axes();
    this.tokens = base.tokens();
    this.composite = base.composite();
    this.status = base.status();
    this.missingAxes = base.missingAxes();
    this.outcome = base.outcome();
    this.outcomeReason = base.outcomeReason();
    this.version = base.version();
    this.updatedAt = base.updatedAt();
  }

  public static CellRecordBuilder from(CellRecord base) {
    return new CellRecordBuilder(base);
  }

  public CellRecordBuilder exitCode(Integer exitCode) {
    this.exitCode = exitCode;
    return this;
  }

  public CellRecordBuilder startedAt(Instant startedAt) {
    this.startedAt = startedAt;
    return this;
  }

  public CellRecordBuilder endedAt(Instant endedAt) {
    this.endedAt = endedAt;
    return this;
  }

  public CellRecordBuilder durationMs(Double durationMs) {
    this.durationMs = durationMs;
    return this;
  }

  public CellRecordBuilder axes(Map<String, Map<String, Object>> axes) {
    this.axes = axes;
    return this;
  }

  public CellRecordBuilder tokens(TokenTotals tokens) {
    this.tokens = tokens;
    return this;
  }

  public CellRecordBuilder composite(Composite composite) {
    this.composite = composite;
    return this;
  }

  public CellRecordBuilder status(CellStatus status) {
    this.status = status;
    return this;
  }

  public CellRecordBuilder missingAxes(List<String> missingAxes) {
    this.missingAxes = missingAxes;
    return this;
  }

  public CellRecordBuilder outcome(CellOutcome outcome, String outcomeReason) {
    this.outcome = outcome;
    this.outcomeReason = outcomeReason;
    return this;
  }

  public CellRecordBuilder version(long version) {
    this.version = version;
    return this;
  }

  public CellRecordBuilder updatedAt(Instant updatedAt) {
    this.updatedAt = updatedAt;
    return this;
  }

  public CellRecord build() {
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
        exitCode,
        startedAt,
        endedAt,
        durationMs,
        axes,
        base.axisScores(),
        composite,
        base.spans(),
        tokens,
        status,
        missingAxes,
        outcome,
        outcomeReason,
        version,
        updatedAt);
  }
}
