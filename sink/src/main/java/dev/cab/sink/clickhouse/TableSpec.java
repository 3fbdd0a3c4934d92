package dev.cab.sink.clickhouse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sink table: its name, the Kafka topic its rows come from and the columns the sink writes, in
 * the order of the values a {@link RowMapper} produces. Columns with a server-side default ({@code
 * inserted_at}) are not listed. Immutable.
 *
 * @param name table name without database
 * @param topic the source topic
 * @param columns written columns, in value order
 */
public record TableSpec(String name, String topic, List<String> columns) {

  public TableSpec {
    columns = List.copyOf(columns);
  }

  /** {@code INSERT INTO db.name (c1, ...) VALUES (?, ...)} */
  public String insertSql(String database) {
    return "INSERT INTO "
        + database
        + "."
        + name
        + " ("
        + String.join(", ", columns)
        + ") VALUES ("
        + String.join(", ", java.util.Collections.nCopies(columns.size(), "?"))
        + ")";
  }

  /** Position of a column in a row, or -1. */
  public int indexOf(String column) {
    return index().getOrDefault(column, -1);
  }

  /** A row's value for a column, by name (for tests and diagnostics). */
  public Object valueOf(Object[] row, String column) {
    int i = indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException(name + " has no column " + column);
    }
    return row[i];
  }

  /** The row as column name to value, in column order (for tests and diagnostics). */
  public Map<String, Object> asMap(Object[] row) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      m.put(columns.get(i), row[i]);
    }
    return m;
  }

  private Map<String, Integer> index() {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      m.put(columns.get(i), i);
    }
    return m;
  }
}
