package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.cab.model.serde.Json;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.SeedFixture;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Spans and scorer events read straight from their bytes, maps sliced ({@link CanonicalRecord},
 * {@link CanonicalJson}), give the rows that binding them with Jackson, maps copied token by token
 * (the sink before), and decoding the whole record give, byte for byte: on the seed cells and on
 * randomised records (unicode, escapes, control characters, redacted values, numbers of every kind,
 * nesting), each written the collector's way and in two spellings of other writers (pretty-printed,
 * non-ASCII escaped), which are left to Jackson.
 */
class MapSlicingTest {
  private static final JsonSerde<SpanRecord> SPANS = new JsonSerde<>(SpanRecord.class);
  private static final JsonSerde<ScoreEvent> SCORES = new JsonSerde<>(ScoreEvent.class);

  /** The four fields a span and a scorer event open with, as the collector writes them. */
  private static final String HEADER =
      "\"schema_version\":1,\"cell\":{\"cell_id\":\"c\"},\"trace_id\":null,\"span_id\":null";

  /** Other writers' spellings of the same record. */
  private static final List<ObjectWriter> OTHER_WRITERS =
      List.of(
          Json.mapper().writerWithDefaultPrettyPrinter(),
          Json.mapper().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII));

  private final SpanRowMapper sliceSpans = new SpanRowMapper();
  private final SpanRowMapper copySpans = new SpanRowMapper(false);
  private final ScoreRowMapper sliceScores = new ScoreRowMapper();
  private final ScoreRowMapper copyScores = new ScoreRowMapper(false);

  @Test
  void seedRecordsAreSlicedIntoTheSameRows() throws Exception {
    for (Map<String, Object> seed : SeedFixture.cells()) {
      for (SpanRecord s : SeedFixture.spans(seed)) {
        // given a span as the collector writes it, whose maps are canonical
        assertCanonical(s.attributes());
        assertCanonical(s.resource());
        assertSameSpanRows(SPANS.serialize("t", s));
      }
      for (ScoreEvent e : SeedFixture.scores(seed)) {
        assertCanonical(e.breakdown());
        assertCanonical(e.attributes());
        assertSameScoreRows(SCORES.serialize("t", e));
      }
    }
  }

  @Test
  void theCollectorsRecordsAreReadStraightFromTheirBytesAndOtherSpellingsAreBound()
      throws Exception {
    // given a seed span and scorer event as the collector writes them
    Map<String, Object> seed = SeedFixture.cells().getFirst();
    SpanRecord span = SeedFixture.spans(seed).getFirst();
    ScoreEvent event = SeedFixture.scores(seed).getFirst();
    byte[] spanBytes = SPANS.serialize("t", span);
    byte[] eventBytes = SCORES.serialize("t", event);

    // then they are read straight from the bytes, maps sliced, to the values Jackson binds
    SpanRecord s = SpanRowMapper.canonical(spanBytes);
    assertThat(s).isEqualTo(SPANS.deserialize("t", spanBytes));
    assertThat(s.attributes()).isInstanceOf(RawJson.class);
    assertThat(RawJson.column(s.attributes())).isEqualTo(ClickHouseValues.json(span.attributes()));
    assertThat(RawJson.column(s.resource())).isEqualTo(ClickHouseValues.json(span.resource()));
    ScoreEvent e = ScoreRowMapper.canonical(eventBytes);
    assertThat(e).isEqualTo(SCORES.deserialize("t", eventBytes));
    assertThat(e.breakdown()).isInstanceOf(RawJson.class);
    assertThat(RawJson.column(e.breakdown())).isEqualTo(ClickHouseValues.json(event.breakdown()));
    assertThat(RawJson.column(e.attributes())).isEqualTo(ClickHouseValues.json(event.attributes()));

    // and other spellings of the same records are left to Jackson
    assertThat(SpanRowMapper.canonical(OTHER_WRITERS.getFirst().writeValueAsBytes(span))).isNull();
    for (String other :
        List.of(
            "{\"schema_version\":1,\"schema_version\":1}", // a field twice
            "{\"schema_version\":1.0}", // an int spelled as a float
            "{\"cell\":{\"sweep_id\":\"s\"}}", // no cell id
            "{\"time\":\"2026-02-30T00:00:00Z\"}", // no such day
            "{\"time\":\"2026-12-01T00:00:00+01:00\"}", // an offset
            "{\"score_value\":1}", // a Double spelled as an int
            "{\"score_value\":\"NaN\"}",
            "{\"attributes\":[]}",
            "{\"axis\":\"pass_rate\"} ", // trailing space
            "{\"axis\":\"pass_rate\"}{}",
            "{,\"axis\":\"pass_rate\"}",
            "{\"axis\":7}",
            "{\"axis\":\"x\"}", // no header
            "{" + HEADER + ",\"trace_id\":\"t\"}", // a header field again
            // the header out of the wire order
            "{\"cell\":{\"cell_id\":\"c\"},\"schema_version\":1,\"trace_id\":null,\"span_id\":null}")) {
      assertThat(ScoreRowMapper.canonical(other.getBytes(StandardCharsets.UTF_8)))
          .as(other)
          .isNull();
    }
    // while a newer writer's extra field is skipped
    assertThat(
            ScoreRowMapper.canonical(
                ("{" + HEADER + ",\"axis\":\"x\",\"new\":{\"a\":[1,\"b\"]},\"time\":null}")
                    .getBytes(StandardCharsets.UTF_8)))
        .isNotNull()
        .extracting(ScoreEvent::axis)
        .isEqualTo("x");
  }

  @Test
  void randomisedRecordsGiveTheSameRowsInEverySpelling() throws Exception {
    Random random = new Random(20261204);
    int sliced = 0;
    for (int i = 0; i < 400; i++) {
      Map<String, Object> attributes = randomMap(random, 0);
      Map<String, Object> other = randomMap(random, 0);
      SpanRecord span = span(random, attributes, other);
      ScoreEvent event = event(random, attributes, other);
      assertSlicedUnlessSupplementary(attributes);
      assertSlicedUnlessSupplementary(other);
      // the collector's bytes are read straight, unless a character outside the BMP is escaped
      boolean straight = !supplementary(span);
      assertThat(SpanRowMapper.canonical(SPANS.serialize("t", span)) != null).isEqualTo(straight);
      assertThat(ScoreRowMapper.canonical(SCORES.serialize("t", event)) != null)
          .isEqualTo(!supplementary(event));
      sliced += straight ? 1 : 0;
      assertSameSpanRows(SPANS.serialize("t", span));
      assertSameScoreRows(SCORES.serialize("t", event));
      for (ObjectWriter w : OTHER_WRITERS) {
        byte[] spanBytes = w.writeValueAsBytes(span);
        byte[] eventBytes = w.writeValueAsBytes(event);
        assertSameSpanRows(spanBytes);
        assertSameScoreRows(eventBytes);
      }
    }
    // most records are read straight (those without an emoji or the like)
    assertThat(sliced).isGreaterThan(200);
  }

  @Test
  void refusesWhatTheWireMapperWouldSpellOtherwise() {
    for (String json :
        List.of(
            "{ \"a\":1}",
            "{\"a\": 1}",
            "{\"a\":1 }",
            "{\"a\":[1, 2]}",
            "{\"a\":\"\\/\"}",
            "{\"a\":\"\\u0041\"}",
            "{\"a\":\"\\u001f\"}",
            "{\"a\":\"\\u000A\"}",
            "{\"a\":\"\\u00E9\"}",
            "{\"a\":\"\\uD83D\\uDE00\"}",
            "{\"a\":-0}",
            "{\"a\":1E2}",
            "{\"a\":1.50}",
            "{\"a\":1e400}",
            "{\"a\":0.1e1}",
            "{\"a\":01}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":{\"b\":1,\"c\":{},\"b\":2}}",
            "{\"a\":tru}",
            "{\"a\":\"x}",
            "{\"a\":1",
            "{\"a\"}",
            "{\"a\":1,}",
            "[1]")) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      assertThat(CanonicalJson.objectEnd(bytes, 0, bytes.length))
          .as(json)
          .isEqualTo(CanonicalJson.NOT_CANONICAL);
    }
    for (byte[] invalidUtf8 :
        List.of(
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'},
            new byte[] {
              '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
            },
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'},
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xF5, (byte) 0x80, '"', '}'})) {
      assertThat(CanonicalJson.objectEnd(invalidUtf8, 0, invalidUtf8.length))
          .isEqualTo(CanonicalJson.NOT_CANONICAL);
    }
    byte[] longKey =
        ("{\"" + "k".repeat(CanonicalJson.MAX_KEY) + "\":1}").getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalJson.objectEnd(longKey, 0, longKey.length))
        .isEqualTo(CanonicalJson.NOT_CANONICAL);
    String deep =
        "{\"a\":".repeat(CanonicalJson.MAX_DEPTH) + "1" + "}".repeat(CanonicalJson.MAX_DEPTH);
    byte[] deepBytes = deep.getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalJson.objectEnd(deepBytes, 0, deepBytes.length)).isEqualTo(deepBytes.length);
    byte[] deeper = ("{\"b\":" + deep + "}").getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalJson.objectEnd(deeper, 0, deeper.length))
        .isEqualTo(CanonicalJson.NOT_CANONICAL);
  }

  @Test
  void findsTheEndOfACanonicalObjectInsideARecord() {
    byte[] bytes =
        "{\"x\":{\"k\":[1,-2.5,\"a\\\"b\",{\"k\":null}],\"j\":true},\"y\":2}"
            .getBytes(StandardCharsets.UTF_8);
    int start = 5;
    assertThat(CanonicalJson.objectEnd(bytes, start, bytes.length))
        .isEqualTo(new String(bytes, StandardCharsets.UTF_8).indexOf(",\"y\""));
  }

  private void assertSameSpanRows(byte[] bytes) throws MappingException {
    Map<String, Object> decoded = sliceSpans.map(SPANS.deserialize("t", bytes), 1, 2);
    String what = new String(bytes, StandardCharsets.UTF_8);
    assertThat(sliceSpans.map(bytes, 1, 2)).as(what).isEqualTo(decoded);
    assertThat(copySpans.map(bytes, 1, 2)).as(what).isEqualTo(decoded);
  }

  private void assertSameScoreRows(byte[] bytes) throws MappingException {
    Map<String, Object> sliced = sliceScores.map(bytes, 1, 2);
    String what = new String(bytes, StandardCharsets.UTF_8);
    assertThat(copyScores.map(bytes, 1, 2)).as(what).isEqualTo(sliced);
    // The event hash is of the bytes as read (the same on both paths above); the decoded event's
    // hash is of the collector's spelling, so other writers' records differ there alone.
    Map<String, Object> decoded =
        new LinkedHashMap<>(sliceScores.map(SCORES.deserialize("t", bytes), 1, 2));
    decoded.put("event_hash", sliced.get("event_hash"));
    assertThat(sliced).as(what).isEqualTo(decoded);
  }

  /**
   * The map as the collector's mapper writes it is a canonical object, whole, unless it holds a
   * character outside the BMP: the byte writer escapes those as a surrogate pair ({@code \}{@code
   * uD83D\}{@code uDE00}) where the column's text has the character itself, so they are copied.
   * Returns 1 when sliced.
   */
  private static int assertSlicedUnlessSupplementary(Map<String, Object> m) throws Exception {
    byte[] bytes = Json.mapper().writeValueAsBytes(m);
    boolean supplementary =
        Json.mapper()
            .writeValueAsString(m)
            .codePoints()
            .anyMatch(Character::isSupplementaryCodePoint);
    assertThat(CanonicalJson.objectEnd(bytes, 0, bytes.length))
        .as(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(supplementary ? CanonicalJson.NOT_CANONICAL : bytes.length);
    return supplementary ? 0 : 1;
  }

  private static boolean supplementary(Object value) throws Exception {
    return Json.mapper()
        .writeValueAsString(value)
        .codePoints()
        .anyMatch(Character::isSupplementaryCodePoint);
  }

  /** The map as the collector's mapper writes it is a canonical object, whole. */
  private static void assertCanonical(Map<String, Object> m) throws Exception {
    byte[] bytes = Json.mapper().writeValueAsBytes(m);
    assertThat(CanonicalJson.objectEnd(bytes, 0, bytes.length))
        .as(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(bytes.length);
  }

  private static SpanRecord span(
      Random r, Map<String, Object> attributes, Map<String, Object> res) {
    Instant start =
        Instant.ofEpochSecond(1_780_000_000L + r.nextInt(1_000_000), r.nextInt(1_000_000_000));
    return new SpanRecord(
        SpanRecord.SCHEMA_VERSION,
        cell(r),
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
        r.nextBoolean() ? null : "00f067aa0ba902b7",
        randomString(r),
        r.nextBoolean() ? "tool_call" : null,
        start,
        start.plusNanos(r.nextInt(1_000_000_000)),
        "OK",
        r.nextBoolean() ? null : randomString(r),
        attributes,
        res);
  }

  private static ScoreEvent event(
      Random r, Map<String, Object> breakdown, Map<String, Object> attributes) {
    return new ScoreEvent(
        ScoreEvent.SCHEMA_VERSION,
        cell(r),
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
        "pass_rate",
        r.nextBoolean() ? null : r.nextDouble(),
        r.nextBoolean() ? null : randomString(r),
        randomString(r),
        breakdown,
        attributes,
        Instant.ofEpochSecond(1_780_000_000L + r.nextInt(1_000_000), r.nextInt(1_000_000_000)));
  }

  private static CellIdentity cell(Random r) {
    return new CellIdentity(
        "sweep/tui/model/" + randomString(r), "sweep", "tui", "model", "task", "category");
  }

  private static Map<String, Object> randomMap(Random r, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = r.nextInt(depth == 0 ? 12 : 4);
    for (int i = 0; i < n; i++) {
      m.put(randomString(r), randomValue(r, depth));
    }
    return m;
  }

  private static Object randomValue(Random r, int depth) {
    return switch (r.nextInt(depth < 3 ? 13 : 11)) {
      case 0, 1, 2 -> randomString(r);
      case 3 -> r.nextInt();
      case 4 -> r.nextLong();
      case 5 -> new BigInteger(100, r).negate();
      case 6 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
      case 7 -> Double.longBitsToDouble(r.nextLong()); // any double: NaN, subnormal, huge
      case 8 -> r.nextBoolean();
      case 9 -> null;
      case 10 -> r.nextBoolean() ? "sk-[REDACTED]" : "Bearer [REDACTED] and " + randomString(r);
      case 11 -> {
        List<Object> list = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          list.add(randomValue(r, depth + 1));
        }
        yield list;
      }
      default -> randomMap(r, depth + 1);
    };
  }

  /** Characters a JSON writer treats differently: controls, quotes, escapes, unicode, emoji. */
  private static final String[] PIECES = {
    "a",
    "Z",
    "0",
    " ",
    "/",
    "\\",
    "\"",
    "'",
    "\u0000",
    "\u0001",
    "\b",
    "\t",
    "\n",
    "\f",
    "\r",
    "\u001F",
    "\u007F",
    "\u0080",
    "é",
    "ß",
    "日本",
    "\u2028",
    "\u2029",
    "\uFEFF",
    "\uFFFD",
    "<script>",
    "&amp;",
    "[REDACTED]",
    "{}",
    "[1]",
    ":",
    ","
  };

  /** Characters outside the BMP: the byte writer escapes them, so such records are bound. */
  private static final String[] SUPPLEMENTARY = {"\uD83D\uDE00", "\uD834\uDD1E"};

  private static String randomString(Random r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(8); i > 0; i--) {
      s.append(PIECES[r.nextInt(PIECES.length)]);
    }
    if (r.nextInt(200) == 0) {
      s.append(SUPPLEMENTARY[r.nextInt(SUPPLEMENTARY.length)]);
    }
    return s.toString();
  }
}
