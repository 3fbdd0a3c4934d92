package dev.cab.model.serde;

import com.fasterxml.jackson.core.JacksonException;
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

  public JsonSerde(Class<T> type) {
    this.type = type;
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
      return Json.mapper().writeValueAsBytes(data);
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
      T value = Json.mapper().readValue(data, type);
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
