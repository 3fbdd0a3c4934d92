package dev.cab.runner.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Converts harness attributes (JSON-shaped Java values) to typed OTel attributes, keeping each
 * type: strings, longs (any integral number), doubles, booleans, and homogeneous arrays of those.
 * An empty collection becomes an empty string array. Nulls are skipped (an attribute that is not
 * set). Not API.
 */
public final class AttributeValues {
  private AttributeValues() {}

  /** All entries of {@code map}, in iteration order. */
  public static Attributes of(Map<String, ?> map) {
    AttributesBuilder builder = Attributes.builder();
    map.forEach((key, value) -> put(builder, key, value));
    return builder.build();
  }

  /**
   * Adds one attribute.
   *
   * @throws IllegalArgumentException for a value with no attribute form (maps, mixed arrays)
   */
  public static void put(AttributesBuilder builder, String key, Object value) {
    switch (value) {
      case null -> {}
      case String s -> builder.put(key, s);
      case Boolean b -> builder.put(key, b);
      case Byte n -> builder.put(key, n.longValue());
      case Short n -> builder.put(key, n.longValue());
      case Integer n -> builder.put(key, n.longValue());
      case Long n -> builder.put(key, n);
      case BigInteger n -> builder.put(key, n.longValueExact());
      case BigDecimal n -> builder.put(key, n.doubleValue());
      case Number n -> builder.put(key, n.doubleValue());
      case Collection<?> c -> putArray(builder, key, c);
      case String[] array -> builder.put(key, array);
      case Object[] array -> putArray(builder, key, List.of(array));
      default ->
          throw new IllegalArgumentException(
              "attribute " + key + ": no OTel attribute form for " + value.getClass().getName());
    }
  }

  private static void putArray(AttributesBuilder builder, String key, Collection<?> items) {
    if (items.stream().allMatch(i -> i instanceof String)) {
      builder.put(
          AttributeKey.stringArrayKey(key),
          new ArrayList<>(items.stream().map(String.class::cast).toList()));
    } else if (items.stream().allMatch(AttributeValues::isIntegral)) {
      builder.put(
          AttributeKey.longArrayKey(key),
          items.stream().map(i -> ((Number) i).longValue()).toList());
    } else if (items.stream().allMatch(i -> i instanceof Number)) {
      builder.put(
          AttributeKey.doubleArrayKey(key),
          items.stream().map(i -> ((Number) i).doubleValue()).toList());
    } else if (items.stream().allMatch(i -> i instanceof Boolean)) {
      builder.put(
          AttributeKey.booleanArrayKey(key), items.stream().map(Boolean.class::cast).toList());
    } else {
      throw new IllegalArgumentException(
          "attribute " + key + ": arrays must hold only strings, numbers or booleans: " + items);
    }
  }

  private static boolean isIntegral(Object o) {
    return o instanceof Long
        || o instanceof Integer
        || o instanceof Short
        || o instanceof Byte
        || o instanceof BigInteger;
  }
}
