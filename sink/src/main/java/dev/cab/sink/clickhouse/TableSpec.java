package dev.cab.sink.clickhouse;

import java.util.List;

/**
 * A sink table: its name, the Kafka topic its rows come from and the columns the sink writes (the
 * keys of the rows a {@link RowMapper} produces). Columns with a server-side default ({@code
 * inserted_at}) are not listed. Immutable.
 *
 * @param name table name without database
 * @param topic the source topic
 * @param columns written columns
 */
public record TableSpec(String name, String topic, List<String> columns) {

  public TableSpec {
    columns = List.copyOf(columns);
  }
}
