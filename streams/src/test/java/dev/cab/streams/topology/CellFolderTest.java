package dev.cab.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.score.CompositeScorer;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.WireAttributes;
import dev.cab.model.wire.WireAttributes.Axes;
import dev.cab.model.wire.WireAttributes.SpanKinds;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fold as pure functions, without Kafka. */
class CellFolderTest {
  private static final Instant T = Instant.parse("2026-07-01T00:00:00Z");

  private final SeedCells seed = SeedCells.first();
  private final CellFolder folder = new CellFolder(Axes.REQUIRED, CompositeScorer.defaults());

  @Test
  void foldingTheSeedCellGivesItsPublishedComposite() {
    // given / when
    CellState state = foldAll(seed.spans(), seed.scores());

    // then
    CellRecord cell = folder.record(seed.cellId(), state);
    assertThat(cell.composite().composite())
        .isEqualTo(((Number) seed.expectedComposite().get("composite")).doubleValue());
    assertThat(cell.version()).isEqualTo(11);
    assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
  }

  @Test
  void foldingIsIndependentOfArrivalOrder() {
    // given
    List<SpanRecord> spans = seed.spans().reversed();
    List<ScoreEvent> scores = seed.scores().reversed();

    // when: scores first, in reverse, then spans in reverse
    CellState state = CellState.EMPTY;
    for (ScoreEvent e : scores) {
      state = folder.axis(seed.cellId(), AxisFact.of(seed.cellId(), e, T), state);
    }
    for (SpanRecord s : spans) {
      state = folder.span(seed.cellId(), SpanFact.of(seed.cellId(), s, T), state);
    }

    // then: the record equals the one folded in page order (but for the event time), axes still
    // in page order
    CellRecord reversed = folder.record(seed.cellId(), state);
    CellRecord inOrder = folder.record(seed.cellId(), foldAll(seed.spans(), seed.scores()));
    assertThat(reversed).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(inOrder);
    assertThat(reversed.axes().keySet()).containsExactlyElementsOf(Axes.REQUIRED);
  }

  @Test
  void refoldingAnEqualEventReturnsTheSameState() {
    // given
    CellState state = foldAll(seed.spans(), seed.scores());

    // when
    CellState again =
        folder.span(
            seed.cellId(), SpanFact.of(seed.cellId(), seed.rootSpan(), T.plusSeconds(9)), state);
    CellState againScore =
        folder.axis(
            seed.cellId(),
            AxisFact.of(seed.cellId(), seed.score(Axes.TOKENS), T.plusSeconds(9)),
            again);

    // then
    assertThat(again).isSameAs(state);
    assertThat(againScore).isSameAs(state);
    assertThat(againScore.version()).isEqualTo(state.version());
    assertThat(againScore.updatedAt()).isEqualTo(state.updatedAt());
  }

  @Test
  void rootSpanResentWithItsEndMovesTheCellFromRunningToComplete() {
    // given: the root span seen while the run was going (no end yet)
    SpanRecord root = seed.rootSpan();
    SpanRecord open =
        root.withParentSpanId(null)
            .withEndTime(null)
            .withStatusCode("UNSET")
            .withResource(Map.of());
    CellState state = foldAll(List.of(open), seed.scores());
    assertThat(folder.record(seed.cellId(), state).status()).isEqualTo(CellStatus.RUNNING);

    // when
    CellState ended = folder.span(seed.cellId(), SpanFact.of(seed.cellId(), root, T), state);

    // then
    CellRecord cell = folder.record(seed.cellId(), ended);
    assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
    assertThat(cell.version()).isEqualTo(state.version() + 1);
    assertThat(cell.endedAt()).isEqualTo(seed.endedAt());
    assertThat(cell.spans().count()).isEqualTo(1);
  }

  @Test
  void configuredRequiredAxesDecideCompleteness() {
    // given: only pass_rate is required
    CellFolder lenient = new CellFolder(List.of(Axes.PASS_RATE), CompositeScorer.defaults());
    CellState state = CellState.EMPTY;
    for (SpanRecord s : seed.spans()) {
      state = lenient.span(seed.cellId(), SpanFact.of(seed.cellId(), s, T), state);
    }

    // when
    state =
        lenient.axis(
            seed.cellId(), AxisFact.of(seed.cellId(), seed.score(Axes.PASS_RATE), T), state);

    // then: complete, but no composite without every axis the scorer needs
    CellRecord cell = lenient.record(seed.cellId(), state);
    assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
    assertThat(cell.missingAxes()).isEmpty();
    assertThat(cell.composite()).isNull();
  }

  @Test
  void unknownAxesAreKeptAfterThePageAxes() {
    // given
    ScoreEvent pass = seed.score(Axes.PASS_RATE);
    ScoreEvent style =
        pass.withAxis("style")
            .withScoreValue(0.7)
            .withScoreLabel("ok")
            .withBreakdown(Map.of("lint_warnings", 3));

    // when
    CellState state = foldAll(List.of(), List.of(style, pass));

    // then
    CellRecord cell = folder.record(seed.cellId(), state);
    assertThat(cell.axes().keySet()).containsExactly(Axes.PASS_RATE, "style");
    assertThat(cell.axisScores()).containsEntry("style", 0.7);
  }

