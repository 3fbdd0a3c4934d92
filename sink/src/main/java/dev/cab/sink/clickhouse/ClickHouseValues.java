package dev.cab.sink.clickhouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cab.model.serde.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Java values for ClickHouse columns, as the rows of a {@link RowMapper} hold them. Times are
 * {@link Instant}s (RowBinary sends them as ticks since the epoch); {@link #dateTimeText} gives the
 * UTC text ({@code 2026-06-16 19:05:37.658695000}) that a text format needs, which every DateTime64
 * column parses in its own time zone ('UTC' in our tables) whatever the JVM's or server's zone.
 */
final class ClickHouseValues {
  private ClickHouseValues() {}

  /** Nanosecond text; a DateTime64(p) column rounds it to its own precision. */
  private static final DateTimeFormatter DATE_TIME_NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

  /** The range a DateTime64 column holds; RowBinary would store a time outside it wrong. */
  static final Instant MIN_TIME = Instant.parse("1900-01-01T00:00:00Z");

  static final Instant MAX_TIME = Instant.parse("2299-12-31T23:59:59.999999999Z");

  /**
   * A Nullable(DateTime64) value: the time, or null.
   *
   * @throws MappingException when the time is outside what DateTime64 holds (1900-2299)
   */
  static Instant dateTime(Instant t) throws MappingException {
    if (t != null && (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME))) {
      throw new MappingException("time outside 1900-2299, which DateTime64 cannot hold: " + t);
    }
    return t;
  }

  /** A DateTime64 value for a non-nullable column: the epoch when absent. */
  static Instant dateTimeOrEpoch(Instant t) throws MappingException {
    return t == null ? Instant.EPOCH : dateTime(t);
  }

  /** The UTC text of a time, for text formats; a DateTime64(p) column rounds it to p digits. */
  static String dateTimeText(Instant t) {
    return DATE_TIME_NANOS.format(t);
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
