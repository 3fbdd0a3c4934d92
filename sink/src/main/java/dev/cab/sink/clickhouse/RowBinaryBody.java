package dev.cab.sink.clickhouse;

import java.io.ByteArrayInputStream;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * An insert body of RowBinaryWithDefaults rows for one table, appended to as the sink's batch takes
 * its records: the batch holds these bytes instead of the rows' values, which die young. Where each
 * row ends is kept, so a split batch's halves are slices of the same bytes (RowBinary rows are
 * concatenated, with nothing between or around them) and a batch that loses rows to a revocation
 * copies the others.
 *
 * <p>Appended to by one thread; a slice, and the whole body once handed to the insert thread, is
 * only read.
 */
final class RowBinaryBody implements Inserter.Body {

  private final TableSpec table;
  private final RowBinaryEncoder.Appender appender;
  private final InsertBody bytes;

  /** Where each row ends in {@link #bytes}; rows {@code [from, to)} are this body's. */
  private int[] ends;

  private final int from;
  private int to;
  private final boolean slice;

  RowBinaryBody(TableSpec table, RowBinaryEncoder encoder, int sizeGuess) {
    this(table, encoder.appender(), new InsertBody(sizeGuess), new int[64], 0, 0, false);
  }

  private RowBinaryBody(
      TableSpec table,
      RowBinaryEncoder.Appender appender,
      InsertBody bytes,
      int[] ends,
      int from,
      int to,
      boolean slice) {
    this.table = table;
    this.appender = appender;
    this.bytes = bytes;
    this.ends = ends;
    this.from = from;
    this.to = to;
    this.slice = slice;
  }

  TableSpec table() {
    return table;
  }

  @Override
  public void append(Map<String, Object> row) throws SQLException {
    if (slice) {
      throw new IllegalStateException("a slice of a body is not appended to");
    }
    try {
      appender.append(row, bytes);
    } catch (RuntimeException e) {
      throw ClickHouseConnector.doesNotFit(table, e);
    }
    if (to == ends.length) {
      ends = Arrays.copyOf(ends, ends.length * 2);
    }
    ends[to++] = bytes.size();
  }

  @Override
  public int rows() {
    return to - from;
  }

  @Override
  public RowBinaryBody slice(int from, int to) {
    Objects.checkFromToIndex(from, to, rows());
    return new RowBinaryBody(table, appender, bytes, ends, this.from + from, this.from + to, true);
  }

  @Override
  public RowBinaryBody retain(IntPredicate keep) {
    InsertBody kept = new InsertBody(size());
    int[] keptEnds = new int[Math.max(1, rows())];
    int n = 0;
    for (int i = 0; i < rows(); i++) {
      if (keep.test(i)) {
        kept.append(bytes, start(from + i), ends[from + i]);
        keptEnds[n++] = kept.size();
      }
    }
    return new RowBinaryBody(table, appender, kept, keptEnds, 0, n, slice);
  }

  /** The rows' bytes, read in place. */
  ByteArrayInputStream stream() {
    return bytes.stream(start(from), start(to));
  }

  /** How many bytes the rows take. */
  int size() {
    return start(to) - start(from);
  }

  /** Where row {@code i} of the whole body starts. */
  private int start(int i) {
    return i == 0 ? 0 : ends[i - 1];
  }
}
