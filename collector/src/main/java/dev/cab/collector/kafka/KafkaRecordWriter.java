package dev.cab.collector.kafka;

import dev.cab.model.management.StageManagement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka {@link RecordWriter}: one idempotent producer shared by every request and both topics.
 * Records with the same key (cell id) go to one partition in send order; with idempotence a retry
 * inside the producer never duplicates or reorders them. A request that times out waiting for its
 * acknowledgements is answered 503 and retried by the runner, so the topics are at-least-once:
 * readers deduplicate by span id and by (cell, axis). Thread-safe.
 */
public final class KafkaRecordWriter implements RecordWriter {
  private final Producer<String, byte[]> producer;
  private final Duration closeTimeout;

  KafkaRecordWriter(Producer<String, byte[]> producer, Duration closeTimeout) {
    this.producer = producer;
    this.closeTimeout = closeTimeout;
  }

  /**
   * @param bootstrap Kafka bootstrap servers
   * @param ackTimeout how long a request waits for its acknowledgements
   * @param linger how long the producer waits to fill a batch
   * @param maxRecordBytes the largest record the collector sends
   */
  public static KafkaRecordWriter create(
      String bootstrap, Duration ackTimeout, Duration linger, int maxRecordBytes) {
    return new KafkaRecordWriter(
        new KafkaProducer<>(
            producerConfig(bootstrap, ackTimeout, linger, maxRecordBytes),
            new StringSerializer(),
            new ByteArraySerializer()),
        ackTimeout);
  }

  /** Exposes the producer's own metrics (record rates, errors, latency) with the stage's. */
  public void bindMetrics(StageManagement management) {
    management.bindKafkaClient(producer);
  }

  /** The producer configuration; each departure from Kafka's defaults says why. */
  public static Map<String, Object> producerConfig(
      String bootstrap, Duration ackTimeout, Duration linger, int maxRecordBytes) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "cab-collector");
    // A 200 to the runner means "stored": every in-sync replica must have the record, and
    // producer retries must not duplicate or reorder a cell's records.
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // Span JSON is repetitive text (attribute keys, ids): lz4 shrinks it cheaply.
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Each HTTP/gRPC request waits for its own acks, so a long linger is latency added to every
    // export; a few ms still batches the records of concurrent requests together.
    config.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
    // Bound every wait by the request's ack timeout: send() blocks at most this long for
    // metadata or buffer space, and the producer gives up on a record soon after the request has
    // been answered 503 (fewer duplicates when the runner retries).
    int ackMs = (int) Math.min(Integer.MAX_VALUE, ackTimeout.toMillis());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackMs);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ackMs);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ackMs + (int) linger.toMillis());
    // The collector checks record sizes itself; allow a little headroom for the batch header.
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes + 1024);
    return config;
  }

  @Override
  public CompletableFuture<Void> send(String topic, String key, byte[] value) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, error) -> {
            if (error == null) {
              acked.complete(null);
            } else {
              acked.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      // metadata or buffer wait timed out, or the producer is closed
      acked.completeExceptionally(e);
    }
    return acked;
  }

  @Override
  public void close() {
    producer.close(closeTimeout);
  }
}
