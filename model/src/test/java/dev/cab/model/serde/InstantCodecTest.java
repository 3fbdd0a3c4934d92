package dev.cab.model.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantCodecTest {
  /** What the wire format used before the codec: JavaTimeModule alone. */
  private static final ObjectMapper JAVA_TIME =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  @Test
  void writesAndReadsExactlyWhatJavaTimeModuleDoesForRandomInstants() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L);
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(seconds, nanos);
      String expected = JAVA_TIME.writeValueAsString(t);

      assertThat(Json.mapper().writeValueAsString(t)).isEqualTo(expected);
      assertThat(InstantCodec.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
      assertThat(Json.mapper().readValue(expected, Instant.class)).isEqualTo(t);
    }
  }

  @Test
  void leavesEverythingOutsideTheFastPathToJavaTimeModule() throws Exception {
    for (String text :
        new String[] {
          "\"+10000-01-01T00:00:00Z\"",
          "\"2026-06-17T03:34:44.0130Z\"",
          "\"2026-06-17T03:34:44.1Z\"",
          "1781667284.013042",
          "1781667284",
        }) {
      assertThat(Json.mapper().readValue(text, Instant.class))
          .as(text)
          .isEqualTo(JAVA_TIME.readValue(text, Instant.class));
    }
    assertThat(Json.mapper().writeValueAsString(Instant.parse("+10000-01-01T00:00:00Z")))
        .isEqualTo("\"+10000-01-01T00:00:00Z\"");
    assertThat(InstantCodec.parse("2026-02-30T00:00:00Z")).isNull();
    assertThat(InstantCodec.parse("2026-06-17T24:00:00Z")).isNull();
    assertThat(InstantCodec.parse("2026-06-17T03:34:60Z")).isNull();
    assertThat(InstantCodec.parse("2026-06-17T03:34:44.Z")).isNull();
    assertThat(InstantCodec.parse("2026-06-17 03:34:44Z")).isNull();
  }

  @Test
  void refusesWhatJavaTimeModuleRefuses() {
    for (String text : new String[] {"\"2026-02-30T00:00:00Z\"", "\"yesterday\"", "\"\u0000\""}) {
      boolean javaTimeFails;
      try {
        JAVA_TIME.readValue(text, Instant.class);
        javaTimeFails = false;
      } catch (JsonProcessingException e) {
        javaTimeFails = true;
      }
      if (javaTimeFails) {
        assertThatThrownBy(() -> Json.mapper().readValue(text, Instant.class))
            .as(text)
            .isInstanceOf(JsonProcessingException.class);
      }
    }
  }
}
