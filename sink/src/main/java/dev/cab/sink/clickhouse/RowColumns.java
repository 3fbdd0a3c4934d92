package dev.cab.sink.clickhouse;

import dev.cab.model.wire.CellIdentity;
import java.util.Map;

/**
 * The columns the row mappers share, written in one place: the cell's identity that opens every row
 * of a cell's data ({@code cells}, {@code spans}, {@code score_events}: the cell id, then its
 * sweep, CLI, model, task and category), and the record's schema version and Kafka coordinates that
 * close the rows of spans, scorer events, alerts and sweep plans.
 */
final class RowColumns {
  private RowColumns() {}

  /**
   * A new row holding the cell's identity columns of a span or scorer event.
   *
   * @param what names the record in the error ({@code span}, {@code scorer event})
   * @throws MappingException when the record carries no cell id
   */
  static Map<String, Object> cell(TableRow.Columns columns, CellIdentity cell, String what)
      throws MappingException {
    if (cell == null || cell.cellId().isBlank()) {
      throw new MappingException(what + " without cell id");
    }
    return cell(
        columns,
        cell.cellId(),
        cell.sweepId(),
        cell.tui(),
        cell.model(),
        cell.task(),
        cell.category());
  }

  /** A new row holding the identity columns; {@code cellId} is checked by the caller. */
  static Map<String, Object> cell(
      TableRow.Columns columns,
      String cellId,
      String sweepId,
      String tui,
      String model,
      String task,
      String category) {
    Map<String, Object> row = columns.newRow();
    row.put("cell_id", cellId);
    row.put("sweep_id", ClickHouseValues.text(sweepId));
    row.put("tui", ClickHouseValues.text(tui));
    row.put("model", ClickHouseValues.text(model));
    row.put("task", ClickHouseValues.text(task));
    row.put("category", ClickHouseValues.text(category));
    return row;
  }

  /** Closes a row with the record's schema version and where it was read from. */
  static Map<String, Object> kafka(
      Map<String, Object> row, int schemaVersion, int partition, long offset) {
    row.put("schema_version", schemaVersion);
    row.put("kafka_partition", partition);
    row.put("kafka_offset", offset);
    return row;
  }
}
