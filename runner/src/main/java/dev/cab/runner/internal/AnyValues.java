package dev.cab.runner.internal;

import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Converts a scorer breakdown (JSON-shaped Java values) to an OTLP AnyValue: maps become key-value
 * lists in iteration order, nulls become empty values, collections and arrays become arrays,
 * integral numbers longs, other numbers doubles. Not API.
 */
public final class AnyValues {
  private AnyValues() {}

  /** A key-value-list value holding {@code map}'s entries in iteration order. */
  public static Value<?> ofMap(Map<String, ?> map, String path) {
    List<KeyValue> entries = new ArrayList<>(map.size());
    for (Map.Entry<String, ?> entry : map.entrySet()) {
      if (entry.getKey() == null) {
        throw new IllegalArgumentException(path + " has a null key");
      }
      entries.add(KeyValue.of(entry.getKey(), of(entry.getValue(), path + "." + entry.getKey())));
    }
    return Value.of(entries.toArray(KeyValue[]::new));
  }

  /**
   * Converts one value.
   *
   * @param path where the value sits, for the error message
   * @throws IllegalArgumentException for a value with no AnyValue form
   */
  @SuppressWarnings("unchecked")
  public static Value<?> of(Object value, String path) {
    return switch (value) {
      case null -> Value.empty();
      case Value<?> v -> v;
      case String s -> Value.of(s);
      case Boolean b -> Value.of(b);
      case Byte n -> Value.of(n.longValue());
      case Short n -> Value.of(n.longValue());
      case Integer n -> Value.of(n.longValue());
      case Long n -> Value.of(n);
      case BigInteger n -> Value.of(n.longValueExact());
      case BigDecimal n -> Value.of(n.doubleValue());
      case Number n -> Value.of(n.doubleValue());
      case Character c -> Value.of(c.toString());
      case Enum<?> e -> Value.of(e.name());
      case byte[] bytes -> Value.of(bytes);
      case Map<?, ?> m -> ofMap((Map<String, ?>) m, path);
      case Collection<?> c -> {
        List<Value<?>> items = new ArrayList<>(c.size());
        int i = 0;
        for (Object item : c) {
          items.add(of(item, path + "[" + i++ + "]"));
        }
        yield Value.of(items);
      }
      case Object[] array -> of(List.of(array), path);
      case long[] array -> of(java.util.Arrays.stream(array).boxed().toList(), path);
      case int[] array -> of(java.util.Arrays.stream(array).boxed().toList(), path);
      case double[] array -> of(java.util.Arrays.stream(array).boxed().toList(), path);
      default ->
          throw new IllegalArgumentException(
              path + ": no OTLP AnyValue form for " + value.getClass().getName());
    };
  }
}
