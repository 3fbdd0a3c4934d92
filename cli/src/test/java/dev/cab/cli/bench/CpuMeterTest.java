package dev.cab.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

  @Test
  void namesHotSpotThreadsAsGcOrJit() {
    assertThat(CpuMeter.nativeKindOf("C2 CompilerThre")).isEqualTo(CpuMeter.JVM_JIT);
    assertThat(CpuMeter.nativeKindOf("C1 CompilerThre")).isEqualTo(CpuMeter.JVM_JIT);
    assertThat(CpuMeter.nativeKindOf("GC Thread#1")).isEqualTo(CpuMeter.JVM_GC);
    assertThat(CpuMeter.nativeKindOf("G1 Refine#0")).isEqualTo(CpuMeter.JVM_GC);
    assertThat(CpuMeter.nativeKindOf("VM Thread")).isEqualTo(CpuMeter.JVM_GC);
    assertThat(CpuMeter.nativeKindOf("cab-streams-Str")).isNull();
    assertThat(CpuMeter.nativeKindOf("VM Periodic Tas")).isNull();
  }

  @Test
  void splitsTheJvmsOwnTimeIntoGcAndJitThreadsOfThisProcess() {
    // given a meter of this JVM
    CpuMeter meter = new CpuMeter(Map.of());
    meter.start();

    // when it stops
    Map<String, Double> seconds = meter.stop();

    // then the JVM's own threads were found and measured (this JVM has GC and JIT threads)
    assertThat(seconds).containsKeys(CpuMeter.JVM, CpuMeter.JVM_GC, CpuMeter.JVM_JIT);
    assertThat(seconds.get(CpuMeter.JVM_GC)).isGreaterThanOrEqualTo(0.0);
    assertThat(seconds.get(CpuMeter.JVM_JIT)).isGreaterThanOrEqualTo(0.0);
  }
}
