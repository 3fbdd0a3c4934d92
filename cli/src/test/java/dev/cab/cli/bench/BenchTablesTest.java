package dev.cab.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tables the bench reports print, whole: what docs/PERFORMANCE.md keeps must not change by
 * accident (the figures are made up, the layout is the reports').
 */
class BenchTablesTest {

  private static final BenchReport.Sweep SWEEP = new BenchReport.Sweep(200, 2_600, 1_000, 22);

  private static BenchReport.Pipeline pipeline(double eventsPerSecond) {
    return new BenchReport.Pipeline(
        60,
        8,
        12_345,
        eventsPerSecond,
        eventsPerSecond / 13,
        eventsPerSecond * 1.5,
        Map.of("cells", 500L),
        70,
        72,
        1.25,
        3);
  }

  private static BenchReport benchReport() {
    Map<String, RawClickHouse.TableFigures> raw = new LinkedHashMap<>();
    raw.put("cells", new RawClickHouse.TableFigures("cells", 1_000, 1_000, 5_000, 1_000, 900));
    raw.put(
        "spans", new RawClickHouse.TableFigures("spans", 10_000, 10_000, 50_000, 10_000, 9_000));
    Map<String, Long> drained = new LinkedHashMap<>();
    drained.put("cells", 1_000L);
    drained.put("spans", 10_000L);
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put(CpuMeter.COLLECTOR, 0.5);
    cpu.put(CpuMeter.STREAMS, 0.4);
    cpu.put(CpuMeter.SINK, 0.3);
    cpu.put(CpuMeter.JVM, 0.2);
    cpu.put(CpuMeter.JVM_JIT, 0.1);
    Map<String, Long> rss = new LinkedHashMap<>();
    rss.put("stages", 700L);
    rss.put("clickhouse", 300L);
    return new BenchReport(
        2,
        "1.00 2.00 3.00",
        SWEEP,
        new RawKafka.Figures(100_000, 50_000, 30.5, 600),
        raw,
        pipeline(1_234.5),
        new BenchReport.Freshness(600, 30, 42, 150, 900, 1_200),
        cpu,
        rss,
        Map.of("clickhouse", 1_300L),
        new SinkDrain.Figures(
            4,
            drained,
            2_750,
            11_000,
            2,
            4,
            Map.of(CpuMeter.SINK, 1.1, "clickhouse", 2.2),
            true,
            5,
            1.5));
  }

  private static ScaleBench.Report scaleReport() {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("cells", 100_000L);
    rows.put("spans", 1_000_000L);
    Map<String, Double> seconds = new LinkedHashMap<>();
    seconds.put("cells", 2.0);
    seconds.put("spans", 8.0);
    return new ScaleBench.Report(
        "1.00 2.00 3.00",
        "4.00 5.00 6.00",
        SWEEP,
        pipeline(1_000),
        new ScaleBench.Load(100_000, 1_000, 10_000, rows, seconds),
        pipeline(900),
        List.of(new ScaleBench.QueryTime("sweep board", "/sweeps/big", 120.4, 300.6)));
  }

  private static RestoreBench.Report restoreReport() {
    return new RestoreBench.Report(
        2,
        "1.00",
        "2.00",
        100_000,
        300_000,
        50L << 20,
        30L << 20,
        12.5,
        64L << 20,
        "512m",
        new RestoreBench.Restart(false, 20.5, 22.25, 600, 500, 0),
        new RestoreBench.Restart(true, 2.5, 3.75, 400, 350, 80L << 20));
  }

  private static ScaleOutBench.Report scaleOutReport() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put("collector", 40.0);
    cpu.put("sink", 30.0);
    ScaleOutBench.Member a =
        new ScaleOutBench.Member("cab-sink", "m1", List.of("cab.cells.v1-0"), 1_000);
    ScaleOutBench.Member b =
        new ScaleOutBench.Member("cab-sink", "m2", List.of("cab.cells.v1-1", "x-2"), 2_000);
    return new ScaleOutBench.Report(
        2,
        "1.00",
        "2.00",
        SWEEP,
        new ScaleOutBench.Phase(1, pipeline(1_000), cpu, 700, List.of(a), true),
        new ScaleOutBench.Phase(2, pipeline(1_500), cpu, 900, List.of(a, b), false),
        new ScaleOutBench.Phase(1, pipeline(1_100), cpu, 720, List.of(a), true));
  }

  @Test
  void startsATableWithItsHeaderAndOneRulePerColumn() {
    assertThat(BenchReport.startTable("", "measure", "figure").toString())
        .isEqualTo("| | measure | figure |\n|---|---|---|\n");
    assertThat(BenchReport.startTable("", "measure", "1 instance", "3 instances").toString())
        .isEqualTo("| | measure | 1 instance | 3 instances |\n|---|---|---|---|\n");
  }

  @Test
  void benchTablePrintsEveryMeasureUnderOneHeader() {
    assertThat(benchReport().table())
        .isEqualTo(
            """
        | | measure | figure |
        |---|---|---|
        | (a) | raw Kafka: ProducerPerformance, 100,000 of our records (mean 600 B), acks=all, lz4 | **50,000 records/s** (30.5 MB/s) |
        | (b) | raw ClickHouse, `cells`: HTTP RowBinary bulk, 1,000 rows in 10,000-row requests with reads between / the drain's 1,000 rows back to back / INSERT ... SELECT | 1,000 / 900 / 5,000 rows/s |
        | (b) | raw ClickHouse, `spans`: HTTP RowBinary bulk, 10,000 rows in 10,000-row requests with reads between / the drain's 10,000 rows back to back / INSERT ... SELECT | 10,000 / 9,000 / 50,000 rows/s |
        | (b) | raw HTTP bulk insert for the sink's mix of rows | **1,000 rows/s** |
        | (c) | pipeline at saturation, 60 s, 8 connections, 200 cells x 13.0 events | **1,235 events/s = 95.0 cells/s**; sink 1,852 rows/s during (c); 70/72 cells complete; drained in 1.3 s |
        | (d) | freshness at half load (600 events/s, 30 s, 42 cells) | **p50 150 ms, p99 900 ms** (max 1,200 ms) |
        | (f) | sink capacity: a fresh sink drains the topics, 11,000 records -> 11,000 rows (cells 1,000, spans 10,000) in 4 inserts (2,750 rows each), 2 dead letters | **2,750 rows/s** in 4.0 s; sink 100.0 us/row, clickhouse 200.0 us/row; the stages' JVM paused for GC 1.5 s of the phase's 5.0 s (30%) |
        | (e) | CPU ms per 1,000 events (= us/event) during (c) | collector 41, streams 32, sink 24, jvm (gc, jit) 16, of which jit 8 |
        | (e) | peak RSS, MiB, over (c), (d) and (f) | stages 700, clickhouse 300 |
        | (e) | peak RSS, MiB, the whole run: the raw limits (b) and (a) included | clickhouse 1300 |
        | ratio | (c)/(a): pipeline events/s vs raw Kafka records/s (target >= 25%) | **2.5%** |
        | ratio | sink/(b): (f) sink capacity vs raw HTTP bulk insert of the same rows, back to back (target >= 50%) | **55.6%** (2,750 / 4,950 rows/s); against the chunked figure 50.0% (/ 5,500) |
        | ratio | sink during (c) vs raw HTTP bulk insert, same mix (the pipeline feeds it) | 185.2% |
        | target | stage CPU per event in steady state: collector+streams+sink+the JVM's own threads but the JIT (target <= 150 us) | **105 us**; JIT still compiling +8 us (113 us with it) |
        """);
  }

  @Test
  void scaleTablePrintsTheEmptyAndLoadedRunsAndTheQueries() {
    assertThat(scaleReport().table())
        .isEqualTo(
            """
        | | measure | figure |
        |---|---|---|
        | load | load average before / after | 1.00 2.00 3.00 / 4.00 5.00 6.00 |
        | (c) empty | pipeline at saturation, 60 s, empty database | **1,000 events/s**; sink 1,500 rows/s; 70/72 cells complete |
        | load | 100,000 cells in 1,000 sweeps (one of them scale-big, 10,000 cells), INSERT ... SELECT inside ClickHouse | cells 100,000 in 2.0 s (50,000 rows/s), spans 1,000,000 in 8.0 s (125,000 rows/s) |
        | (c) loaded | pipeline at saturation, 60 s, with the 100,000 cells | **900 events/s**; sink 1,350 rows/s; 70/72 cells complete |
        | ratio | loaded/empty: events/s (target >= 80%) / sink rows/s | **90.0%** / 90.0% |
        | query | sweep board (`/sweeps/big`) | **120 ms** median (max 301 ms) |
        """);
  }

  @Test
  void restoreTablePrintsBothRestarts() {
    assertThat(restoreReport().table())
        .isEqualTo(
            """
        | | measure | figure |
        |---|---|---|
        | state | cells in the store; changelog records written to grow it | 100,000; 300,000 (50.0 MiB, cell states 30.0 MiB) in 12.5 s |
        | restart without local state (changelog) | process start -> RUNNING; -> first new cell on `cab.cells.v1` | **20.5 s**; **22.3 s** (RSS at RUNNING 500 MiB, peak 600 MiB; state dir 0.0 MiB) |
        | restart with local state (checkpoint) | process start -> RUNNING; -> first new cell on `cab.cells.v1` | **2.5 s**; **3.8 s** (RSS at RUNNING 350 MiB, peak 400 MiB; state dir 80.0 MiB) |
        | memory | streams process: `-Xmx512m`, `streams.rocksdb.memory.bytes` 64 MiB | peak RSS 600 MiB without local state, 400 MiB with it |
        """);
  }

  @Test
  void scaleOutTablePrintsThePhasesSideBySide() {
    assertThat(scaleOutReport().table())
        .isEqualTo(
            """
        | | measure | 1 instance | 2 instances | 1 instance again |
        |---|---|---|---|---|
        | (c) | pipeline at saturation: events/s (cells/s) | **1,000** (76.9) | **1,500** (115.4) | **1,100** (84.6) |
        | (c) | sink rows/s; cells complete; drained in | 1,500; 70/72; 1.3 s | 2,250; 70/72; 1.3 s | 1,650; 70/72; 1.3 s |
        | (e) | CPU us per event | collector 40, sink 30 | collector 40, sink 30 | collector 40, sink 30 |
        | (e) | RSS of the stages' JVM at the end, MiB | 700 | 900 | 720 |
        | cab-sink | members: partitions held, records committed during (c) | #1: 1 partitions, 1,000 records | #1: 1 partitions, 1,000 records; #2: 2 partitions, 2,000 records | #1: 1 partitions, 1,000 records |
        | ratio | events/s with 2 instances / mean of the two 1-instance phases | | **1.43** | |
        | note | a group rebalanced during a phase: records are counted per partition's holder at the start | | | |
        """);
  }
}
