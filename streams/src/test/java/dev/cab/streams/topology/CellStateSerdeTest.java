package dev.cab.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.score.CompositeScorer;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.TokenTotals;
import dev.cab.model.wire.WireAttributes.Axes;
import dev.cab.streams.config.StreamsSettings.StateFormat;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CellStateSerdeTest {
  private static final Instant T = Instant.parse("2026-07-01T00:00:00.123456789Z");

  private final CellStateSerde serde = new CellStateSerde(StateFormat.BINARY);
  private final JsonSerde<CellState> json = new JsonSerde<>(CellState.class);
  private final SeedCells seed = SeedCells.first();
  private final CellFolder folder = new CellFolder(Axes.REQUIRED, CompositeScorer.defaults());

  @Test
  void theSeedCellsStateSurvivesARoundTripAndIsSmallerThanItsJson() {
    // given
    CellState state = foldSeed();

    // when
    byte[] bytes = serde.serialize("t", state);
    CellState back = serde.deserialize("t", bytes);

    // then: equal, the same cell record, and still a duplicate for an event already folded
    assertThat(bytes[0]).isEqualTo(CellStateSerde.MAGIC);
    assertThat(back).isEqualTo(state);
    assertThat(folder.record(seed.cellId(), back)).isEqualTo(folder.record(seed.cellId(), state));
    assertThat(
            folder.axis(
                seed.cellId(), AxisFact.of(seed.cellId(), seed.score(Axes.BLAST_RADIUS), T), back))
        .isSameAs(back);
    assertThat(bytes.length).isLessThan(json.serialize("t", state).length);
  }

  @Test
  void aStateStoredAsJsonByAnEarlierReleaseStillReads() {
    // given the JSON bytes the store held before this serde
    CellState state = foldSeed();
    byte[] stored = json.serialize("t", state);

    // when / then
    assertThat(serde.deserialize("t", stored)).isEqualTo(state);
    assertThat(serde.deserialize("t", "  {\"version\":3}".getBytes(StandardCharsets.UTF_8)))
        .extracting(CellState::version)
        .isEqualTo(3L);
  }

  @Test
  void theJsonFormatWritesWhatAnEarlierReleaseReads() {
    // given
    CellState state = foldSeed();

    // when written with streams.state.format=json
    byte[] bytes = new CellStateSerde(StateFormat.JSON).serialize("t", state);

    // then the JSON serde of earlier releases reads it, and so does the binary one
    assertThat(json.deserialize("t", bytes)).isEqualTo(state);
    assertThat(serde.deserialize("t", bytes)).isEqualTo(state);
  }

  @Test
  void breakdownValuesReadBackAsTheTypesJsonGives() {
    // given every kind of value a runner's breakdown may hold, in a chosen order
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("z", 1);
    nested.put("a", List.of("x", 2.5, false));
    Map<String, Object> breakdown = new LinkedHashMap<>();
    breakdown.put("int", 7);
    breakdown.put("long", 5_000_000_000L);
    breakdown.put("double", -0.0);
    breakdown.put("string", "ünï\u0000code");
    breakdown.put("null", null);
    breakdown.put("true", true);
    breakdown.put("nested", nested);
    breakdown.put("big", new BigInteger("123456789012345678901234567890"));
    breakdown.put("decimal", new BigDecimal("1.5"));
    CellState state =
        new CellState(
            new CellIdentity("c", null, "tui", "m", "t", null),
            new RootSpan("r", null, "sha256:x", null, -1, T, null, 12.5),
            Map.of(
                "s1",
                new SpanEntry(
                    "model_call", true, new TokenTotals(1, 2, 3, Long.MAX_VALUE, 4), "x")),
            Map.of(Axes.PASS_RATE, new AxisEntry(null, breakdown, 0.5)),
            Long.MAX_VALUE,
            Instant.ofEpochSecond(-5, 1),
            null);

    // when
    CellState back = serde.deserialize("t", serde.serialize("t", state));

    // then: the same values, types and order a JSON round trip would give
    CellState viaJson = json.deserialize("t", json.serialize("t", state));
    Map<String, Object> read = back.axes().get(Axes.PASS_RATE).breakdown();
    assertThat(read.keySet()).containsExactlyElementsOf(breakdown.keySet());
    assertThat(read).isEqualTo(viaJson.axes().get(Axes.PASS_RATE).breakdown());
    assertThat(read.get("int")).isInstanceOf(Integer.class);
    assertThat(read.get("long")).isInstanceOf(Long.class);
    assertThat(read.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(back).usingRecursiveComparison().ignoringFields("axes").isEqualTo(state);
  }

  @Test
  void nullIsNullAndMalformedBytesThrowSerializationException() {
    byte[] good = serde.serialize("t", foldSeed());

    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", null)).isNull();
    assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("after the cell state");
    byte[] newer = good.clone();
    newer[1] = 9;
    assertThatThrownBy(() -> serde.deserialize("t", newer))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("newer than this release");
    assertThatThrownBy(() -> serde.deserialize("t", new byte[] {'x', 1}))
        .isInstanceOf(SerializationException.class);
  }

  private CellState foldSeed() {
    CellState state = CellState.EMPTY;
    Instant t = T;
    for (SpanRecord s : seed.spans()) {
      t = t.plusMillis(1);
      state = folder.span(seed.cellId(), SpanFact.of(seed.cellId(), s, t), state);
    }
    for (ScoreEvent e : seed.scores()) {
      t = t.plusMillis(1);
      state = folder.axis(seed.cellId(), AxisFact.of(seed.cellId(), e, t), state);
    }
    return state;
  }
}
