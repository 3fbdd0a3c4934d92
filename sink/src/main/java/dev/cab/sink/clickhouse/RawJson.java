package dev.cab.sink.clickhouse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.cab.model.serde.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * A JSON object of a wire record (span attributes, a scorer event's breakdown) as the text of its
 * JSON column, copied token by token from the record's bytes instead of being decoded into a {@code
 * Map} and encoded again. Same text as {@link ClickHouseValues#json} of the decoded map: both write
 * with the wire mapper's generator, numbers go through the same Java types (int, long, BigInteger,
 * double), strings are decoded and escaped the same way, and key order is kept.
 *
 * <p>The path of records {@link CanonicalRecord} does not take (another writer's spelling); the
 * collector's records are read straight from their bytes, their maps sliced.
 *
 * <p>One difference is detected rather than copied: an object with a key twice (a map keeps the
 * last value at the first key's place). Such a value is marked not {@link #exact}, and the mapper
 * decodes the record the old way.
 *
 * @param json the object as JSON text ({@code {}} when absent or null)
 * @param exact false when a key repeats somewhere inside: the text is not what a map would give
 */
@JsonDeserialize(using = RawJson.Deserializer.class)
record RawJson(String json, boolean exact) {

  static final RawJson EMPTY = new RawJson("{}", true);

  /** {@code {}} for an absent value, as the wire records default a missing map. */
  static RawJson orEmpty(RawJson j) {
    return j == null ? EMPTY : j;
  }

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
