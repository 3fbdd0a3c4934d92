package dev.cab.sink.clickhouse;

import java.util.Map;

/**
 * One row on its way to ClickHouse with where it came from.
 *
 * @param source what the caller needs to dead-letter the row (the original Kafka record)
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param values the row: column name to value (see {@link RowMapper#map}); null once an {@link
 *     Inserter.Body} holds it encoded
 * @param <S> the caller's handle on the source record
 */
public record Row<S>(
    S source, String topic, int partition, long offset, Map<String, Object> values) {}
