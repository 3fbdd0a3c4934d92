package dev.cab.model.topic;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A Kafka topic with its key and value formats and the topic configs it is created with. Immutable.
 * {@link #consumed()} and {@link #produced()} need kafka-streams on the classpath (an optional
 * dependency of model: only the streams stage calls them).
 *
 * @param name topic name, versioned ({@code .v1})
 * @param keySerde key format
 * @param valueSerde value format
 * @param config topic configs that depart from the broker's defaults
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(
    String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> config) {

  public Topic {
    config = Map.copyOf(config);
  }

  /** The same topic under another name (tests and deployments that share a broker). */
  public Topic<K, V> withName(String otherName) {
    return new Topic<>(otherName, keySerde, valueSerde, config);
  }

  public Consumed<K, V> consumed() {
    return Consumed.with(keySerde, valueSerde).withName("source-" + name);
  }

  public Produced<K, V> produced() {
    return Produced.with(keySerde, valueSerde).withName("sink-" + name);
  }
}
