package dev.cab.sink.clickhouse;

import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseDataType;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Rows as {@code RowBinaryWithDefaults} for one table, written straight into one byte array: the
 * same bytes as client-v2's {@code RowBinaryFormatWriter} ({@code RowBinaryEncoderTest} compares
 * them on every table's rows), at a fraction of its cost. The writer dispatched on each value's
 * column type, wrote varints and numbers a byte at a time into a synchronised stream, and took a
 * third of the draining sink's time (docs/PERFORMANCE.md); here each column's writer is chosen once
 * per table from the schema the server reports.
 *
 * <p>Only the column types the sink's tables use are written here; {@link #of} returns empty for a
 * schema with any other type, and the caller keeps the client's writer for it. As with the client's
 * writer: a value that is null (or absent) goes out as the column's default when it has one, else
 * as NULL when it is Nullable, else it is refused; a row with a key the table does not have, or a
 * value that does not fit its column, is refused with {@link IllegalArgumentException} or {@link
 * ClassCastException}. Unlike the client's writer, a key absent from a row is null in that row, not
 * the previous row's value.
 */
final class RowBinaryEncoder {

  private final Column[] columns;
  private final Map<String, Integer> index;

  private RowBinaryEncoder(Column[] columns) {
    this.columns = columns;
    this.index = HashMap.newHashMap(columns.length);
    for (int i = 0; i < columns.length; i++) {
      index.put(columns[i].name, i);
    }
  }

  /** An encoder for the table, or empty when one of its column types is not written here. */
  static Optional<RowBinaryEncoder> of(TableSchema schema) {
    List<ClickHouseColumn> list = schema.getColumns();
    Column[] columns = new Column[list.size()];
    for (int i = 0; i < columns.length; i++) {
      ClickHouseColumn c = list.get(i);
      if (c.hasDefault() && c.getDefaultValue() != ClickHouseColumn.DefaultValue.DEFAULT) {
        // MATERIALIZED, ALIAS, EPHEMERAL: never sent (as the client's writer does)
        columns[i] = new Column(c.getColumnName(), false, false, null);
        continue;
      }
      Writer writer = writer(c);
      if (writer == null) {
        return Optional.empty();
      }
      columns[i] = new Column(c.getColumnName(), c.isNullable(), c.hasDefault(), writer);
    }
    return Optional.of(new RowBinaryEncoder(columns));
  }

  /**
   * Writes the rows into {@code body}.
   *
   * @throws IllegalArgumentException for a key the table does not have, or null in a column that
   *     takes none
   * @throws ClassCastException for a value of a type its column cannot take
   */
  void encode(List<Map<String, Object>> rows, InsertBody body) {
    Appender appender = appender();
    for (Map<String, Object> row : rows) {
      appender.append(row, body);
    }
  }

  /** Writes rows one at a time, on one thread. */
  Appender appender() {
    return new Appender();
  }

  /** Writes one row at a time into a body, with the state it keeps between rows. */
  final class Appender {
    private final Gather gather = new Gather();

    private Appender() {}

    /**
     * Writes the row at the end of the body; when it is refused, the body is as it was.
     *
     * @throws IllegalArgumentException for a key the table does not have, or null in a column that
     *     takes none
     * @throws ClassCastException for a value of a type its column cannot take
     */
    void append(Map<String, Object> row, InsertBody body) {
      int start = body.size();
      try {
        // forEach, not entrySet: a TableRow would make an entry object per column
        row.forEach(gather);
        for (int i = 0; i < columns.length; i++) {
          columns[i].write(body, gather.values[i]);
        }
      } catch (RuntimeException e) {
        body.truncate(start);
        throw e;
      } finally {
        gather.next();
      }
    }
  }

  /**
   * One row's values in column order. A mapper puts its keys in the same order in every row: the
   * k-th key's column is looked up once and then only checked.
   */
  private final class Gather implements BiConsumer<String, Object> {
    final Object[] values = new Object[columns.length];
    private final int[] order = new int[columns.length];
    private int k;

