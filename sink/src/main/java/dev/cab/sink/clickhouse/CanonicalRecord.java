package dev.cab.sink.clickhouse;

import dev.cab.model.wire.CellIdentity;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Reads the fields of a wire record straight from its bytes when the record is in the canonical
 * form the collector writes ({@link CanonicalJson}): one object, no whitespace, each field once,
 * each value of the kind its field holds. The row mappers take this path first and fall back to
 * Jackson's data binding on the first surprise ({@link NotCanonical}): a record this reader takes
 * is one the fallback reads to the same values (the mapper tests compare both on every input), and
 * what the fallback rejects or reads differently this reader never takes. Not thread-safe: one per
 * record.
 */
final class CanonicalRecord {
  private final byte[] b;
  private final int limit;
  private final CanonicalJson scan;
  private int i;

  /** Inside an object before its first key. */
  private boolean first;

  private CanonicalRecord(byte[] b) {
    this.b = b;
    this.limit = b.length;
    this.scan = new CanonicalJson(b);
  }

  /** Thrown on anything this reader does not take; the caller binds the record the usual way. */
  static final class NotCanonical extends Exception {
    private static final long serialVersionUID = 1L;

    /** One shared instance: no stack trace, nothing allocated on the way back. */
    static final NotCanonical INSTANCE = new NotCanonical();

    private NotCanonical() {
      super("not the collector's canonical form", null, false, false);
    }
  }

  /** Reads the fields of one record type, from the start of its top-level object to its end. */
  @FunctionalInterface
  interface Reader<T> {
    T read(CanonicalRecord record) throws NotCanonical;
  }

  /**
   * The record read straight from its bytes when they are in the canonical form; null otherwise
   * (the caller binds them with Jackson).
   */
  static <T> T readOrNull(byte[] record, Reader<T> reader) {
    try {
      CanonicalRecord r = new CanonicalRecord(record);
      r.beginObject();
      return reader.read(r);
    } catch (NotCanonical e) {
      return null;
    }
  }

  private static NotCanonical fail() {
    return NotCanonical.INSTANCE;
  }

  private void beginObject() throws NotCanonical {
    if (i >= limit || b[i] != '{') {
      throw fail();
    }
    i++;
    first = true;
  }

  /**
   * The next key of the current object, or null at its end (then consumed). At the end of the
   * top-level object the record must end too (Jackson would ignore what follows; this reader does
   * not guess).
   *
   * @param topLevel true for the record's own object
   */
  String nextKey(boolean topLevel) throws NotCanonical {
    if (i >= limit) {
      throw fail();
    }
    if (b[i] == '}') {
      i++;
      first = false;
      if (topLevel && i != limit) {
        throw fail();
      }
      return null;
    }
    if (!first) {
      if (b[i] != ',') {
        throw fail();
      }
      i++;
    }
    first = false;
    int at = i;
    String key = string();
    if (i - at > CanonicalJson.MAX_KEY) {
      throw fail();
    }
    if (i >= limit || b[i] != ':') {
      throw fail();
    }
    i++;
    return key;
  }

  private boolean nullLiteral() {
    if (i + 4 <= limit && b[i] == 'n' && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
      i += 4;
      return true;
    }
    return false;
  }

  /** A string value, or null for {@code null}. */
  String stringOrNull() throws NotCanonical {
    return nullLiteral() ? null : string();
  }

  private String string() throws NotCanonical {
    int start = i;
    int end = scan.stringAt(start);
    if (end < 0) {
      throw fail();
    }
    i = end;
    int from = start + 1;
    int to = end - 1;
    // strict UTF-8 (the scan checked it): decoding is exact
    return scan.escaped()
        ? unescape(from, to)
        : new String(b, from, to - from, StandardCharsets.UTF_8);
  }

