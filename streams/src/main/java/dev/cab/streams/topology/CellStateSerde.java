package dev.cab.streams.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cab.model.serde.Json;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.TokenTotals;
import dev.cab.streams.config.StreamsSettings.StateFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@code cab-cell-state} store's serde: a compact binary encoding of {@link CellState}, read
 * and written on every span and scorer event of a cell (the fold reads the state, changes it and
 * writes it back; the record cache and the changelog hold these bytes). JSON cost ~45% of the
 * streams stage's CPU (docs/PERFORMANCE.md); this encoding has no reflection, no field names and no
 * text numbers or times.
 *
 * <p>Layout: {@link #MAGIC}, {@link #VERSION}, then the fields in record order; a nullable string
 * is its UTF-8 length + 1 as a varint (0 = null) and the bytes; an instant is epoch seconds and
 * nanos; maps keep their order. An axis breakdown (arbitrary JSON values from the runner) is
 * written as tagged values that read back as the types Jackson gives (Integer, Long, Double,
 * String, Boolean, null, ordered maps, lists); any other value is written as its JSON text.
 *
 * <p>States stored as JSON (by earlier releases, or with {@code streams.state.format=json}: they
 * start with {@code '{'}) always read, through {@link JsonSerde}; the next fold writes them back in
 * the configured format. Null in, null out; bytes that do not decode throw {@link
 * SerializationException}. Thread-safe.
 */
public final class CellStateSerde
    implements Serde<CellState>, Serializer<CellState>, Deserializer<CellState> {

  /** First byte of every binary state; a JSON state starts with {@code '{'} or white space. */
  static final byte MAGIC = (byte) 0xC5;

  /** Layout version, second byte. */
  static final byte VERSION = 1;

  private static final JsonSerde<CellState> JSON = new JsonSerde<>(CellState.class);

  private static final byte NULL = 'n';
  private static final byte TRUE = 't';
  private static final byte FALSE = 'f';
  private static final byte INT = 'i';
  private static final byte LONG = 'l';
  private static final byte DOUBLE = 'd';
  private static final byte STRING = 's';
  private static final byte MAP = 'm';
  private static final byte LIST = 'a';
  private static final byte JSON_TEXT = 'j';

  private final StateFormat format;

  /** A serde writing {@code format}; it reads both. */
  public CellStateSerde(StateFormat format) {
    this.format = format;
  }

  @Override
  public byte[] serialize(String topic, CellState state) {
    if (state == null) {
      return null;
    }
    if (format == StateFormat.JSON) {
      return JSON.serialize(topic, state);
    }
    Out out = new Out(256 + 48 * state.spans().size() + 160 * state.axes().size());
    out.write(MAGIC);
    out.write(VERSION);
    CellIdentity cell = state.cell();
    out.bool(cell != null);
    if (cell != null) {
      out.string(cell.cellId());
      out.string(cell.sweepId());
      out.string(cell.tui());
      out.string(cell.model());
      out.string(cell.task());
      out.string(cell.category());
    }
    RootSpan root = state.root();
    out.bool(root != null);
    if (root != null) {
      out.string(root.spanId());
      out.string(root.containerImage());
      out.string(root.imageDigest());
      out.string(root.modelBuildId());
      out.bool(root.exitCode() != null);
      if (root.exitCode() != null) {
        out.varlong(zigzag(root.exitCode()));
      }
      out.instant(root.startedAt());
      out.instant(root.endedAt());
      out.nullableDouble(root.durationMs());
    }
    out.varlong(state.spans().size());
    for (Map.Entry<String, SpanEntry> e : state.spans().entrySet()) {
      SpanEntry span = e.getValue();
      out.string(e.getKey());
      out.string(span.kind());
      out.bool(span.error());
      TokenTotals tokens = span.tokens();
      out.bool(tokens != null);
      if (tokens != null) {
        out.varlong(zigzag(tokens.inputTokens()));
        out.varlong(zigzag(tokens.outputTokens()));
        out.varlong(zigzag(tokens.cacheReadInputTokens()));
        out.varlong(zigzag(tokens.cacheCreationInputTokens()));
        out.varlong(zigzag(tokens.modelCalls()));
      }
      out.string(span.errorType());
    }
    out.varlong(state.axes().size());
    for (Map.Entry<String, AxisEntry> e : state.axes().entrySet()) {
      AxisEntry axis = e.getValue();
      out.string(e.getKey());
      out.nullableDouble(axis.scoreValue());
      value(out, axis.breakdown());
      out.nullableDouble(axis.runnerEfficiency());
    }
    out.varlong(zigzag(state.version()));
    out.instant(state.updatedAt());
    out.instant(state.scoresGraceExpiredAt());
    return out.bytes();
  }

  @Override
  public CellState deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length == 0 || data[0] != MAGIC) {
      return JSON.deserialize(topic, data);
    }
    try {
      In in = new In(data);
      if (in.read() != VERSION) {
        throw new SerializationException(
            "cell state layout " + data[1] + " is newer than this release (topic " + topic + ")");
      }
      CellIdentity cell =
          in.bool()
              ? new CellIdentity(
                  in.string(), in.string(), in.string(), in.string(), in.string(), in.string())
              : null;
      RootSpan root = null;
      if (in.bool()) {
        String spanId = in.string();
        String image = in.string();
        String digest = in.string();
        String build = in.string();
        Integer exitCode = in.bool() ? (int) unzigzag(in.varlong()) : null;
        root =
            new RootSpan(
                spanId,
                image,
                digest,
                build,
                exitCode,
                in.instant(),
                in.instant(),
                in.nullableDouble());
      }
      int spanCount = in.count();
      Map<String, SpanEntry> spans = LinkedHashMap.newLinkedHashMap(spanCount);
      for (int i = 0; i < spanCount; i++) {
        String id = in.string();
        String kind = in.string();
        boolean error = in.bool();
        TokenTotals tokens =
            in.bool()
                ? new TokenTotals(
                    unzigzag(in.varlong()),
                    unzigzag(in.varlong()),
                    unzigzag(in.varlong()),
                    unzigzag(in.varlong()),
                    (int) unzigzag(in.varlong()))
                : null;
        spans.put(id, new SpanEntry(kind, error, tokens, in.string()));
      }
      int axisCount = in.count();
      Map<String, AxisEntry> axes = LinkedHashMap.newLinkedHashMap(axisCount);
      for (int i = 0; i < axisCount; i++) {
        String axis = in.string();
        Double score = in.nullableDouble();
        @SuppressWarnings("unchecked")
        Map<String, Object> breakdown = (Map<String, Object>) value(in);
        axes.put(axis, new AxisEntry(score, breakdown, in.nullableDouble()));
      }
      long version = unzigzag(in.varlong());
      CellState state = new CellState(cell, root, spans, axes, version, in.instant(), in.instant());
      if (in.remaining() != 0) {
        throw new SerializationException(in.remaining() + " bytes after the cell state");
      }
      return state;
    } catch (RuntimeException e) {
      if (e instanceof SerializationException s) {
        throw s;
      }
      // ArrayIndexOutOfBounds (truncated), ClassCast, NullPointer (a malformed state)
      throw new SerializationException("cannot read a cell state from topic " + topic, e);
    }
  }

  private static void value(Out out, Object v) {
    switch (v) {
      case null -> out.write(NULL);
      case Boolean b -> out.write(b ? TRUE : FALSE);
      case Integer i -> {
        out.write(INT);
        out.varlong(zigzag(i));
      }
      case Long l -> {
        out.write(LONG);
        out.varlong(zigzag(l));
      }
      case Double d -> {
        out.write(DOUBLE);
        out.rawLong(Double.doubleToRawLongBits(d));
      }
      case String s -> {
        out.write(STRING);
        out.string(s);
      }
      case Map<?, ?> m when m.keySet().stream().allMatch(String.class::isInstance) -> {
        out.write(MAP);
        out.varlong(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
          out.string((String) e.getKey());
          value(out, e.getValue());
        }
      }
      case List<?> list -> {
        out.write(LIST);
        out.varlong(list.size());
        for (Object item : list) {
          value(out, item);
        }
      }
      default -> {
        // BigInteger, BigDecimal, arrays...: what the JSON state would have kept of it
        try {
          out.write(JSON_TEXT);
          out.string(Json.mapper().writeValueAsString(v));
        } catch (JsonProcessingException e) {
          throw new SerializationException("cannot write a breakdown value " + v.getClass(), e);
        }
      }
    }
  }

  private static Object value(In in) {
    byte tag = in.read();
    return switch (tag) {
      case NULL -> null;
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      case INT -> (int) unzigzag(in.varlong());
      case LONG -> unzigzag(in.varlong());
      case DOUBLE -> Double.longBitsToDouble(in.rawLong());
      case STRING -> in.string();
      case MAP -> {
        int n = in.count();
        Map<String, Object> map = LinkedHashMap.newLinkedHashMap(n);
        for (int i = 0; i < n; i++) {
          map.put(in.string(), value(in));
        }
        yield map;
      }
      case LIST -> {
        int n = in.count();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(value(in));
        }
        yield list;
      }
      case JSON_TEXT -> {
        try {
          yield Json.mapper().readValue(in.string(), Object.class);
        } catch (JsonProcessingException e) {
          throw new SerializationException("cannot read a breakdown value", e);
        }
      }
      default -> throw new SerializationException("unknown value tag " + tag);
    };
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /** A growable byte buffer with the few writes the layout needs. */
  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void write(byte b) {
      ensure(1);
      buf[size++] = b;
    }

    void bool(boolean b) {
      write(b ? (byte) 1 : (byte) 0);
    }

    void varlong(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void rawLong(long v) {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (v >>> shift);
      }
    }

    void string(String s) {
      if (s == null) {
        write((byte) 0);
        return;
      }
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varlong(utf8.length + 1L);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buf, size, utf8.length);
      size += utf8.length;
    }

    void instant(Instant t) {
      bool(t != null);
      if (t != null) {
        varlong(zigzag(t.getEpochSecond()));
        varlong(t.getNano());
      }
    }

    void nullableDouble(Double d) {
      bool(d != null);
      if (d != null) {
        rawLong(Double.doubleToRawLongBits(d));
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, size);
    }
  }

  /** Reads what {@link Out} wrote; running past the end throws. */
  private static final class In {
    private final byte[] buf;
    private int pos = 1; // after MAGIC

    In(byte[] buf) {
      this.buf = buf;
    }

    byte read() {
      return buf[pos++];
    }

    boolean bool() {
      byte b = read();
      if (b != 0 && b != 1) {
        throw new SerializationException("malformed cell state at byte " + (pos - 1));
      }
      return b == 1;
    }

    long varlong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = read();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new SerializationException("malformed varint in a cell state");
    }

    int count() {
      long n = varlong();
      if (n < 0 || n > buf.length - pos) {
        throw new SerializationException("malformed count " + n + " in a cell state");
      }
      return (int) n;
    }

    long rawLong() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (read() & 0xFF);
      }
      return v;
    }

    String string() {
      long n = varlong();
      if (n == 0) {
        return null;
      }
      if (n - 1 > buf.length - pos) {
        throw new SerializationException("malformed string length in a cell state");
      }
      String s = new String(buf, pos, (int) (n - 1), StandardCharsets.UTF_8);
      pos += (int) (n - 1);
      return s;
    }

    Instant instant() {
      return bool() ? Instant.ofEpochSecond(unzigzag(varlong()), varlong()) : null;
    }

    Double nullableDouble() {
      return bool() ? Double.longBitsToDouble(rawLong()) : null;
    }

    int remaining() {
      return buf.length - pos;
    }
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public Serializer<CellState> serializer() {
    return this;
  }

  @Override
  public Deserializer<CellState> deserializer() {
    return this;
  }
}
