package dev.cab.model.serde;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for one wire record type. Null in, null out (tombstones pass through); bytes that do
 * not decode throw {@link SerializationException} carrying the Jackson cause, so Kafka's error
 * handlers can dead-letter the record. Thread-safe.
 *
 * @param <T> a record type of {@code dev.cab.model.wire}
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
  private final Class<T> type;
  // bound once: the mapper would otherwise look the type's (de)serializer up on every call
  private final ObjectReader reader;
  private final ObjectWriter writer;

  public JsonSerde(Class<T> type) {
    this.type = type;
    this.reader = Json.mapper().readerFor(type);
    this.writer = Json.mapper().writerFor(type);
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      return writer.writeValueAsBytes(data);
    } catch (IOException e) {
      throw new SerializationException(
          "cannot write " + type.getSimpleName() + " for topic " + topic, e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      T value = reader.readValue(data);
      if (value == null) {
        throw new SerializationException(
            "JSON null is not a " + type.getSimpleName() + " (topic " + topic + ")");
      }
      return value;
    } catch (IOException e) {
      throw new SerializationException(
          "cannot read " + type.getSimpleName() + " from topic " + topic + ": " + reason(e), e);
    }
  }

  /**
   * Jackson's reason on one line: its message without the source excerpt it appends on a second
   * line, plus where in the input the problem is.
   */
  private static String reason(IOException e) {
    if (e instanceof JacksonException j) {
      String where =
          j.getLocation() == null || j.getLocation().getColumnNr() < 0
              ? ""
              : " (at byte " + j.getLocation().getByteOffset() + ")";
      return oneLine(j.getOriginalMessage()) + where;
    }
    return oneLine(e.getMessage());
  }

  private static String oneLine(String s) {
    return s == null ? "no reason given" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }
}
