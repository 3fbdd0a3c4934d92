package dev.cab.collector.testing;

import dev.cab.collector.kafka.RecordWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of our own {@link RecordWriter}: records what was sent and acknowledges it at once,
 * or fails every send when told Kafka is down, or never acknowledges when told it hangs.
 */
public final class RecordingWriter implements RecordWriter {
  /** One sent record. */
  public record Sent(String topic, String key, byte[] value) {
    public String text() {
      return new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public enum Mode {
    ACK,
    FAIL,
    HANG
  }

  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.ACK;

  public RecordingWriter mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** Forgets what was sent (fuzzing reuses one writer for thousands of requests). */
  public void clear() {
    sent.clear();
  }

  public List<Sent> sent(String topic) {
    return sent.stream().filter(s -> s.topic().equals(topic)).toList();
  }

  @Override
  public CompletableFuture<Void> send(String topic, String key, byte[] value) {
    return switch (mode) {
      case ACK -> {
        sent.add(new Sent(topic, key, value));
        yield CompletableFuture.completedFuture(null);
      }
      case FAIL ->
          CompletableFuture.failedFuture(
              new org.apache.kafka.common.errors.TimeoutException("broker down (test)"));
      case HANG -> new CompletableFuture<>();
    };
  }

  @Override
  public void close() {}
}