  @Test
  void runnerEfficienciesComeFromTheirOwnAxes() {
    // given: a cost efficiency on the tokens event, a stray one on pass_rate
    ScoreEvent tokens = seed.score(Axes.TOKENS);
    ScoreEvent withCost = tokens.withAttributes(Map.of(WireAttributes.COST_EFFICIENCY, 0.5));
    List<ScoreEvent> scores = new java.util.ArrayList<>(seed.scoresWithout(Axes.TOKENS));
    scores.add(withCost);

    // when
    CellRecord cell = folder.record(seed.cellId(), foldAll(seed.spans(), scores));

    // then
    assertThat(cell.composite().components())
        .containsEntry("cost_efficiency", 0.5)
        .containsEntry("latency_efficiency", 0.45648295258205523);
  }

  @Test
  void usesTheDefaultLatencyCurveWhenTheRunnerSentNoEfficiency() {
    // given: the latency event without cab.latency_efficiency
    ScoreEvent latency = seed.score(Axes.LATENCY);
    ScoreEvent bare = latency.withAttributes(Map.of());
    List<ScoreEvent> scores = new java.util.ArrayList<>(seed.scoresWithout(Axes.LATENCY));
    scores.add(bare);

    // when
    CellRecord cell = folder.record(seed.cellId(), foldAll(seed.spans(), scores));

    // then
    assertThat((double) cell.composite().components().get("latency_efficiency"))
        .isEqualTo(dev.cab.model.score.EfficiencyCurves.DEFAULT.latencyEfficiency(145118.041));
  }

  @Test
  void identityFromLaterEventsOnlyFillsGaps() {
    // given: a first event that knows only the cell id
    ScoreEvent pass = seed.score(Axes.PASS_RATE);
    ScoreEvent anonymous =
        pass.withCell(new CellIdentity(seed.cellId(), null, null, null, null, null))
            .withTraceId(null)
            .withSpanId(null);

    // when
    CellState state = foldAll(List.of(), List.of(anonymous));
    state = folder.span(seed.cellId(), SpanFact.of(seed.cellId(), seed.rootSpan(), T), state);

    // then
    CellRecord cell = folder.record(seed.cellId(), state);
    assertThat(cell.sweepId()).isEqualTo(seed.string("sweep_id"));
    assertThat(cell.category()).isEqualTo(seed.string("category"));
  }

  @Test
  void spanCountsWithoutAKindAreCountedAsUnknown() {
    // given
    SpanRecord s = seed.spans().getFirst();
    SpanRecord kindless =
        s.withSpanId("00000000000000ff")
            .withParentSpanId(null)
            .withName("mystery")
            .withKind(null)
            .withStatusCode("OK")
            .withStatusMessage(null)
            .withAttributes(Map.of())
            .withResource(Map.of());

    // when
    CellState state = foldAll(List.of(kindless), List.of());

    // then
    assertThat(folder.record(seed.cellId(), state).spans().kinds())
        .containsEntry(CellFolder.UNKNOWN_KIND, 1);
  }

  @Test
  void stateKeepsNoSpanAttributes() {
    // given: a model call with a large attribute
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(WireAttributes.USAGE_INPUT_TOKENS, 10L);
    attributes.put("gen_ai.input.messages", "x".repeat(100_000));
    SpanRecord call =
        new SpanRecord(
            1,
            seed.identity(),
            seed.traceId(),
            "00000000000000aa",
            seed.rootSpanId(),
            "chat",
            SpanKinds.MODEL_CALL,
            T,
            T.plusSeconds(1),
            "OK",
            null,
            attributes,
            Map.of());

    // when
    CellState state = foldAll(List.of(call), List.of());

    // then
    byte[] json = CellTopology.CELL_STATE_SERDE.serializer().serialize("t", state);
    assertThat(json.length).isLessThan(1_000);
    assertThat(folder.record(seed.cellId(), state).tokens().inputTokens()).isEqualTo(10);
  }

  @Test
  void stateSurvivesAJsonRoundTripUnchanged() {
    // given
    CellState state = foldAll(seed.spans(), seed.scores());

    // when
    var serde = CellTopology.CELL_STATE_SERDE;
    CellState back =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));

    // then: equal, and an equal event still counts as a duplicate after the round trip
    assertThat(back).isEqualTo(state);
    assertThat(
            folder.axis(
                seed.cellId(), AxisFact.of(seed.cellId(), seed.score(Axes.BLAST_RADIUS), T), back))
        .isSameAs(back);
  }

  @Test
  void rejectsASpanWithoutIdAndAnEventWithoutAxis() {
    SpanRecord s = seed.spans().getFirst();
    SpanRecord noId = s.withSpanId(null).withParentSpanId(null);
    ScoreEvent e = seed.score(Axes.PASS_RATE);
    ScoreEvent noAxis =
        new ScoreEvent(
            1, e.cell(), null, null, " ", 1.0, null, null, new LinkedHashMap<>(), Map.of(), null);

    assertThatThrownBy(() -> SpanFact.of(seed.cellId(), noId, T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no id");
    assertThatThrownBy(() -> AxisFact.of(seed.cellId(), noAxis, T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no axis");
  }

  private CellState foldAll(List<SpanRecord> spans, List<ScoreEvent> scores) {
    CellState state = CellState.EMPTY;
    Instant t = T;
    for (SpanRecord s : spans) {
      t = t.plusMillis(1);
      state = folder.span(seed.cellId(), SpanFact.of(seed.cellId(), s, t), state);
    }
    for (ScoreEvent e : scores) {
      t = t.plusMillis(1);
      state = folder.axis(seed.cellId(), AxisFact.of(seed.cellId(), e, t), state);
    }
    return state;
  }
}
