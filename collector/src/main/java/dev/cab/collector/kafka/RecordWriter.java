package dev.cab.collector.kafka;

import java.util.concurrent.CompletableFuture;

/**
 * Where the collector's records go: Kafka in production ({@link KafkaRecordWriter}), a recording
 * double in unit tests. Implementations are thread-safe.
 */
public interface RecordWriter extends AutoCloseable {

  /**
   * Sends one record. Never blocks for acknowledgement (it may block briefly for buffer space or
   * metadata, bounded by the producer's {@code max.block.ms}).
   *
   * @return completes when the record is durably acknowledged, exceptionally if it cannot be
   */
  CompletableFuture<Void> send(String topic, String key, byte[] value);

  /** Flushes what was sent and releases resources. */
  @Override
  void close();
}
