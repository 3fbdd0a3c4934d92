package dev.cab.sink.clickhouse;

import java.util.Map;

/**
 * Turns the value bytes of one Kafka record into one row of a {@link TableSpec}. Stateless and
 * thread-safe.
 */
public interface RowMapper {

  /** The table the rows are for. */
  TableSpec table();

  /**
   * Maps one record.
   *
   * @param value the record value (never null: tombstones are skipped before)
   * @param partition the source partition, stored in {@code kafka_partition}
   * @param offset the source offset, stored in {@code kafka_offset}
   * @return the row: column name to value, one entry per column of {@link TableSpec#columns()};
   *     times are {@link java.time.Instant}s, absent values null
   * @throws MappingException when the bytes do not decode or the cell id is missing
   */
  Map<String, Object> map(byte[] value, int partition, long offset) throws MappingException;
}
