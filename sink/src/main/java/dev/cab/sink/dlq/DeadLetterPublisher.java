package dev.cab.sink.dlq;

import dev.cab.model.topic.DeadLetters;
import dev.cab.sink.metrics.SinkMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records the sink cannot store to {@code cab.dlq.v1}: original key, value and headers, plus
 * the KIP-1034 headers naming the source topic, partition, offset and exception, and {@code
 * cab.dlq.stage=sink} ({@link DeadLetters}). Sends are asynchronous; {@link #awaitSent()} waits
 * until Kafka acknowledged every one, and the consumer loop calls it before committing offsets, so
 * a record is either in ClickHouse, in the dead-letter topic, or read again.
 *
 * <p>Not thread-safe: the consumer thread owns it.
 */
public final class DeadLetterPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

  public static final String STAGE = "sink";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final SinkMetrics metrics;
  private final List<Future<RecordMetadata>> inFlight = new ArrayList<>();

  /**
   * @param producer a byte-array producer (acks=all) the publisher owns and closes
   * @param topic the dead-letter topic, normally {@code cab.dlq.v1}
   * @param metrics where dead letters are counted
   */
  public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, SinkMetrics metrics) {
    this.producer = producer;
    this.topic = topic;
    this.metrics = metrics;
  }

  /** Dead-letters a record; the error's class, message and stack trace go into the headers. */
  public void send(ConsumerRecord<byte[], byte[]> record, Throwable error) {
    // The log names the record by its coordinates only: its contents may hold anything.
    LOG.warn(
        "Dead-lettering {}-{}@{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        error.getClass().getName());
    ProducerRecord<byte[], byte[]> letter =
        DeadLetters.of(
            STAGE,
            record.topic(),
            record.partition(),
            record.offset(),
            record.key(),
            record.value(),
            record.headers(),
            error);
    if (!letter.topic().equals(topic)) {
      letter = new ProducerRecord<>(topic, null, letter.key(), letter.value(), letter.headers());
    }
    inFlight.add(producer.send(letter));
    metrics.deadLettered(record.topic());
  }

  /**
   * Waits until Kafka acknowledged every dead letter sent so far.
   *
   * @throws KafkaException when one could not be written (the producer already retried it)
   * @throws InterruptedException when interrupted while waiting
   */
  public void awaitSent() throws InterruptedException {
    if (inFlight.isEmpty()) {
      return;
    }
    producer.flush();
    try {
      for (Future<RecordMetadata> f : inFlight) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new KafkaException("cannot write to the dead-letter topic", e.getCause());
    } finally {
      inFlight.clear();
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
