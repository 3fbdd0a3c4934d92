package dev.cab.model.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cab.model.topic.Topic;
import dev.cab.model.topic.Topics;
import dev.cab.testing.Mutator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutation fuzzing of the wire records as the stages read them back from Kafka: the value
 * deserialisers of {@code cab.spans.v1}, {@code cab.scores.v1}, {@code cab.cells.v1}, {@code
 * cab.alerts.v1} and {@code cab.sweep-plans.v1}, used by streams, the sink and the alerts stage.
 * Each target mutates the seed records kept in {@code dev/cab/model/fuzz/} (bit flips, insertions,
 * deletions, truncations, splices), and adds random bytes and deeply nested JSON, {@value #INPUTS}
 * inputs from a fixed seed ({@code -Dcab.fuzz.seed}, {@code -Dcab.fuzz.inputs} to explore more).
 *
 * <p>Asserts, for every input: the deserialiser returns a record or throws {@link
 * SerializationException} with a one-line reason naming the record type, and nothing else (no other
 * exception and no {@link Error}, which Kafka Streams' and the sink's dead-letter paths would not
 * catch and which would stop the stage); and a record that decodes encodes again to bytes that
 * decode to the same record, so what one stage writes the next can read.
 */
class WireRecordFuzzTest {
  static final int INPUTS = 10_000;
  private static final long SEED = Long.getLong("cab.fuzz.seed", 20261203L);
  private static final int COUNT = Integer.getInteger("cab.fuzz.inputs", INPUTS);

  private static final Map<String, Topic<String, ?>> TARGETS =
      Map.of(
          "span", Topics.SPANS,
          "score", Topics.SCORES,
          "cell", Topics.CELLS,
          "alert", Topics.ALERTS,
          "sweep-plan", Topics.SWEEP_PLANS);

  /** Tokens worth inserting into JSON: structure, escapes, huge and odd numbers, bad UTF-8. */
  private static final List<byte[]> TOKENS =
      List.of(
          utf8("{\""),
          utf8("[[[[[[[["),
          utf8("\"\\u0000\""),
          utf8("1e999999"),
          utf8("-1e-999999"),
          utf8("99999999999999999999999999999"),
          utf8("NaN"),
          utf8("null"),
          utf8("\"\\ud800\""),
          utf8(",\"schema_version\":\"x\""),
          utf8(",\"cell\":null"),
          utf8("\"2026-13-45T99:99:99Z\""),
          new byte[] {(byte) 0xc3, 0x28},
          new byte[] {(byte) 0xff, (byte) 0xfe, 0});

  @ParameterizedTest
  @ValueSource(strings = {"span", "score", "cell", "alert", "sweep-plan"})
  void mutatedAndRandomBytesAreARecordOrAOneLineRefusal(String target) {
    Topic<String, ?> topic = TARGETS.get(target);
    byte[] seed = seed(target);
    List<byte[]> others = new ArrayList<>();
    // a fixed order (Map.of's order changes from one JVM to the next): same seed, same inputs
    List.of("span", "score", "cell", "alert", "sweep-plan").forEach(t -> others.add(seed(t)));
    SplittableRandom r = new SplittableRandom(SEED ^ target.hashCode());
    Map<String, Integer> outcomes = new TreeMap<>();

    assertTimeoutPreemptively(
        Duration.ofSeconds(Math.max(60, COUNT / 100)),
        () -> {
          for (int i = 0; i < COUNT; i++) {
            byte[] input = input(r, seed, others);
            outcomes.merge(decode(topic, target, i, input), 1, Integer::sum);
          }
        });

    System.out.printf("fuzz wire %-10s %d inputs (seed %d): %s%n", target, COUNT, SEED, outcomes);
    assertThat(outcomes).containsKeys("decoded", "refused");
  }

  private static byte[] input(SplittableRandom r, byte[] seed, List<byte[]> others) {
    return switch (r.nextInt(20)) {
      case 0, 1 -> Mutator.randomBytes(r, r.nextInt(2048));
      case 2 -> nested(r, seed);
      case 3 -> seed;
      default -> Mutator.mutate(r, seed, others, TOKENS);
    };
  }

  /** The seed with a value nested 10 to 20,000 levels deep in front of its first field. */
  private static byte[] nested(SplittableRandom r, byte[] seed) {
    int depth = 10 + r.nextInt(20_000);
    boolean arrays = r.nextBoolean();
    String value =
        arrays
            ? "[".repeat(depth) + "1" + "]".repeat(depth)
            : "{\"k\":".repeat(depth) + "1" + "}".repeat(depth);
    String json = new String(seed, StandardCharsets.UTF_8);
    return ("{\"deep\":" + value + "," + json.substring(1)).getBytes(StandardCharsets.UTF_8);
  }

  private static <V> String decode(Topic<String, V> topic, String target, int i, byte[] input) {
    V value;
    try {
      value = topic.valueSerde().deserializer().deserialize(topic.name(), input);
    } catch (SerializationException e) {
      assertThat(e.getMessage())
          .as("%s input %d: a one-line reason naming the type", target, i)
          .isNotBlank()
          .doesNotContain("\n")
          .contains(typeName(topic));
      return "refused";
    } catch (Throwable t) {
      return fail("%s input %d (%s) escaped the deserialiser: %s", target, i, show(input), t);
    }
    assertThat(value).as("%s input %d decoded to null", target, i).isNotNull();
    V once = hop(topic, target, i, input, value);
    V twice = hop(topic, target, i, input, once);
    assertThat(twice)
        .as("%s input %d: what a stage writes back reads the same", target, i)
        .isEqualTo(once);
    if (!once.equals(value)) {
      // JSON has no Infinity or NaN: Jackson reads 1e999 as Infinity and writes non-finite
      // numbers as the strings "Infinity" / "NaN", so under a map (attributes, breakdowns) they
      // come back as strings after one hop; typed fields keep them as numbers.
      assertThat(value.toString())
          .as(
              "%s input %d changed on its first hop for another reason than a non-finite number",
              target, i)
          .containsAnyOf("Infinity", "NaN");
      return "decoded, a non-finite number became a string";
    }
    return "decoded";
  }

  /** Encodes and decodes again, as the next stage does. */
  private static <V> V hop(Topic<String, V> topic, String target, int i, byte[] input, V value) {
    byte[] again;
    try {
      again = topic.valueSerde().serializer().serialize(topic.name(), value);
    } catch (Throwable t) {
      return fail(
          "%s input %d (%s) decoded but cannot be encoded again: %s", target, i, show(input), t);
    }
    try {
      return topic.valueSerde().deserializer().deserialize(topic.name(), again);
    } catch (Throwable t) {
      return fail(
          "%s input %d (%s) decoded, but its encoding %s cannot be read back: %s",
          target, i, show(input), show(again), t);
    }
  }

  private static String typeName(Topic<String, ?> topic) {
    return ((JsonSerde<?>) topic.valueSerde()).type().getSimpleName();
  }

  private static String show(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static byte[] seed(String target) {
    String name = "/dev/cab/model/fuzz/" + target + ".json";
    try (InputStream in = WireRecordFuzzTest.class.getResourceAsStream(name)) {
      assertThat(in).as("seed %s", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
