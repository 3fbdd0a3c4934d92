package dev.cab.model.serde;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import java.io.IOException;
import java.io.Serial;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads and writes the wire format's instants ({@code 2026-06-17T03:34:44.013042Z}, what {@link
 * java.time.format.DateTimeFormatter#ISO_INSTANT} writes) without {@code DateTimeFormatter}, whose
 * general parser was a tenth of the sink's CPU and a twentieth of streams' (docs/PERFORMANCE.md).
 * The output is byte for byte what JavaTimeModule writes (fraction in groups of three digits, none
 * when zero); anything outside the fast path (years outside 0000-9999, offsets, numbers, leap
 * seconds, malformed text) goes to JavaTimeModule's own serializer and deserializer, so what reads
 * and what fails to read is unchanged.
 */
final class InstantCodec {
  private InstantCodec() {}

  /** The module registering both; add it after {@code JavaTimeModule} so it takes precedence. */
  static SimpleModule module() {
    SimpleModule m = new SimpleModule("cab-instants");
    m.addSerializer(Instant.class, new Writer());
    m.addDeserializer(Instant.class, new Reader());
    return m;
  }

  private static final long MIN_FAST = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_FAST = 253_402_300_799L; // 9999-12-31T23:59:59Z

  /** The ISO-8601 text of an instant, or null when the fast path does not cover it. */
  static String format(Instant t) {
    long s = t.getEpochSecond();
    if (s < MIN_FAST || s > MAX_FAST) {
      return null;
    }
    long days = Math.floorDiv(s, 86_400);
    int secs = Math.floorMod(s, 86_400);
    LocalDate d = LocalDate.ofEpochDay(days);
    int nanos = t.getNano();
    char[] c = new char[30];
    int i = digits(c, 0, d.getYear(), 4);
    c[i++] = '-';
    i = digits(c, i, d.getMonthValue(), 2);
    c[i++] = '-';
    i = digits(c, i, d.getDayOfMonth(), 2);
    c[i++] = 'T';
    i = digits(c, i, secs / 3600, 2);
    c[i++] = ':';
    i = digits(c, i, secs / 60 % 60, 2);
    c[i++] = ':';
    i = digits(c, i, secs % 60, 2);
    if (nanos != 0) {
      c[i++] = '.';
      if (nanos % 1_000_000 == 0) {
        i = digits(c, i, nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        i = digits(c, i, nanos / 1000, 6);
      } else {
        i = digits(c, i, nanos, 9);
      }
    }
    c[i++] = 'Z';
    return new String(c, 0, i);
  }

  private static int digits(char[] c, int at, int value, int width) {
    for (int k = at + width - 1; k >= at; k--) {
      c[k] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  /**
   * The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for any other text (including
   * invalid dates and second 60), which the caller hands to the general parser.
   */
  static Instant parse(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') {
      return null;
    }
    if (s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 2);
    int day = number(s, 8, 2);
    int hour = number(s, 11, 2);
    int minute = number(s, 14, 2);
    int second = number(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int digits = n - 21;
      if (s.charAt(19) != '.' || digits < 1) {
        return null;
      }
      int fraction = number(s, 20, digits);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int k = digits; k < 9; k++) {
        nanos *= 10;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  /** The decimal number of {@code len} ASCII digits at {@code at}, or -1. */
  private static int number(String s, int at, int len) {
    int v = 0;
    for (int k = at; k < at + len; k++) {
      char ch = s.charAt(k);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  private static final class Writer extends StdScalarSerializer<Instant> {
    @Serial private static final long serialVersionUID = 1L;

    Writer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      String text = format(value);
      if (text == null) {
        InstantSerializer.INSTANCE.serialize(value, gen, provider);
      } else {
        gen.writeString(text);
      }
    }
  }

  private static final class Reader extends StdScalarDeserializer<Instant> {
    @Serial private static final long serialVersionUID = 1L;

    Reader() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        Instant fast = parse(p.getText());
        if (fast != null) {
          return fast;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(p, ctxt);
    }
  }
}
