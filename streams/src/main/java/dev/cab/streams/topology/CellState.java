package dev.cab.streams.topology;

import dev.cab.model.wire.CellIdentity;
import java.time.Instant;
import java.util.Map;

/**
 * The per-cell aggregate in the {@code cab-cell-state} store: small by design (per span only its
 * kind, error flag and tokens; per axis what the record shows). The cell record is derived from it
 * whenever a new version is emitted ({@link CellFolder#record}). Stored in a binary layout ({@link
 * CellStateSerde}); states stored as JSON by earlier releases read fine (unknown fields such as an
 * old {@code changed} are ignored); immutable (a fold that changes something returns a new state,
 * one that changes nothing returns the state it was given, and no fold mutates the maps it was
 * given).
 *
 * @param cell the cell identity, merged from every span and scorer event seen
 * @param root the run facts of the {@code adapter_run} span, or null before it arrived
 * @param spans per span id, in arrival order
 * @param axes per axis, in arrival order
 * @param version the number of real changes folded so far (0 for the initial state)
 * @param updatedAt record timestamp of the last real change
 * @param scoresGraceExpiredAt when the grace period for missing scorer events ran out (the cell
 *     then counts as an infra error while required axes are still missing), or null
 */
public record CellState(
    CellIdentity cell,
    RootSpan root,
    Map<String, SpanEntry> spans,
    Map<String, AxisEntry> axes,
    long version,
    Instant updatedAt,
    Instant scoresGraceExpiredAt) {

  /** The state of a cell nothing is known about yet. */
  public static final CellState EMPTY =
      new CellState(null, null, Map.of(), Map.of(), 0, null, null);

  public CellState {
    spans = spans == null ? Map.of() : spans;
    axes = axes == null ? Map.of() : axes;
  }
}
