package dev.cab.sink.clickhouse;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A row of one sink table: its values in one array indexed by the table's columns, behind a {@link
 * Map}'s face (what {@link RowMapper#map} returns and the inserter reads by column name).
 *
 * <p>Why not a {@code LinkedHashMap}: a row waits in memory from its poll until ClickHouse
 * acknowledged its batch (two batches of up to {@code sink.batch.max.rows} rows while one inserts
 * and the next fills), and a {@code LinkedHashMap} of a 22-column span row held ~1.5 KB of entries
 * and hash table beside the values; this holds 4 bytes per column. A heap histogram of a draining
 * sink put the rows' maps at about a third of the live heap (docs/PERFORMANCE.md).
 *
 * <p>Iterates the columns it holds in the table's column order. A column never put is absent (as in
 * a map: {@link #containsKey} false), which differs from one put with null. Putting a column the
 * table does not have is a mapper's bug: {@link IllegalArgumentException}. Not thread-safe.
 */
final class TableRow extends AbstractMap<String, Object> {

  /** The columns of one table and each one's index: shared by all rows of the table. Immutable. */
  static final class Columns {
    private final String[] names;
    private final Map<String, Integer> index;

    Columns(List<String> names) {
      this.names = names.toArray(String[]::new);
      this.index = HashMap.newHashMap(this.names.length);
      for (int i = 0; i < this.names.length; i++) {
        if (index.put(this.names[i], i) != null) {
          throw new IllegalArgumentException("column " + this.names[i] + " given twice");
        }
      }
    }

    /** A new row without values. */
    TableRow newRow() {
      return new TableRow(this);
    }

    private int indexOf(String column) {
      Integer i = index.get(column);
      if (i == null) {
        throw new IllegalArgumentException(
            "no column " + column + " among " + Arrays.toString(names));
      }
      return i;
    }
  }

  private static final Object ABSENT = new Object();

  private final Columns columns;
  private final Object[] values;
  private int size;

  private TableRow(Columns columns) {
    this.columns = columns;
    this.values = new Object[columns.names.length];
    Arrays.fill(values, ABSENT);
  }

  @Override
  public Object put(String column, Object value) {
    int i = columns.indexOf(column);
    Object old = values[i];
    values[i] = value;
    if (old == ABSENT) {
      size++;
      return null;
    }
    return old;
  }

  @Override
  public Object get(Object column) {
    Integer i = columns.index.get(column);
    return i == null || values[i] == ABSENT ? null : values[i];
  }

  @Override
  public boolean containsKey(Object column) {
    Integer i = columns.index.get(column);
    return i != null && values[i] != ABSENT;
  }

  @Override
  public Object remove(Object column) {
    Integer i = columns.index.get(column);
    if (i == null || values[i] == ABSENT) {
      return null;
    }
    return clear(i);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] != ABSENT) {
        action.accept(columns.names[i], values[i]);
      }
    }
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Entries();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private Object clear(int i) {
    Object old = values[i];
    values[i] = ABSENT;
    size--;
    return old;
  }

  /** One present column as a map entry; writes through. */
  private final class Column implements Entry<String, Object> {
    private final int i;

    Column(int i) {
      this.i = i;
    }

    @Override
    public String getKey() {
      return columns.names[i];
    }

    @Override
    public Object getValue() {
      return values[i] == ABSENT ? null : values[i];
    }

    @Override
    public Object setValue(Object value) {
      Object old = getValue();
      if (values[i] == ABSENT) {
        size++;
      }
      values[i] = value;
      return old;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry<?, ?> e
          && getKey().equals(e.getKey())
          && Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return getKey().hashCode() ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }

  /** The present columns in the table's order. */
  private final class Entries implements Iterator<Entry<String, Object>> {
    private int next = advance(0);
    private int last = -1;

    private int advance(int from) {
      int i = from;
      while (i < values.length && values[i] == ABSENT) {
        i++;
      }
      return i;
    }

    @Override
    public boolean hasNext() {
      return next < values.length;
    }

    @Override
    public Entry<String, Object> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int i = next;
      last = i;
      next = advance(i + 1);
      return new Column(i);
    }

    @Override
    public void remove() {
      if (last < 0 || values[last] == ABSENT) {
        throw new IllegalStateException();
      }
      clear(last);
    }
  }
}
