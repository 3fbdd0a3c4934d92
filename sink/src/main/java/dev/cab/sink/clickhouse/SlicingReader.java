package dev.cab.sink.clickhouse;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.cab.model.serde.Json;
import dev.cab.model.serde.JsonSerde;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a wire record with two JSON maps (a span, a scorer event) from its bytes for its row, the
 * maps kept as the text of their JSON columns ({@link RawJson}) instead of decoded into {@code
 * Map}s and encoded again. The first of three ways that applies:
 *
 * <ol>
 *   <li>the collector's canonical form, read straight from the bytes, maps sliced ({@link
 *       CanonicalRecord}; the record type's own {@link CanonicalRecord.Reader});
 *   <li>any other spelling, bound with Jackson, maps copied token by token ({@link
 *       RawJson.Deserializer});
 *   <li>a key twice in a map (the copy is not the decoded map's text) or bytes that do not decode:
 *       the whole record decoded, maps too; a {@link MappingException} that names why when it does
 *       not decode.
 * </ol>
 *
 * Each way gives the same row: the record's fields are the same values, and {@link RawJson#column}
 * gives the text a decoded map would be written as (MapSlicingTest compares them). Thread-safe.
 *
 * @param <T> the wire record
 */
final class SlicingReader<T> {
  private final String topic;
  private final JsonSerde<T> serde;

  /** Binds the record with its {@code Map} fields copied as {@link RawJson}. */
  private final ObjectReader copying;

  /** Null to bind every record (the sink before {@link CanonicalRecord}). */
  private final CanonicalRecord.Reader<T> canonical;

  private final Function<T, Map<String, Object>> firstMap;
  private final Function<T, Map<String, Object>> secondMap;

  /**
   * @param canonical reads the record's canonical form; null to bind every record with Jackson (the
   *     other side of the equivalence test and the bench)
   * @param firstMap and {@code secondMap}: the record's two maps
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // the module keys deserializers by raw class
  SlicingReader(
      Class<T> type,
      String topic,
      CanonicalRecord.Reader<T> canonical,
      Function<T, Map<String, Object>> firstMap,
      Function<T, Map<String, Object>> secondMap) {
    this.topic = topic;
    this.serde = new JsonSerde<>(type);
    // the records' only Map fields are their two maps (their cell identity has none), and the
    // copy consumes a map whole: no nested map reaches this deserializer
    this.copying =
        Json.mapper()
            .copy()
            .registerModule(
                new SimpleModule("raw-json-maps")
                    .addDeserializer((Class) Map.class, new RawJson.Deserializer()))
            .readerFor(type);
    this.canonical = canonical;
    this.firstMap = firstMap;
    this.secondMap = secondMap;
  }

  /** The record, its maps as text where they could be read so. */
  T read(byte[] value) throws MappingException {
    T record = canonical == null ? null : CanonicalRecord.readOrNull(value, canonical);
    if (record != null) {
      return record; // a sliced map is the decoded map's text: no key twice (CanonicalJson)
    }
    // another writer's spelling (or bytes that do not decode): bind with Jackson
    record = bind(value);
    if (record == null
        || !RawJson.exact(firstMap.apply(record))
        || !RawJson.exact(secondMap.apply(record))) {
      // undecodable (the full decode names why) or a key twice in a map: decode as before
      record = Decoding.decode(serde, topic, value);
    }
    return record;
  }

  /** The record bound with its maps copied as text, or null when the bytes do not decode. */
  T bind(byte[] value) {
    try {
      return copying.readValue(value);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
