package dev.cab.collector.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP {@link AnyValue} to plain Java: string, {@link Long}, {@link Double}, {@link Boolean},
 * {@link List} (array), ordered {@link Map} (kvlist), base64 {@link String} (bytes), and null for
 * an empty AnyValue. Lists and maps keep nulls and order, and are unmodifiable.
 */
public final class AnyValues {
  private AnyValues() {}

  /** The Java value of an AnyValue; null when no value is set (JSON null). */
  public static Object toJava(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case ARRAY_VALUE -> {
        List<AnyValue> values = value.getArrayValue().getValuesList();
        List<Object> out = new ArrayList<>(values.size());
        for (AnyValue v : values) {
          out.add(toJava(v));
        }
        yield Collections.unmodifiableList(out);
      }
      case KVLIST_VALUE -> toMap(value.getKvlistValue().getValuesList());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      // string-table indexes exist only in profiles, which have a dictionary; traces/logs do not
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> null;
    };
  }

  /** Key-value pairs as an ordered, unmodifiable map; a repeated key keeps its last value. */
  public static Map<String, Object> toMap(List<KeyValue> pairs) {
    if (pairs.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>(pairs.size() * 2);
    for (KeyValue kv : pairs) {
      out.put(kv.getKey(), toJava(kv.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }
}
