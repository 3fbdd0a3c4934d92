package dev.cab.sink.clickhouse;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/** Sends one INSERT of rows to one table: all rows land, or none (ClickHouse inserts one block). */
@FunctionalInterface
public interface Inserter {

  /**
   * @param table the table
   * @param rows the rows, column name to value
   * @param deduplicationToken the {@code insert_deduplication_token} of this insert
   * @throws SQLException as the client reports it; {@link ClickHouseErrors} says what it means
   */
  void insert(TableSpec table, List<Map<String, Object>> rows, String deduplicationToken)
      throws SQLException;

  /**
   * One insert's rows, encoded one by one as a batch takes them, so that the batch holds their
   * bytes and not their values (one thread appends; the body is then handed to the insert thread).
   */
  interface Body {
    /**
     * Encodes a row at the end of the body.
     *
     * @throws SQLException a data error ({@link ClickHouseErrors#classify}) when the row does not
     *     fit the table's columns; nothing of it is appended
     */
    void append(Map<String, Object> row) throws SQLException;

    /** How many rows the body holds. */
    int rows();

    /** Rows {@code [from, to)} of this body: the same bytes, not copied, and not appendable. */
    Body slice(int from, int to);

    /** A new body of the rows whose index {@code keep} accepts, in their order (copied). */
    Body retain(IntPredicate keep);
  }

  /**
   * A new, empty body for rows of the table, or null when this inserter encodes at insert time
   * (then the rows keep their values and {@link #insert(TableSpec, List, String)} gets them).
   */
  default Body newBody(TableSpec table) {
    return null;
  }

  /**
   * As {@link #insert(TableSpec, List, String)}, for rows this inserter's {@link #newBody} encoded.
   *
   * @throws SQLException as the client reports it
   */
  default void insert(TableSpec table, Body body, String deduplicationToken) throws SQLException {
    throw new UnsupportedOperationException("this inserter makes no bodies");
  }
}
