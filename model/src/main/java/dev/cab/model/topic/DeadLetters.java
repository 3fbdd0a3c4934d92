package dev.cab.model.topic;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records for {@link Topics#DLQ}: the original key and value bytes, the original
 * headers, plus headers saying where the record came from and why it failed. The header names are
 * those of Kafka Streams' built-in dead-letter queue (KIP-1034), so one reader understands dead
 * letters from every stage; {@link #STAGE} adds which stage gave up.
 */
public final class DeadLetters {
  private DeadLetters() {}

  public static final String EXCEPTION = "__streams.errors.exception";
  public static final String MESSAGE = "__streams.errors.message";
  public static final String STACKTRACE = "__streams.errors.stacktrace";
  public static final String TOPIC = "__streams.errors.topic";
  public static final String PARTITION = "__streams.errors.partition";
  public static final String OFFSET = "__streams.errors.offset";
  public static final String STAGE = "cab.dlq.stage";

  /**
   * A dead letter for a record read from {@code sourceTopic}.
   *
   * @param stage the stage that gave up, e.g. {@code sink}
   * @param sourceTopic where the record was read
   * @param partition its partition
   * @param offset its offset
   * @param key original key bytes (may be null)
   * @param value original value bytes (may be null)
   * @param originalHeaders original headers (may be null), copied
   * @param error why it failed
   */
  public static ProducerRecord<byte[], byte[]> of(
      String stage,
      String sourceTopic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      Headers originalHeaders,
      Throwable error) {
    RecordHeaders headers = new RecordHeaders();
    if (originalHeaders != null) {
      originalHeaders.forEach(headers::add);
    }
    headers.add(EXCEPTION, utf8(error.getClass().getName()));
    headers.add(MESSAGE, utf8(String.valueOf(error.getMessage())));
    headers.add(STACKTRACE, utf8(stackTrace(error)));
    headers.add(TOPIC, utf8(sourceTopic));
    headers.add(PARTITION, utf8(Integer.toString(partition)));
    headers.add(OFFSET, utf8(Long.toString(offset)));
    headers.add(STAGE, utf8(stage));
    return new ProducerRecord<>(Topics.DLQ.name(), null, key, value, headers);
  }

  /** A header's value as a string, or null when absent. */
  public static String header(Headers headers, String name) {
    var h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
