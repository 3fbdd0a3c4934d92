package dev.cab.model.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.runner.CabAttributes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The runner SDK writes the attribute names that the collector and streams read from {@link
 * WireAttributes}; the runner does not depend on {@code model}, so this test keeps the two copies
 * equal: same constant names, same values, in the class and in its nested classes.
 */
class RunnerAttributesMatchWireAttributesTest {

  /** Written by the runner, read by no stage (the OTel GenAI operation of a model call). */
  private static final Set<String> RUNNER_ONLY = Set.of("OPERATION_NAME");

  /** Read by the collector from older SDKs, never written by our runner. */
  private static final Set<String> MODEL_ONLY = Set.of("EVENT_NAME");

  @Test
  void everyAttributeTheRunnerWritesHasTheNameTheStagesRead() {
    Map<String, String> runner = constants(CabAttributes.class);
    Map<String, String> model = constants(WireAttributes.class);
    runner.keySet().removeAll(RUNNER_ONLY);
    model.keySet().removeAll(MODEL_ONLY);

    assertThat(runner).as("runner CabAttributes vs model WireAttributes").isEqualTo(model);
  }

  @Test
  void theOneSidedNamesAreStillOneSided() {
    Map<String, String> runner = constants(CabAttributes.class);
    Map<String, String> model = constants(WireAttributes.class);

    assertThat(runner).containsKeys(RUNNER_ONLY.toArray(String[]::new));
    assertThat(runner).doesNotContainKeys(MODEL_ONLY.toArray(String[]::new));
    assertThat(model).containsKeys(MODEL_ONLY.toArray(String[]::new));
    assertThat(model).doesNotContainKeys(RUNNER_ONLY.toArray(String[]::new));
  }

  /** Public static String constants of a class and its nested classes, as "Nested.NAME". */
  private static Map<String, String> constants(Class<?> type) {
    Map<String, String> out = new TreeMap<>();
    collect(type, "", out);
    for (Class<?> nested : type.getDeclaredClasses()) {
      collect(nested, nested.getSimpleName() + ".", out);
    }
    assertThat(out).as("constants of %s", type.getName()).isNotEmpty();
    return out;
  }

  private static void collect(Class<?> type, String prefix, Map<String, String> out) {
    for (Field f : type.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isPublic(m) && Modifier.isStatic(m) && f.getType() == String.class) {
        try {
          out.put(prefix + f.getName(), (String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
  }
}
