package dev.cab.model.serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration of the wire format: snake_case field names, ISO-8601 instants with
 * full precision, unknown fields ignored (a newer writer may add fields), map key order kept
 * (breakdowns are shown in the runner's order). The mapper is thread-safe once built.
 */
public final class Json {
  private Json() {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .addModule(new JavaTimeModule())
          // after JavaTimeModule, so it takes precedence: the same text, without DateTimeFormatter
          .addModule(InstantCodec.module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** The shared, thread-safe mapper for wire records. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
