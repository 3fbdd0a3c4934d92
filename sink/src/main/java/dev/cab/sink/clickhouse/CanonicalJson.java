package dev.cab.sink.clickhouse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds where a JSON object in a record's bytes ends, when those bytes are already the text the
 * wire mapper writes for the decoded object: then the object's column text is a slice of the record
 * ({@link RawJson}), with nothing decoded or encoded again. The collector writes every record with
 * that mapper, so its maps pass; what another writer may spell differently is refused, and the
 * caller copies the object token by token instead:
 *
 * <ul>
 *   <li>whitespace between tokens;
 *   <li>a string escape other than the generator's ({@code \" \\ \b \t \f \n \r}, and {@code
 *       \}{@code u00XX} with upper-case hex for the other control characters), e.g. an escaped
 *       slash, an escaped letter, lower-case hex; and so a character outside the BMP, which the
 *       byte generator escapes as a surrogate pair where the column's text (written to a {@code
 *       Writer}) holds the character itself;
 *   <li>bytes that are not strict UTF-8 (overlong forms, surrogates, truncated sequences);
 *   <li>a number that reads back as another text: {@code -0}, {@code 1E2}, {@code 1.50}, {@code
 *       1e400} (a float is canonical when {@link Double#toString} of its value gives it back, as
 *       the generator writes a {@code Double});
 *   <li>a key twice in one object (a map keeps the last value at the first key's place);
 *   <li>nesting deeper than {@value #MAX_DEPTH}, a number longer than {@value #MAX_NUMBER}
 *       characters, a key longer than {@value #MAX_KEY} bytes, a string longer than {@value
 *       #MAX_STRING} bytes (left to the parser, within or beyond its own limits).
 * </ul>
 *
 * Invalid JSON is refused too (the parser then reports it). Thread-safe: each call has its own
 * scan.
 */
final class CanonicalJson {
  static final int MAX_DEPTH = 64;
  static final int MAX_NUMBER = 300;

  /** Jackson's default limit on a name is 50,000 characters: no byte count above it passes. */
  static final int MAX_KEY = 50_000;

  /** Jackson's default limit on a string is 20,000,000 characters. */
  static final int MAX_STRING = 20_000_000;

  /** Returned when the bytes are not canonical (or not JSON). */
  static final int NOT_CANONICAL = -1;

  private final byte[] b;
  private final int limit;

  /** The keys of the objects being scanned, innermost last: start, end and hash of each. */
  private int[] keyStart;

  private int[] keyEnd;
  private int[] keyHash;
  private int keys;

  /** Whether the last string scanned held an escape (else its bytes are its UTF-8 text). */
  private boolean escaped;

  /** A scanner of one record's bytes, for a reader taking its values one after the other. */
  CanonicalJson(byte[] b) {
    this(b, b.length);
  }

  private CanonicalJson(byte[] b, int limit) {
    this.b = b;
    this.limit = limit;
  }

  /**
   * The end (exclusive) of the object that starts at {@code start} (its {@code '{'}), or {@link
   * #NOT_CANONICAL}.
   *
   * @param limit the end of the record's bytes
   */
  static int objectEnd(byte[] src, int start, int limit) {
    if (limit > src.length) {
      return NOT_CANONICAL;
    }
    return new CanonicalJson(src, limit).objectAt(start);
  }

  /** The end (exclusive) of the object at {@code start}, or {@link #NOT_CANONICAL}. */
  int objectAt(int start) {
    if (start < 0 || start >= limit || b[start] != '{') {
      return NOT_CANONICAL;
    }
    return object(start, 1);
  }

  /** The end (exclusive) of the value at {@code start}, or {@link #NOT_CANONICAL}. */
  int valueAt(int start) {
    return start < 0 ? NOT_CANONICAL : value(start, 0);
  }

  /**
   * The end (exclusive, after the closing quote) of the string at {@code start}, or {@link
   * #NOT_CANONICAL}. Its bytes are strict UTF-8 and its escapes the generator's; {@link #escaped()}
   * says whether it has any.
   */
  int stringAt(int start) {
    if (start < 0 || start >= limit || b[start] != '"') {
      return NOT_CANONICAL;
    }
    return string(start);
  }

  /** Whether the last string scanned holds an escape. */
  boolean escaped() {
    return escaped;
  }

  /** The end (exclusive) of the number at {@code start}, or {@link #NOT_CANONICAL}. */
  int numberAt(int start) {
    if (start < 0 || start >= limit) {
      return NOT_CANONICAL;
    }
    return number(start);
  }

  private int value(int i, int depth) {
    if (i >= limit) {
      return NOT_CANONICAL;
    }
    return switch (b[i]) {
      case '{' -> object(i, depth + 1);
      case '[' -> array(i, depth + 1);
      case '"' -> string(i);
      case 't' -> literal(i, TRUE);
      case 'f' -> literal(i, FALSE);
      case 'n' -> literal(i, NULL);
      default -> number(i);
    };
  }

  private int object(int i, int depth) {
    if (depth > MAX_DEPTH) {
      return NOT_CANONICAL;
    }
    i++;
    if (i < limit && b[i] == '}') {
      return i + 1;
    }
    int base = keys;
    try {
      while (true) {
        if (i >= limit || b[i] != '"') {
          return NOT_CANONICAL;
        }
        int end = string(i);
        if (end < 0 || end - i > MAX_KEY || repeated(base, i, end)) {
          return NOT_CANONICAL;
        }
        if (end >= limit || b[end] != ':') {
          return NOT_CANONICAL;
        }
        i = value(end + 1, depth);
        if (i < 0 || i >= limit) {
          return NOT_CANONICAL;
        }
        if (b[i] == '}') {
          return i + 1;
        }
        if (b[i] != ',') {
          return NOT_CANONICAL;
        }
        i++;
      }
    } finally {
      keys = base;
    }
  }

  /** True when the key at [start, end) is one of this object's keys so far; else remembers it. */
  private boolean repeated(int base, int start, int end) {
    // the raw bytes' hash: one spelling per string here
    int hash = 1;
    for (int k = start; k < end; k++) {
      hash = 31 * hash + b[k];
    }
    int length = end - start;
    for (int k = base; k < keys; k++) {
      if (keyHash[k] == hash
          && keyEnd[k] - keyStart[k] == length
          && Arrays.equals(b, keyStart[k], keyEnd[k], b, start, end)) {
        return true;
      }
    }
    if (keyStart == null) {
      keyStart = new int[16];
      keyEnd = new int[16];
      keyHash = new int[16];
    } else if (keys == keyStart.length) {
      keyStart = Arrays.copyOf(keyStart, keys * 2);
      keyEnd = Arrays.copyOf(keyEnd, keys * 2);
      keyHash = Arrays.copyOf(keyHash, keys * 2);
    }
    keyStart[keys] = start;
    keyEnd[keys] = end;
    keyHash[keys] = hash;
    keys++;
    return false;
  }

  private int array(int i, int depth) {
    if (depth > MAX_DEPTH) {
      return NOT_CANONICAL;
    }
    i++;
    if (i < limit && b[i] == ']') {
      return i + 1;
    }
    while (true) {
      i = value(i, depth);
      if (i < 0 || i >= limit) {
        return NOT_CANONICAL;
      }
      if (b[i] == ']') {
        return i + 1;
      }
      if (b[i] != ',') {
        return NOT_CANONICAL;
      }
      i++;
    }
  }

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private int literal(int i, byte[] word) {
    int end = i + word.length;
    return end <= limit && Arrays.equals(b, i, end, word, 0, word.length) ? end : NOT_CANONICAL;
  }

  /** Bytes a string holds as they are: printable ASCII but the quote and the backslash. */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  /**
   * Non-zero when one of the 8 bytes may not be plain (a quote, a backslash, a control character or
   * non-ASCII); zero only when all 8 are plain. A false alarm only sends the bytes to the
   * byte-by-byte loop.
   */
  private static long special(long x) {
    long quote = x ^ (ONES * '"');
    long backslash = x ^ (ONES * '\\');
    return (x
            | ((x - ONES * 0x20) & ~x)
            | ((quote - ONES) & ~quote)
            | ((backslash - ONES) & ~backslash))
        & HIGH;
  }

  /** A string from its opening quote; the position after its closing quote. */
  private int string(int start) {
    escaped = false;
    int i = start + 1;
    while (true) {
      // the common case first: runs of plain ASCII, eight bytes at a time
      while (i + 8 <= limit && special((long) LONGS.get(b, i)) == 0) {
        i += 8;
      }
      while (i < limit && PLAIN[b[i] & 0xFF]) {
        i++;
      }
      if (i >= limit) {
        return NOT_CANONICAL;
      }
      int c = b[i] & 0xFF;
      if (c == '"') {
        return i + 1 - start > MAX_STRING ? NOT_CANONICAL : i + 1;
      }
      if (c == '\\') {
        escaped = true;
        i = escape(i);
      } else if (c < 0x20) {
        return NOT_CANONICAL; // raw control character: not JSON
      } else {
        i = utf8(i, c);
      }
      if (i < 0) {
        return NOT_CANONICAL;
      }
    }
  }

  /** An escape from its backslash as the generator writes it; the position after it. */
  private int escape(int i) {
    if (i + 1 >= limit) {
      return NOT_CANONICAL;
    }
    switch (b[i + 1]) {
      case '"', '\\', 'b', 't', 'f', 'n', 'r' -> {
        return i + 2;
      }
      case 'u' -> {
        // only control characters without a short escape: \u0000-\u001F, hex in upper case
        if (i + 5 >= limit || b[i + 2] != '0' || b[i + 3] != '0') {
          return NOT_CANONICAL;
        }
        int hi = b[i + 4] - '0';
        int lo = upperHex(b[i + 5]);
        if (hi < 0 || hi > 1 || lo < 0) {
          return NOT_CANONICAL;
        }
        int ch = hi * 16 + lo;
        boolean shortForm = ch == 0x08 || ch == 0x09 || ch == 0x0A || ch == 0x0C || ch == 0x0D;
        return shortForm ? NOT_CANONICAL : i + 6;
      }
      default -> {
        return NOT_CANONICAL;
      }
    }
  }

  private static int upperHex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** One strict UTF-8 sequence (no overlong forms, no surrogates); the position after it. */
  private int utf8(int i, int c) {
    int len;
    int min2 = 0x80;
    int max2 = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) {
        min2 = 0xA0;
      } else if (c == 0xED) {
        max2 = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) {
        min2 = 0x90;
      } else if (c == 0xF4) {
        max2 = 0x8F;
      }
    } else {
      return NOT_CANONICAL;
    }
    if (i + len > limit) {
      return NOT_CANONICAL;
    }
    int second = b[i + 1] & 0xFF;
    if (second < min2 || second > max2) {
      return NOT_CANONICAL;
    }
    for (int k = i + 2; k < i + len; k++) {
      if ((b[k] & 0xC0) != 0x80) {
        return NOT_CANONICAL;
      }
    }
    return i + len;
  }

  /** A number as the generator writes it; the position after it. */
  private int number(int i) {
    int start = i;
    if (b[i] == '-') {
      i++;
    }
    int digits = i;
    while (i < limit && isDigit(b[i])) {
      i++;
    }
    if (i == digits || (b[digits] == '0' && i - digits > 1)) {
      return NOT_CANONICAL; // no digit, or a leading zero
    }
    boolean fraction = false;
    if (i < limit && b[i] == '.') {
      fraction = true;
      int f = ++i;
      while (i < limit && isDigit(b[i])) {
        i++;
      }
      if (i == f) {
        return NOT_CANONICAL;
      }
    }
    if (i < limit && (b[i] == 'E' || b[i] == 'e')) {
      fraction = true;
      i++;
      if (i < limit && (b[i] == '-' || b[i] == '+')) {
        i++;
      }
      int e = i;
      while (i < limit && isDigit(b[i])) {
        i++;
      }
      if (i == e) {
        return NOT_CANONICAL;
      }
    }
    if (i - start > MAX_NUMBER) {
      return NOT_CANONICAL;
    }
    if (!fraction) {
      // an int, long or BigInteger: written back digit for digit, but -0 becomes 0
      return b[start] == '-' && b[digits] == '0' ? NOT_CANONICAL : i;
    }
    // a Double: canonical when Double.toString gives the same text back
    String text = new String(b, start, i - start, StandardCharsets.US_ASCII);
    double d = Double.parseDouble(text);
    return Double.isFinite(d) && Double.toString(d).equals(text) ? i : NOT_CANONICAL;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
