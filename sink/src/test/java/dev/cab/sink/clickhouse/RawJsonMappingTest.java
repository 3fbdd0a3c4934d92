package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.SeedFixture;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rows mapped from a record's bytes (maps copied as JSON text, {@link RawJson}) are the rows of
 * the decoded record (maps decoded and encoded again), value for value.
 */
class RawJsonMappingTest {
  private static final JsonSerde<SpanRecord> SPANS = new JsonSerde<>(SpanRecord.class);
  private static final JsonSerde<ScoreEvent> SCORES = new JsonSerde<>(ScoreEvent.class);

  /** Binds records with their maps copied as text (the path of other writers' spellings). */
  private static final SlicingReader<SpanRecord> COPY_SPANS =
      new SlicingReader<>(
          SpanRecord.class, "cab.spans.v1", null, SpanRecord::attributes, SpanRecord::resource);

  private static final SlicingReader<ScoreEvent> COPY_SCORES =
      new SlicingReader<>(
          ScoreEvent.class, "cab.scores.v1", null, ScoreEvent::breakdown, ScoreEvent::attributes);

  /** Maps whose JSON text is the hard part: unicode, escapes, exponents, big and tiny numbers. */
  private static List<Map<String, Object>> awkwardMaps() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ünïcødé", "line\u2028sep \"quoted\" \t tab \\ back, emoji \uD83D\uDE00, nul \u0000");
    m.put("tiny", 1.0e-7);
    m.put("huge", 1.0e300);
    m.put("negative zero", -0.0);
    m.put("int", 42);
    m.put("long", 9_007_199_254_740_993L);
    m.put("bigint", new BigInteger("123456789012345678901234567890"));
    m.put("double", 0.1 + 0.2);
    m.put("null", null);
    m.put("bool", true);
    m.put("nested", Map.of("list", List.of(1, 2.5, "x", List.of()), "empty", Map.of()));
    return List.of(m, Map.of(), Map.of("a", List.of(Map.of("b", List.of(Map.of("c", 1.5e-300))))));
  }

  @Test
  void spanRowsFromBytesEqualRowsOfTheDecodedSpan() throws Exception {
    List<SpanRecord> spans = new ArrayList<>();
    for (Map<String, Object> seed : SeedFixture.cells()) {
      spans.addAll(SeedFixture.spans(seed));
    }
    SpanRecord first = spans.getFirst();
    for (Map<String, Object> m : awkwardMaps()) {
      spans.add(
          new SpanRecord(
              first.schemaVersion(),
              first.cell(),
              first.traceId(),
              first.spanId(),
              first.parentSpanId(),
              first.name(),
              first.kind(),
              first.startTime(),
              first.endTime(),
              first.statusCode(),
              first.statusMessage(),
              m,
              m));
    }
    SpanRowMapper mapper = new SpanRowMapper();
    for (SpanRecord s : spans) {
      byte[] bytes = SPANS.serialize("cab.spans.v1", s);
      // the bytes take the copying path (not the fallback)
      SpanRecord bound = COPY_SPANS.bind(bytes);
      assertThat(bound.attributes()).isInstanceOf(RawJson.class);
      assertThat(RawJson.exact(bound.attributes()) && RawJson.exact(bound.resource())).isTrue();
      assertThat(mapper.map(bytes, 3, 7))
          .isEqualTo(mapper.map(SPANS.deserialize("cab.spans.v1", bytes), 3, 7));
    }
  }

  @Test
  void scoreRowsFromBytesEqualRowsOfTheDecodedEvent() throws Exception {
    List<ScoreEvent> events = new ArrayList<>();
    for (Map<String, Object> seed : SeedFixture.cells()) {
      events.addAll(SeedFixture.scores(seed));
    }
    ScoreEvent first = events.getFirst();
    for (Map<String, Object> m : awkwardMaps()) {
      events.add(first.withBreakdown(m).withExplanation("ünïcødé \"q\""));
    }
    ScoreRowMapper mapper = new ScoreRowMapper();
    for (ScoreEvent e : events) {
      byte[] bytes = SCORES.serialize("cab.scores.v1", e);
      ScoreEvent bound = COPY_SCORES.bind(bytes);
      assertThat(bound.breakdown()).isInstanceOf(RawJson.class);
      assertThat(RawJson.exact(bound.breakdown()) && RawJson.exact(bound.attributes())).isTrue();
      Map<String, Object> fromBytes = mapper.map(bytes, 3, 7);
      Map<String, Object> decoded = mapper.map(SCORES.deserialize("cab.scores.v1", bytes), 3, 7);
      assertThat(fromBytes).isEqualTo(decoded);
    }
  }

  @Test
  void recordsFromOtherWritersMapAsTheirDecodedForm() throws Exception {
    // given hand-written records: spaces, exponents in other spellings, absent and null maps, and a
    // key twice (a map keeps the last value at the first key's place: decoded the old way)
    String cell = "\"cell\":{\"cell_id\":\"c1\",\"sweep_id\":\"s1\"}";
    List<String> spans =
        List.of(
            "{ " + cell + " , \"attributes\" : { \"a\" : 1E2 , \"b\" : [ 1.50 , -0 ] } }",
            "{" + cell + ",\"attributes\":null}",
            "{" + cell + "}",
            "{" + cell + ",\"attributes\":{\"k\":1,\"x\":{\"k\":2},\"k\":3},\"resource\":{}}",
            "{" + cell + ",\"resource\":{\"d\":{\"e\":1,\"e\":2}},\"extra\":{\"ignored\":true}}");
    SpanRowMapper mapper = new SpanRowMapper();
    for (String json : spans) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      // then the row is the decoded span's row
      assertThat(mapper.map(bytes, 0, 1))
          .as(json)
          .isEqualTo(mapper.map(SPANS.deserialize("cab.spans.v1", bytes), 0, 1));
    }
    byte[] twice =
        ("{" + cell + ",\"attributes\":{\"k\":1,\"k\":3}}").getBytes(StandardCharsets.UTF_8);
    assertThat(mapper.map(twice, 0, 1)).containsEntry("attributes", "{\"k\":3}");
    assertThat(RawJson.exact(COPY_SPANS.bind(twice).attributes())).isFalse();
  }

  @Test
  void refusesAMapThatIsNotAnObjectAsTheDecoderDoes() {
    for (String attributes : Arrays.asList("[1]", "\"text\"", "3")) {
      byte[] bytes =
          ("{\"cell\":{\"cell_id\":\"c1\"},\"attributes\":" + attributes + "}")
              .getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> new SpanRowMapper().map(bytes, 0, 0))
          .isInstanceOf(MappingException.class)
          .hasMessageContaining("undecodable SpanRecord");
      assertThatThrownBy(() -> new ScoreRowMapper().map(bytes, 0, 0))
          .isInstanceOf(MappingException.class)
          .hasMessageContaining("undecodable ScoreEvent");
    }
  }
}
