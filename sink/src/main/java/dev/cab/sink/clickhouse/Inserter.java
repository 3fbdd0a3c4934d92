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
}
