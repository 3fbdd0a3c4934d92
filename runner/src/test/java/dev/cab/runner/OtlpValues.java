package dev.cab.runner;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers turning OTel values back into plain Java values for comparisons. */
public final class OtlpValues {
  private OtlpValues() {}

  /** An AnyValue as Java: maps keep key order, arrays are lists, empty is null. */
  @SuppressWarnings("unchecked")
  public static Object toJava(Value<?> value) {
    return switch (value.getType()) {
      case KEY_VALUE_LIST -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValue kv : (List<KeyValue>) value.getValue()) {
          map.put(kv.getKey(), toJava(kv.getValue()));
        }
        yield map;
      }
      case ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (Value<?> item : (List<Value<?>>) value.getValue()) {
          list.add(toJava(item));
        }
        yield list;
      }
      case EMPTY -> null;
      default -> value.getValue();
    };
  }

  /** JSON-shaped Java values with every integral number widened to Long (the OTLP form). */
  @SuppressWarnings("unchecked")
  public static Object widen(Object value) {
    return switch (value) {
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Map<?, ?> m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<String, Object>) m).forEach((k, v) -> out.put(k, widen(v)));
        yield out;
      }
      case List<?> l -> l.stream().map(OtlpValues::widen).toList();
      case null -> null;
      default -> value;
    };
  }

  /** Attributes as an ordered map of key to Java value (arrays as lists). */
  public static Map<String, Object> toMap(Attributes attributes) {
    Map<String, Object> map = new LinkedHashMap<>();
    attributes.forEach((AttributeKey<?> k, Object v) -> map.put(k.getKey(), v));
    return map;
  }
}
