package dev.cab.runner.sim.internal;

import dev.cab.runner.Axis;
import dev.cab.runner.CellSpanKind;
import dev.cab.runner.CellTraceIds;
import dev.cab.runner.sim.SeedCells.SeedCell;
import dev.cab.runner.sim.SeedCells.SeedScore;
import dev.cab.runner.sim.SeedCells.SeedSpan;
import dev.cab.runner.sim.internal.SimulatedCell.Outcome;
import dev.cab.runner.sim.internal.SimulatedCell.Parent;
import dev.cab.runner.sim.internal.SimulatedCell.Score;
import dev.cab.runner.sim.internal.SimulatedCell.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a published seed cell into the data the emitter sends, exactly: the page's identity,
 * harness attributes and breakdowns, OTLP ids derived from the page ids (trace id = the root's
 * 32-hex page id, span id = the first 16 hex of each page id), and the root from {@code started_at}
 * to {@code ended_at} to the microsecond.
 *
 * <p>The pages give other spans only a duration in whole milliseconds, so they are placed thus:
 * spans listed before the root (task_setup) start at {@code started_at}; the root's children start
 * at {@code started_at} and follow one another in page order (tool_call, then container); spans
 * listed after the root (cleanup) start at {@code ended_at}. Scorer events are stamped {@code
 * ended_at}. Not API.
 */
public final class SeedCellMapper {
  private SeedCellMapper() {}

  public static SimulatedCell map(SeedCell seed) {
    SeedSpan rootSpan = seed.root();
    CellTraceIds ids = new CellTraceIds(rootSpan.pageSpanId(), rootSpan.spanId());
    List<Span> spans = new ArrayList<>();
    boolean afterRoot = false;
    Instant nextChildStart = seed.startedAt();
    for (SeedSpan s : seed.spans()) {
      CellSpanKind kind = CellSpanKind.fromWireName(s.kind());
      if (kind == CellSpanKind.ADAPTER_RUN) {
        afterRoot = true;
        spans.add(
            new Span(
                kind,
                s.name(),
                s.spanId(),
                Parent.NONE,
                seed.startedAt(),
                seed.endedAt(),
                s.attributes(),
                seed.exitCode(),
                seed.containerImage(),
                seed.imageDigest(),
                seed.modelBuildId(),
                null,
                null,
                null));
        continue;
      }
      Parent parent;
      Instant start;
      if (s.pageParentSpanId() == null) {
        parent = Parent.NONE;
        start = afterRoot ? seed.endedAt() : seed.startedAt();
      } else if (s.pageParentSpanId().equals(rootSpan.pageSpanId())) {
        parent = Parent.ROOT;
        start = nextChildStart;
        nextChildStart = start.plusMillis(s.durationMs());
      } else {
        throw new IllegalStateException(
            seed.page() + ": span " + s.pageSpanId() + " has a parent other than the root");
      }
      spans.add(
          new Span(
              kind,
              s.name(),
              s.spanId(),
              parent,
              start,
              start.plusMillis(s.durationMs()),
              s.attributes(),
              null,
              null,
              null,
              null,
              null,
              null,
              null));
    }
    List<Score> scores = new ArrayList<>();
    boolean pass = false;
    double wallClockMs = 0;
    for (SeedScore s : seed.scores()) {
      Axis axis = Axis.fromWireName(s.axis());
      scores.add(
          new Score(axis, s.scoreValue(), s.breakdown(), s.latencyEfficiency(), seed.endedAt()));
      if (axis == Axis.PASS_RATE) {
        pass = s.scoreValue() > 0;
      }
      if (axis == Axis.LATENCY) {
        wallClockMs = s.scoreValue();
      }
    }
    return new SimulatedCell(
        seed.identity(),
        ids,
        List.copyOf(spans),
        List.copyOf(scores),
        false,
        -1,
        0,
        -1,
        new Outcome(pass, pass, wallClockMs, wallClockMs, false, false, List.of()));
  }
}
