package dev.cab.sink.clickhouse;

import java.sql.SQLException;
import java.util.List;

/** Sends one INSERT of rows to one table: all rows land, or none (ClickHouse inserts one block). */
@FunctionalInterface
public interface Inserter {

  /**
   * @param table the table
   * @param rows row values in column order
   * @param deduplicationToken the {@code insert_deduplication_token} of this insert
   * @throws SQLException as the driver reports it; {@link ClickHouseErrors} says what it means
   */
  void insert(TableSpec table, List<Object[]> rows, String deduplicationToken) throws SQLException;
}
