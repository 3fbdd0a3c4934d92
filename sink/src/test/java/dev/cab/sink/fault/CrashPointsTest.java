package dev.cab.sink.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.sink.fault.CrashPoints.Point;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrashPointsTest {

  @Test
  void isOffWithoutTheSetting() {
    CrashPoints hook = CrashPoints.from(Map.of(), Map.of());

    for (Point p : Point.values()) {
      assertThat(hook.shouldHalt(p)).isFalse();
    }
  }

  @Test
  void haltsOnlyAtTheArmedOccurrenceOfTheArmedPoint() {
    CrashPoints hook =
        CrashPoints.from(
            Map.of(),
            Map.of("SINK_FAULT_KILL_AT", "after-insert", "SINK_FAULT_KILL_AT_OCCURRENCE", "3"));

    assertThat(hook.shouldHalt(Point.BEFORE_INSERT)).isFalse();
    assertThat(hook.shouldHalt(Point.AFTER_INSERT)).isFalse();
    assertThat(hook.shouldHalt(Point.AFTER_INSERT)).isFalse();
    assertThat(hook.shouldHalt(Point.AFTER_INSERT)).isTrue();
    assertThat(hook.shouldHalt(Point.AFTER_INSERT)).isFalse();
  }

  @Test
  void systemPropertyWinsOverTheEnvironment() {
    CrashPoints hook =
        CrashPoints.from(
            Map.of("sink.fault.kill.at", "during-split"),
            Map.of("SINK_FAULT_KILL_AT", "before-insert"));

    assertThat(hook.shouldHalt(Point.BEFORE_INSERT)).isFalse();
    assertThat(hook.shouldHalt(Point.DURING_SPLIT)).isTrue();
  }

  @Test
  void rejectsUnknownValuesNamingTheSetting() {
    assertThatThrownBy(() -> CrashPoints.from(Map.of("sink.fault.kill.at", "later"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sink.fault.kill.at must be before-insert, after-insert or");
    assertThatThrownBy(
            () ->
                CrashPoints.from(
                    Map.of("sink.fault.kill.at", "before-insert"),
                    Map.of("SINK_FAULT_KILL_AT_OCCURRENCE", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sink.fault.kill.at.occurrence must be an integer >= 1: 0");
  }
}
