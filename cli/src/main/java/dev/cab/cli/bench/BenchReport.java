package dev.cab.cli.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Everything one {@code cab bench} run measured, as printed in its table and as {@code --json}.
 * Immutable.
 *
 * @param cores processors this JVM sees
 * @param loadAverageBefore {@code /proc/loadavg} before the run (other work on the machine)
 * @param sweep the recorded sweep replayed by (c) and (d)
 * @param kafka (a) the raw Kafka limit
 * @param clickhouse (b) the raw ClickHouse limits per table
 * @param pipeline (c) the pipeline at saturation
 * @param freshness (d) freshness at half the saturated rate
 * @param cpuSeconds (e) CPU seconds per stage and process over (c), until drained
 * @param peakRssMiB (e) peak RSS ({@code VmHWM}) per process over the pipeline's phases (c), (d)
 *     and (f), read before the raw limits run
 * @param peakRssWholeRunMiB peak RSS per process at the end of the run, the raw limits (b) and (a)
 *     included: their bulk reads and inserts are not the pipeline's load (empty: not read)
 * @param sinkCapacity (f) a fresh sink draining the topics: the sink's own capacity, or null
 */
public record BenchReport(
    int cores,
    String loadAverageBefore,
    Sweep sweep,
    RawKafka.Figures kafka,
    Map<String, RawClickHouse.TableFigures> clickhouse,
    Pipeline pipeline,
    Freshness freshness,
    Map<String, Double> cpuSeconds,
    Map<String, Long> peakRssMiB,
    Map<String, Long> peakRssWholeRunMiB,
    SinkDrain.Figures sinkCapacity) {

  /** Targets of issue 9, as fractions and absolute bounds. */
  static final double TARGET_PIPELINE_VS_KAFKA = 0.25;

  static final double TARGET_SINK_VS_RAW = 0.50;
  static final double TARGET_P99_MS = 2000;
  static final long TARGET_RSS_MIB = 1024;
  static final double TARGET_STAGE_MICROS_PER_EVENT = 150;

  /** The replayed sweep: cells, spans + scorer events and request bytes per replay. */
  public record Sweep(int cells, long events, long bytes, int requests) {
    public double eventsPerCell() {
      return events / (double) cells;
    }
  }

  /**
   * @param seconds sending time
   * @param connections keep-alive connections
   * @param eventsSent spans and scorer events the collector accepted
   * @param eventsPerSecond events sent / seconds from the first request until the last of them was
   *     in ClickHouse
   * @param cellsPerSecond eventsPerSecond / events per cell
   * @param sinkRowsPerSecond rows of cells, spans and score_events landed per second, same time
   * @param sinkRows rows landed per table (the sink's mix)
   * @param cellsComplete cells complete in ClickHouse after the drain
   * @param cellsExpected cells of the whole rounds sent
   * @param drainSeconds from the end of sending until every event was in ClickHouse
   * @param refused requests answered 429/503 and sent again
   */
  public record Pipeline(
      double seconds,
      int connections,
      long eventsSent,
      double eventsPerSecond,
      double cellsPerSecond,
      double sinkRowsPerSecond,
      Map<String, Long> sinkRows,
      long cellsComplete,
      long cellsExpected,
      double drainSeconds,
      long refused) {}

  /** Freshness of the cells of (d): last scorer event -> cell row, in milliseconds. */
  public record Freshness(
      double eventsPerSecond, double seconds, long cells, long p50Ms, long p99Ms, long maxMs) {}

  /** (c)/(a): pipeline events/s over raw Kafka records/s. */
  @JsonProperty
  public double pipelineVsKafka() {
    return pipeline.eventsPerSecond() / kafka.recordsPerSecond();
  }

  /**
   * Raw bulk-insert rows/s for the sink's own mix of tables during (c): the rows the sink wrote per
   * table, timed at each table's raw rate.
   */
  @JsonProperty
  public double rawRowsPerSecondForSinkMix() {
    return rawRowsPerSecondFor(pipeline.sinkRows(), RawClickHouse.TableFigures::httpRowsPerSecond);
  }

  /**
   * sink during (c)/(b): the rows/s the sink wrote while the pipeline fed it, over the raw HTTP
   * bulk insert of the same mix. Bounded by what collector and streams feed the sink: a figure of
   * the pipeline, not of the sink.
   */
  @JsonProperty
  public double sinkDuringPipelineVsRawHttp() {
    return pipeline.sinkRowsPerSecond() / rawRowsPerSecondForSinkMix();
  }

  /**
   * Raw bulk-insert rows/s for the rows the drain sink of (f) wrote: as many rows per table, sent
   * back to back (the sustained figure).
   */
  @JsonProperty
  public Double rawRowsPerSecondForSinkCapacityMix() {
    return sinkCapacity == null
        ? null
        : rawRowsPerSecondFor(
            sinkCapacity.rows(), RawClickHouse.TableFigures::sustainedRowsPerSecond);
  }

  /**
   * The same mix at the chunked figures (requests of up to {@code --clickhouse-rows} rows a table
   * with the reads between them): the raw figure the ratio used until Dec 4, printed beside it.
   */
  @JsonProperty
  public Double rawChunkedRowsPerSecondForSinkCapacityMix() {
    return sinkCapacity == null
        ? null
        : rawRowsPerSecondFor(sinkCapacity.rows(), RawClickHouse.TableFigures::httpRowsPerSecond);
  }

  /**
   * sink/(b), the target's ratio: (f) the sink's own rows/s draining a backlog, over the raw HTTP
   * bulk insert of the same rows (same tables, same number of rows, sent back to back).
   */
  @JsonProperty
  public Double sinkCapacityVsRawHttp() {
    return sinkCapacity == null
        ? null
        : sinkCapacity.rowsPerSecond() / rawRowsPerSecondForSinkCapacityMix();
  }

  /** (f) over the chunked raw figure ({@link #rawChunkedRowsPerSecondForSinkCapacityMix()}). */
  @JsonProperty
  public Double sinkCapacityVsRawHttpChunked() {
    return sinkCapacity == null
        ? null
        : sinkCapacity.rowsPerSecond() / rawChunkedRowsPerSecondForSinkCapacityMix();
  }

  /** Sink thread CPU per row written during (f), in microseconds. */
  @JsonProperty
  public Double sinkCapacityMicrosPerRow() {
    return sinkCapacity == null
        ? null
        : sinkCapacity.cpuSeconds().getOrDefault(CpuMeter.SINK, 0.0)
            / sinkCapacity.totalRows()
            * 1e6;
  }

  private double rawRowsPerSecondFor(
      Map<String, Long> mix, ToDoubleFunction<RawClickHouse.TableFigures> rowsPerSecond) {
    double rows = 0;
    double seconds = 0;
    for (var e : mix.entrySet()) {
      if (e.getValue() > 0) {
        rows += e.getValue();
        seconds += e.getValue() / rowsPerSecond.applyAsDouble(clickhouse.get(e.getKey()));
      }
    }
    return rows / seconds;
  }

  /** Stage CPU (collector + streams + sink + the JVM's GC/JIT) per event, in microseconds. */
  @JsonProperty
  public double stageMicrosPerEvent() {
    double s =
        cpuSeconds.get(CpuMeter.COLLECTOR)
            + cpuSeconds.get(CpuMeter.STREAMS)
            + cpuSeconds.get(CpuMeter.SINK)
            + cpuSeconds.get(CpuMeter.JVM);
    return s / pipeline.eventsSent() * 1e6;
  }

  /**
   * {@link #stageMicrosPerEvent()} without the JIT compiler threads: the JIT's work is warm-up that
   * a long-running stage pays once, while a run of a minute divides it by a minute of events. Equal
   * to the whole figure when the JVM's own threads could not be read.
   */
  @JsonProperty
  public double stageMicrosPerEventWithoutJit() {
    return stageMicrosPerEvent()
        - cpuSeconds.getOrDefault(CpuMeter.JVM_JIT, 0.0) / pipeline.eventsSent() * 1e6;
  }

  /** The table, as printed and as kept in docs/PERFORMANCE.md. */
  public String table() {
    StringBuilder t = startTable("", "measure", "figure");
    line(
        t,
        "| (a) | raw Kafka: ProducerPerformance, %,d of our records (mean %d B), acks=all, lz4 |"
            + " **%,.0f records/s** (%.1f MB/s) |",
        kafka.records(),
        kafka.recordBytes(),
        kafka.recordsPerSecond(),
        kafka.megabytesPerSecond());
    for (RawClickHouse.TableFigures f : clickhouse.values()) {
      line(
          t,
          "| (b) | raw ClickHouse, `%s`: HTTP RowBinary bulk, %,d rows in 10,000-row requests with"
              + " reads between / the drain's %,d rows back to back / INSERT ... SELECT |"
              + " %,.0f / %,.0f / %,.0f rows/s |",
          f.table(),
          f.rows(),
          f.sustainedRows(),
          f.httpRowsPerSecond(),
          f.sustainedRowsPerSecond(),
          f.selectRowsPerSecond());
    }
    line(
        t,
        "| (b) | raw HTTP bulk insert for the sink's mix of rows | **%,.0f rows/s** |",
        rawRowsPerSecondForSinkMix());
    line(
        t,
        "| (c) | pipeline at saturation, %.0f s, %d connections, %s cells x %.1f events |"
            + " **%,.0f events/s = %,.1f cells/s**; sink %,.0f rows/s during (c); %d/%d cells"
            + " complete;"
            + " drained in %.1f s |",
        pipeline.seconds(),
        pipeline.connections(),
        sweep.cells(),
        sweep.eventsPerCell(),
        pipeline.eventsPerSecond(),
        pipeline.cellsPerSecond(),
        pipeline.sinkRowsPerSecond(),
        pipeline.cellsComplete(),
        pipeline.cellsExpected(),
        pipeline.drainSeconds());
    if (freshness.cells() == 0) {
      line(
          t,
          "| (d) | freshness at half load (%,.0f events/s, %.0f s) | no cell completed in time |",
          freshness.eventsPerSecond(),
          freshness.seconds());
    } else {
      line(
          t,
          "| (d) | freshness at half load (%,.0f events/s, %.0f s, %,d cells) |"
              + " **p50 %,d ms, p99 %,d ms** (max %,d ms) |",
          freshness.eventsPerSecond(),
          freshness.seconds(),
          freshness.cells(),
          freshness.p50Ms(),
          freshness.p99Ms(),
          freshness.maxMs());
    }
    if (sinkCapacity != null) {
      line(
          t,
          "| (f) | sink capacity: a fresh sink drains the topics, %,d records -> %,d rows (%s) in"
              + " %,d inserts (%,.0f rows each), %,d dead letters | **%,.0f rows/s** in %.1f s%s;"
              + " sink %.1f us/row, clickhouse %.1f us/row; the stages' JVM paused for GC %.1f s of"
              + " the phase's %.1f s (%.0f%%) |",
          sinkCapacity.recordsConsumed(),
          sinkCapacity.totalRows(),
          mix(sinkCapacity.rows()),
          sinkCapacity.inserts(),
          sinkCapacity.rowsPerInsert(),
          sinkCapacity.deadLettered(),
          sinkCapacity.rowsPerSecond(),
          sinkCapacity.seconds(),
          sinkCapacity.drained() ? "" : " (NOT drained)",
          sinkCapacityMicrosPerRow(),
          sinkCapacity.cpuSeconds().getOrDefault("clickhouse", 0.0)
              / sinkCapacity.totalRows()
              * 1e6,
          sinkCapacity.gcPauseSeconds(),
          sinkCapacity.phaseSeconds(),
          100 * sinkCapacity.gcPauseSeconds() / sinkCapacity.phaseSeconds());
    }
    StringBuilder cpu = new StringBuilder();
    for (var e : cpuSeconds.entrySet()) {
      if (!cpu.isEmpty()) {
        cpu.append(", ");
      }
      cpu.append(
          String.format(
              Locale.ROOT, "%s %.0f", e.getKey(), e.getValue() / pipeline.eventsSent() * 1e6));
    }
    line(t, "| (e) | CPU ms per 1,000 events (= us/event) during (c) | %s |", cpu);
    line(t, "| (e) | peak RSS, MiB, over (c), (d) and (f) | %s |", mib(peakRssMiB));
    if (!peakRssWholeRunMiB.isEmpty()) {
      line(
          t,
          "| (e) | peak RSS, MiB, the whole run: the raw limits (b) and (a) included | %s |",
          mib(peakRssWholeRunMiB));
    }
    line(
        t,
        "| ratio | (c)/(a): pipeline events/s vs raw Kafka records/s (target >= 25%%) | **%.1f%%** |",
        100 * pipelineVsKafka());
    if (sinkCapacity != null) {
      line(
          t,
          "| ratio | sink/(b): (f) sink capacity vs raw HTTP bulk insert of the same rows, back to"
              + " back (target >= 50%%) | **%.1f%%** (%,.0f / %,.0f rows/s); against the chunked"
              + " figure %.1f%% (/ %,.0f) |",
          100 * sinkCapacityVsRawHttp(),
          sinkCapacity.rowsPerSecond(),
          rawRowsPerSecondForSinkCapacityMix(),
          100 * sinkCapacityVsRawHttpChunked(),
          rawChunkedRowsPerSecondForSinkCapacityMix());
    }
    line(
        t,
        "| ratio | sink during (c) vs raw HTTP bulk insert, same mix (the pipeline feeds it) |"
            + " %.1f%% |",
        100 * sinkDuringPipelineVsRawHttp());
    line(
        t,
        "| target | stage CPU per event in steady state: collector+streams+sink+the JVM's own"
            + " threads but the JIT (target <= 150 us) | **%.0f us**; JIT still compiling"
            + " +%.0f us (%.0f us with it) |",
        stageMicrosPerEventWithoutJit(),
        stageMicrosPerEvent() - stageMicrosPerEventWithoutJit(),
        stageMicrosPerEvent());
    return t.toString();
  }

  private static String mix(Map<String, Long> rows) {
    StringBuilder b = new StringBuilder();
    rows.forEach(
        (k, v) ->
            b.append(b.isEmpty() ? "" : ", ")
                .append(k)
                .append(' ')
                .append(String.format(Locale.ROOT, "%,d", v)));
    return b.toString();
  }

  /**
   * A report's table so far: its header row of {@code columns} (an empty one printed as {@code |
   * |}) and the Markdown rule under it, one {@code ---} per column.
   */
  static StringBuilder startTable(String... columns) {
    StringBuilder t = new StringBuilder("|");
    for (String column : columns) {
      t.append(column.isEmpty() ? " |" : " " + column + " |");
    }
    return t.append("\n|").append("---|".repeat(columns.length)).append('\n');
  }

  /** Appends one line of a report's table, numbers formatted for {@link Locale#ROOT}. */
  static void line(StringBuilder t, String format, Object... args) {
    t.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static String mib(Map<String, Long> perProcess) {
    StringBuilder out = new StringBuilder();
    perProcess.forEach(
        (k, v) -> out.append(out.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
    return out.toString();
  }
}
