package dev.cab.sink.clickhouse;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

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

  /** Rows encoded ahead of their insert by {@link #prepare}. */
  interface Prepared {}

  /**
   * Encodes rows for their insert ahead of it, on the caller's thread (the sink loop's consumer
   * thread, while the batch before this one inserts). Null when this inserter encodes at insert
   * time, or cannot now (a value that does not fit: the insert meets it again and reports it).
   */
  default Prepared prepare(TableSpec table, List<Map<String, Object>> rows) {
    return null;
  }

  /**
   * As {@link #insert(TableSpec, List, String)}, with the body {@link #prepare} encoded for these
   * rows, or null.
   */
  default void insert(
      TableSpec table, List<Map<String, Object>> rows, String deduplicationToken, Prepared prepared)
      throws SQLException {
    insert(table, rows, deduplicationToken);
  }
}
