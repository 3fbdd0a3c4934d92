package dev.cab.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  private static final Map<String, RawClickHouse.TableFigures> RAW =
      Map.of(
          "cells", new RawClickHouse.TableFigures("cells", 1_000, 2_000, 5_000, 1_000, 1_000),
          "spans", new RawClickHouse.TableFigures("spans", 10_000, 20_000, 50_000, 10_000, 10_000));

  @Test
  void comparesTheDrainingSinkWithTheRawInsertOfItsOwnMixOfRows() {
    // given raw inserts of 1,000 cell rows/s and 10,000 span rows/s back to back (2,000 and
    // 20,000 in chunks with reads between), and a drain of 1,000 cell rows and 10,000 span rows
    // in 4 s (2,750 rows/s)
    Map<String, Long> drained = new LinkedHashMap<>();
    drained.put("cells", 1_000L);
    drained.put("spans", 10_000L);
    SinkDrain.Figures drain =
        new SinkDrain.Figures(
            4,
            drained,
            2_750,
            11_000,
            0,
            4,
            Map.of(CpuMeter.SINK, 1.1, "clickhouse", 2.2),
            true,
            5,
            1.5);
    BenchReport report = report(Map.of("cells", 500L, "spans", 500L), 100, drain);

    // then (b) for that mix is 11,000 rows in 1 s + 1 s back to back, and the ratio is the
    // drain's over it; the chunked figure is twice as fast, and the ratio against it half
    assertThat(report.rawRowsPerSecondForSinkCapacityMix()).isCloseTo(5_500, offset(1e-6));
    assertThat(report.sinkCapacityVsRawHttp()).isCloseTo(0.5, offset(1e-9));
    assertThat(report.rawChunkedRowsPerSecondForSinkCapacityMix()).isCloseTo(11_000, offset(1e-6));
    assertThat(report.sinkCapacityVsRawHttpChunked()).isCloseTo(0.25, offset(1e-9));
    assertThat(report.sinkCapacityMicrosPerRow()).isCloseTo(100, offset(1e-9));
    // and the rate during (c) is compared with the chunked raw rate of (c)'s own mix, apart
    assertThat(report.rawRowsPerSecondForSinkMix()).isCloseTo(1_000 / 0.275, offset(1e-6));
    assertThat(report.sinkDuringPipelineVsRawHttp()).isCloseTo(100 * 0.275 / 1_000, offset(1e-9));
    assertThat(report.table())
        .contains("| (f) | sink capacity: a fresh sink drains the topics, 11,000 records")
        .contains("sink/(b): (f) sink capacity vs raw HTTP bulk insert of the same rows, back to")
        .contains("**50.0%** (2,750 / 5,500 rows/s); against the chunked figure 25.0% (/ 11,000)")
        .contains("the stages' JVM paused for GC 1.5 s of the phase's 5.0 s (30%)")
        .contains("`spans`: HTTP RowBinary bulk, 10,000 rows in 10,000-row requests with reads")
        .contains("the drain's 10,000 rows back to back / INSERT ... SELECT | 20,000 / 10,000 /");
  }

  @Test
  void leavesTheCapacityOutWhenNoDrainRan() {
    BenchReport report = report(Map.of("cells", 500L), 10, null);

    assertThat(report.sinkCapacityVsRawHttp()).isNull();
    assertThat(report.table()).doesNotContain("| (f) |").contains("sink during (c)");
  }

  private static BenchReport report(
      Map<String, Long> sinkRows, double sinkRowsPerSecond, SinkDrain.Figures drain) {
    BenchReport.Pipeline pipeline =
        new BenchReport.Pipeline(60, 8, 1000, 16.7, 1.3, sinkRowsPerSecond, sinkRows, 70, 70, 1, 0);
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put(CpuMeter.COLLECTOR, 0.1);
    cpu.put(CpuMeter.STREAMS, 0.1);
    cpu.put(CpuMeter.SINK, 0.1);
    cpu.put(CpuMeter.JVM, 0.1);
    return new BenchReport(
        2,
        "",
        new BenchReport.Sweep(200, 2600, 1, 22),
        new RawKafka.Figures(1000, 10_000, 6, 600),
        RAW,
        pipeline,
        new BenchReport.Freshness(50, 10, 0, 0, 0, 0),
        cpu,
        Map.of(),
        Map.of(),
        drain);
  }
}
