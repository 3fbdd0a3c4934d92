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

  @Test
  void stageCpuCountsTheJvmsOwnThreadsAndNamesTheJitsShare() {
    // given 1,000 events and CPU seconds per stage, the JVM's 0.5 s of which 0.4 s JIT
    Map<String, Double> cpu = new java.util.LinkedHashMap<>();
    cpu.put(CpuMeter.COLLECTOR, 0.1);
    cpu.put(CpuMeter.STREAMS, 0.2);
    cpu.put(CpuMeter.SINK, 0.05);
    cpu.put(CpuMeter.LOAD, 1.0);
    cpu.put(CpuMeter.JVM, 0.5);
    cpu.put(CpuMeter.JVM_GC, 0.05);
    cpu.put(CpuMeter.JVM_JIT, 0.4);
    BenchReport.Pipeline pipeline =
        new BenchReport.Pipeline(60, 8, 1000, 16.7, 1.3, 18, Map.of(), 70, 70, 1, 0);
    BenchReport report =
        new BenchReport(2, "", null, null, Map.of(), pipeline, null, cpu, Map.of(), Map.of(), null);

    // then the load generator is left out, the JVM counted once, and the JIT's share named
    assertThat(report.stageMicrosPerEvent())
        .isCloseTo(850, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(report.stageMicrosPerEventWithoutJit())
        .isCloseTo(450, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void keepsTheCpuOfAThreadThatEndsBeforeTheStop() throws Exception {
    // given a meter reading every 50 ms, started before a sink thread that burns 1.5 s of CPU and
    // ends (with the default 500 ms a loaded machine could leave the last read a third short)
    CpuMeter meter = new CpuMeter(Map.of(), 50);
    meter.start();
    Thread burner =
        Thread.ofPlatform()
            .name("cab-sink-burner")
            .start(
                () -> {
                  var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                  long x = 0;
                  while (mx.getCurrentThreadCpuTime() < 1_500_000_000L) {
                    x += Long.numberOfTrailingZeros(x + 1);
                  }
                  assertThat(x).isNotNegative();
                });
    burner.join();

    // when the meter stops after the thread is gone
    Map<String, Double> seconds = meter.stop();

    // then the periodic reads kept most of its CPU time as the sink's
    assertThat(seconds.get(CpuMeter.SINK)).isGreaterThan(1.0);
  }
}