  /** Decodes a string with the generator's escapes (the only ones the scan lets through). */
  private String unescape(int from, int to) {
    StringBuilder s = new StringBuilder(to - from);
    int run = from;
    int k = from;
    while (k < to) {
      if (b[k] != '\\') {
        k++;
        continue;
      }
      s.append(new String(b, run, k - run, StandardCharsets.UTF_8));
      byte e = b[k + 1];
      switch (e) {
        case 'b' -> s.append('\b');
        case 't' -> s.append('\t');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 'u' -> {
          s.append((char) Integer.parseInt(new String(b, k + 2, 4, StandardCharsets.US_ASCII), 16));
          k += 4;
        }
        default -> s.append((char) e); // '"' or '\\'
      }
      k += 2;
      run = k;
    }
    s.append(new String(b, run, to - run, StandardCharsets.UTF_8));
    return s.toString();
  }

  /** An int value (the record's schema version). */
  int intValue() throws NotCanonical {
    int end = scan.numberAt(i);
    if (end < 0 || end - i > 10) {
      throw fail();
    }
    long v = 0;
    boolean negative = b[i] == '-';
    for (int k = negative ? i + 1 : i; k < end; k++) {
      if (b[k] < '0' || b[k] > '9') {
        throw fail(); // a fraction or exponent: not an int as the writer spells one
      }
      v = v * 10 + (b[k] - '0');
    }
    v = negative ? -v : v;
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw fail();
    }
    i = end;
    return (int) v;
  }

  /** A Double value as the writer spells one (with a fraction or an exponent), or null. */
  Double doubleOrNull() throws NotCanonical {
    if (nullLiteral()) {
      return null;
    }
    int end = scan.numberAt(i);
    if (end < 0) {
      throw fail();
    }
    boolean fraction = false;
    for (int k = i; k < end; k++) {
      fraction |= b[k] == '.' || b[k] == 'E' || b[k] == 'e';
    }
    if (!fraction) {
      throw fail();
    }
    double d = Double.parseDouble(new String(b, i, end - i, StandardCharsets.US_ASCII));
    i = end;
    return d;
  }

  /**
   * A JSON object value as the text of its column, sliced from the bytes ({@link RawJson#EMPTY} for
   * {@code null}, as the wire records default a missing map).
   */
  RawJson object() throws NotCanonical {
    if (nullLiteral()) {
      return RawJson.EMPTY;
    }
    int end = scan.objectAt(i);
    if (end < 0) {
      throw fail();
    }
    RawJson json = new RawJson(new String(b, i, end - i, StandardCharsets.UTF_8), true);
    i = end;
    return json;
  }

  /** Skips a value of a field the record type does not have (a newer writer's). */
  void skipValue() throws NotCanonical {
    int end = scan.valueAt(i);
    if (end < 0) {
      throw fail();
    }
    i = end;
  }

  /** The cell identity object, or null for {@code null}. */
  CellIdentity cellOrNull() throws NotCanonical {
    if (nullLiteral()) {
      return null;
    }
    beginObject();
    String cellId = null;
    String sweepId = null;
    String tui = null;
    String model = null;
    String task = null;
    String category = null;
    int seen = 0;
    for (String key; (key = nextKey(false)) != null; ) {
      int bit;
      switch (key) {
        case "cell_id" -> {
          bit = 1;
          cellId = stringOrNull();
        }
        case "sweep_id" -> {
          bit = 2;
          sweepId = stringOrNull();
        }
        case "tui" -> {
          bit = 4;
          tui = stringOrNull();
        }
        case "model" -> {
          bit = 8;
          model = stringOrNull();
        }
        case "task" -> {
          bit = 16;
          task = stringOrNull();
        }
        case "category" -> {
          bit = 32;
          category = stringOrNull();
        }
        default -> {
          bit = 0;
          skipValue();
        }
      }
      seen = once(seen, bit);
    }
    if (cellId == null) {
      throw fail(); // the identity refuses it: the fallback reports the record undecodable
    }
    return new CellIdentity(cellId, sweepId, tui, model, task, category);
  }

  /**
   * The four fields a span and a scorer event both open with ({@link #header}).
   *
   * @param cell null for a JSON null (the mapper refuses the record)
   */
  record Header(int schemaVersion, CellIdentity cell, String traceId, String spanId) {}

  /**
   * Reads the four fields a span and a scorer event both open with, in the order the wire mapper
   * writes them (the records' first four components): schema version, cell identity, trace id, span
   * id. A record that does not open with them, in that order, is not canonical.
   */
  Header header() throws NotCanonical {
    key(SCHEMA_VERSION);
    int schemaVersion = intValue();
    key(CELL);
    CellIdentity cell = cellOrNull();
    key(TRACE_ID);
    String traceId = stringOrNull();
    key(SPAN_ID);
    return new Header(schemaVersion, cell, traceId, stringOrNull());
  }

  /** The header's keys as the wire mapper writes them, quotes and colon included. */
  private static final byte[] SCHEMA_VERSION = keyBytes("schema_version");

  private static final byte[] CELL = keyBytes("cell");
  private static final byte[] TRACE_ID = keyBytes("trace_id");
  private static final byte[] SPAN_ID = keyBytes("span_id");

  private static byte[] keyBytes(String name) {
    return ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The next key of the top-level object, which must be {@code expected} spelled as the writer
   * spells it (compared as bytes: no key string made; any other spelling is not canonical).
   */
  private void key(byte[] expected) throws NotCanonical {
    if (!first) {
      if (i >= limit || b[i] != ',') {
        throw fail();
      }
      i++;
    }
    first = false;
    int end = i + expected.length;
    if (end > limit || !Arrays.equals(b, i, end, expected, 0, expected.length)) {
      throw fail();
    }
    i = end;
  }

  /**
   * Skips the value of a field after the header that the record type does not have (a newer
   * writer's); a header field given again is left to the fallback (which keeps the last).
   *
   * @return 0, the bit of a field never counted by {@link #once}
   */
  int skipField(String key) throws NotCanonical {
    switch (key) {
      case "schema_version", "cell", "trace_id", "span_id" -> throw fail();
      default -> skipValue();
    }
    return 0;
  }

  /**
   * Marks a field seen; a field given twice is left to the fallback (which keeps the last).
   *
   * @param bit the field's bit, 0 for an unknown field (skipped, never counted)
   */
  static int once(int seen, int bit) throws NotCanonical {
    if ((seen & bit) != 0) {
      throw fail();
    }
    return seen | bit;
  }

  /**
   * An instant ({@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, the wire format's), or null for {@code
   * null}. The same grammar as the wire mapper's own fast reader of instants; anything else (other
   * years, offsets, invalid dates) is left to the fallback, which hands it to JavaTimeModule.
   */
  Instant instantOrNull() throws NotCanonical {
    if (nullLiteral()) {
      return null;
    }
    int start = i;
    int end = scan.stringAt(start);
    int n = end - start - 2;
    if (end < 0 || n < 20 || n > 30) {
      throw fail();
    }
    int s = start + 1;
    if (b[s + 4] != '-'
        || b[s + 7] != '-'
        || b[s + 10] != 'T'
        || b[s + 13] != ':'
        || b[s + 16] != ':'
        || b[s + n - 1] != 'Z') {
      throw fail();
    }
    int year = digits(s, 4);
    int month = digits(s + 5, 2);
    int day = digits(s + 8, 2);
    int hour = digits(s + 11, 2);
    int minute = digits(s + 14, 2);
    int second = digits(s + 17, 2);
    if (hour > 23 || minute > 59 || second > 59) {
      throw fail();
    }
    int nanos = 0;
    if (n > 20) {
      int count = n - 21;
      if (b[s + 19] != '.' || count < 1) {
        throw fail();
      }
      nanos = digits(s + 20, count);
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      throw fail();
    }
    i = end;
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  private int digits(int at, int count) throws NotCanonical {
    int v = 0;
    for (int k = at; k < at + count; k++) {
      int d = b[k] - '0';
      if (d < 0 || d > 9) {
        throw fail();
      }
      v = v * 10 + d;
    }
    return v;
  }
}
