package dev.cab.sink.clickhouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cab.model.serde.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Java values as the JDBC driver should send them to ClickHouse columns. Times go as UTC text
 * ({@code 2026-06-16 19:05:37.658695000}), which every DateTime64 column parses in its own time
 * zone ('UTC' in our tables) without depending on the JVM's or the server's default zone.
 */
final class ClickHouseValues {
  private ClickHouseValues() {}

  /** Nanosecond text; a DateTime64(p) column rounds it to its own precision. */
  private static final DateTimeFormatter DATE_TIME_NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

  /** The epoch, stored when a non-nullable time is absent. */
  static final String EPOCH = dateTime(Instant.EPOCH);

  /** A DateTime64 value, or null. */
  static String dateTime(Instant t) {
    return t == null ? null : DATE_TIME_NANOS.format(t);
  }

  /** A DateTime64 value for a non-nullable column: the epoch when absent. */
  static String dateTimeOrEpoch(Instant t) {
    return t == null ? EPOCH : DATE_TIME_NANOS.format(t);
  }

  /** A non-nullable string column: '' when absent. */
  static String text(String s) {
    return s == null ? "" : s;
  }

  /**
   * A Nullable(Float64) value: null stays null, and so do NaN and infinities, which have no JSON
   * form and which no analyst wants averaged in.
   */
  static Double finite(Double d) {
    return d == null || !Double.isFinite(d) ? null : d;
  }

  /** JSON text of a decoded value (maps keep their order, nulls and arrays). */
  static String json(Object value) throws MappingException {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new MappingException("cannot write JSON column", e);
    }
  }
}
