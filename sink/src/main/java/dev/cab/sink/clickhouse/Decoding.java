package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import org.apache.kafka.common.errors.SerializationException;

/** Decodes wire records, turning serde failures into {@link MappingException}s. */
final class Decoding {
  private Decoding() {}

  static <T> T decode(JsonSerde<T> serde, String topic, byte[] value) throws MappingException {
    try {
      return serde.deserialize(topic, value);
    } catch (SerializationException e) {
      // The serde's message may quote a fragment of the input: keep it only in the cause chain,
      // which goes to the dead-letter headers, never to the log.
      throw new MappingException(
          "undecodable " + serde.type().getSimpleName() + " from " + topic, e);
    }
  }
}
