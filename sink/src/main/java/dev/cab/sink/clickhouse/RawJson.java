package dev.cab.sink.clickhouse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.cab.model.serde.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object of a wire record (span attributes, a scorer event's breakdown) kept as the text of
 * its JSON column, read from the record's bytes instead of being decoded into a {@code Map} and
 * encoded again: sliced from the collector's canonical records ({@link CanonicalRecord}), or copied
 * token by token by its {@link Deserializer} from any other spelling. Same text as {@link
 * ClickHouseValues#json} of the decoded map: both write with the wire mapper's generator, numbers
 * go through the same Java types (int, long, BigInteger, double), strings are decoded and escaped
 * the same way, and key order is kept.
 *
 * <p>It is a {@code Map} so that the model's records ({@link dev.cab.model.wire.SpanRecord}, {@link
 * dev.cab.model.wire.ScoreEvent}), whose maps are {@code Map<String, Object>}, hold it as they
 * came: the row takes its text ({@link #column}); anything that reads it as a map (equality in
 * tests, a log line) gets the entries of its text, decoded on first use. Read-only.
 *
 * <p>One difference is detected rather than copied: an object with a key twice (a map keeps the
 * last value at the first key's place). Such a value is marked not {@link #exact}, and the mapper
 * decodes the record the old way.
 */
final class RawJson extends AbstractMap<String, Object> {

  /** {@code {}}: an absent or null map, as the wire records default one. */
  static final RawJson EMPTY = new RawJson("{}", true);

  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final String json;
  private final boolean exact;

  /** The entries, decoded from {@link #json} when first asked for (the row never asks). */
  private volatile Map<String, Object> entries;

  /**
   * @param json the object as JSON text
   * @param exact false when a key repeats somewhere inside: the text is not what a map would give
   */
  RawJson(String json, boolean exact) {
    this.json = json;
    this.exact = exact;
  }

  /** The object as the text of its JSON column. */
  String json() {
    return json;
  }

  /** False when a key repeats somewhere inside: the text is not what the decoded map would give. */
  boolean exact() {
    return exact;
  }

  /** The text of a record's map for its JSON column: as read when it was, else encoded. */
  static String column(Map<String, Object> map) throws MappingException {
    return map instanceof RawJson raw ? raw.json : ClickHouseValues.json(map);
  }

  /** False for a map read as text whose text is not the decoded map's ({@link #exact()}). */
  static boolean exact(Map<String, Object> map) {
    return !(map instanceof RawJson raw) || raw.exact;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    Map<String, Object> e = entries;
    if (e == null) {
      try {
        e = Collections.unmodifiableMap(Json.mapper().readValue(json, MAP));
      } catch (JsonProcessingException ex) {
        throw new UncheckedIOException("the JSON text of a map does not decode", ex);
      }
      entries = e;
    }
    return e.entrySet();
  }

  /**
   * Copies an object token by token; registered for the {@code Map} fields of a wire record on the
   * mapper of {@link SlicingReader}. A JSON null is {@link #EMPTY}.
   */
  static final class Deserializer extends StdDeserializer<RawJson> {
    private static final long serialVersionUID = 1L;

    Deserializer() {
      super(RawJson.class);
    }

    @Override
    public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        // what a Map<String, Object> would refuse (an array, a string, a number)
        return (RawJson) ctxt.handleUnexpectedToken(RawJson.class, p);
      }
      StringWriter out = new StringWriter(128);
      boolean exact = true;
      try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
        // one set of keys per open object; arrays push null
        Deque<Set<String>> keys = new ArrayDeque<>();
        JsonToken t = p.currentToken();
        do {
          switch (t) {
            case START_OBJECT -> {
              keys.push(new HashSet<>());
              g.writeStartObject();
            }
            case END_OBJECT -> {
              keys.pop();
              g.writeEndObject();
            }
            case START_ARRAY -> {
              keys.push(Set.of());
              g.writeStartArray();
            }
            case END_ARRAY -> {
              keys.pop();
              g.writeEndArray();
            }
            case FIELD_NAME -> {
              if (!keys.peek().add(p.currentName())) {
                exact = false;
              }
              g.writeFieldName(p.currentName());
            }
            default -> g.copyCurrentEvent(p);
          }
          if (keys.isEmpty()) {
            break;
          }
          t = p.nextToken();
        } while (t != null);
      }
      return new RawJson(out.toString(), exact);
    }

    @Override
    public RawJson getNullValue(DeserializationContext ctxt) {
      return EMPTY;
    }
  }
}