    Gather() {
      Arrays.fill(order, -1);
    }

    @Override
    public void accept(String key, Object value) {
      int i = k < order.length ? order[k] : -1;
      if (i < 0 || !columns[i].name.equals(key)) {
        Integer found = index.get(key);
        if (found == null) {
          throw new IllegalArgumentException("no column " + key);
        }
        i = found;
        if (k < order.length) {
          order[k] = i;
        }
      }
      values[i] = value;
      k++;
    }

    void next() {
      Arrays.fill(values, null);
      k = 0;
    }
  }

  private record Column(String name, boolean nullable, boolean hasDefault, Writer writer) {

    /** The value's preamble for RowBinaryWithDefaults, then the value; nothing when not sent. */
    void write(InsertBody body, Object value) {
      if (writer == null) {
        return;
      }
      if (value != null) {
        body.writeByte(0); // not the default
        if (nullable) {
          body.writeByte(0); // not null
        }
        writer.write(body, value);
      } else if (hasDefault) {
        body.writeByte(1);
      } else if (nullable) {
        body.writeByte(0);
        body.writeByte(1);
      } else {
        throw new IllegalArgumentException("null in column " + name + ", which takes none");
      }
    }
  }

  @FunctionalInterface
  private interface Writer {
    void write(InsertBody body, Object value);
  }

  /** The writer of a column's (non-null) values, or null for a type not written here. */
  private static Writer writer(ClickHouseColumn c) {
    return switch (c.getDataType()) {
      case String -> (b, v) -> b.writeString(v instanceof String s ? s : v.toString());
      case Int32 -> (b, v) -> b.writeInt(((Number) v).intValue());
      case UInt16 -> (b, v) -> b.writeShort(((Number) v).intValue());
      case UInt32 -> (b, v) -> b.writeInt((int) ((Number) v).longValue());
      case Int64, UInt64 -> (b, v) -> b.writeLong(((Number) v).longValue());
      case Float64 -> (b, v) -> b.writeLong(Double.doubleToLongBits(((Number) v).doubleValue()));
      case DateTime64 -> dateTime64(c.getScale());
      case Array -> {
        Writer element = nested(c.getNestedColumns().getFirst());
        yield element == null
            ? null
            : (b, v) -> {
              List<?> list = (List<?>) v;
              b.writeVarInt(list.size());
              for (Object o : list) {
                element.write(b, o);
              }
            };
      }
      case Map -> {
        Writer key = nested(c.getKeyInfo());
        Writer value = nested(c.getValueInfo());
        yield key == null || value == null
            ? null
            : (b, v) -> {
              Map<?, ?> map = (Map<?, ?>) v;
              b.writeVarInt(map.size());
              for (Map.Entry<?, ?> e : map.entrySet()) {
                key.write(b, e.getKey());
                value.write(b, e.getValue());
              }
            };
      }
      default -> null;
    };
  }

  /** An array element's or a map entry's writer: not nullable, and never null. */
  private static Writer nested(ClickHouseColumn c) {
    if (c.isNullable() || c.getDataType() == ClickHouseDataType.Array) {
      return null;
    }
    Writer w = writer(c);
    return w == null
        ? null
        : (b, v) -> {
          if (v == null) {
            throw new IllegalArgumentException("null in " + c.getOriginalTypeName());
          }
          w.write(b, v);
        };
  }

  /** Ticks of 10^-scale s since the epoch, as Int64. */
  private static Writer dateTime64(int scale) {
    if (scale < 0 || scale > 9) {
      return null;
    }
    long perSecond = 1;
    for (int i = 0; i < scale; i++) {
      perSecond *= 10;
    }
    long ticksPerSecond = perSecond;
    long nanosPerTick = 1_000_000_000L / perSecond;
    return (b, v) -> {
      Instant t = (Instant) v;
      b.writeLong(t.getEpochSecond() * ticksPerSecond + t.getNano() / nanosPerTick);
    };
  }
}
