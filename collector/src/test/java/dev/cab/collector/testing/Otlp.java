package dev.cab.collector.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds OTLP protobuf values from plain Java, the way a runner's SDK would. */
public final class Otlp {
  private Otlp() {}

  public static AnyValue value(Object v) {
    return switch (v) {
      case null -> AnyValue.getDefaultInstance();
      case String s -> AnyValue.newBuilder().setStringValue(s).build();
      case Boolean b -> AnyValue.newBuilder().setBoolValue(b).build();
      case Integer i -> AnyValue.newBuilder().setIntValue(i).build();
      case Long l -> AnyValue.newBuilder().setIntValue(l).build();
      case Number n -> AnyValue.newBuilder().setDoubleValue(n.doubleValue()).build();
      case List<?> list -> {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        list.forEach(e -> array.addValues(value(e)));
        yield AnyValue.newBuilder().setArrayValue(array).build();
      }
      case Map<?, ?> map ->
          AnyValue.newBuilder()
              .setKvlistValue(KeyValueList.newBuilder().addAllValues(attributes(map)))
              .build();
      default -> throw new IllegalArgumentException(v.getClass().getName());
    };
  }

  public static List<KeyValue> attributes(Map<?, ?> map) {
    return map.entrySet().stream()
        .map(
            e ->
                KeyValue.newBuilder()
                    .setKey(String.valueOf(e.getKey()))
                    .setValue(value(e.getValue()))
                    .build())
        .toList();
  }

  public static KeyValue attribute(String key, Object value) {
    return KeyValue.newBuilder().setKey(key).setValue(value(value)).build();
  }

  public static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }
}
