package dev.cab.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.streams.config.StreamsSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real cell topology in a {@link TopologyTestDriver}, for the tests that drive it through its
 * topics: spans and scorer events in, cell records out. The driver's wall clock starts at {@link
 * #T0}; each record sent through {@link #send} or {@link #sendScores} is stamped 10 ms after the
 * one before, so record time is the test's, never the machine's.
 */
abstract class CellTopologyHarness {
  static final Instant T0 = Instant.parse("2026-07-01T12:00:00Z");

  @TempDir Path stateDir;

  TopologyTestDriver driver;
  TestInputTopic<String, SpanRecord> spans;
  TestInputTopic<String, ScoreEvent> scores;
  TestOutputTopic<String, CellRecord> cells;

  /** The time of the last record sent with {@link #tick()}. */
  Instant clock = T0;

  /**
   * Starts the topology with {@code settings} (no broker: nothing leaves the driver; state in the
   * test's temporary directory).
   */
  void start(Map<String, String> settings) {
    Map<String, String> props = new HashMap<>(settings);
    props.put(StreamsSettings.BOOTSTRAP, "unused:9092");
    props.put(StreamsSettings.STATE_DIR, stateDir.toString());
    StreamsSettings streams = StreamsSettings.from(props, Map.of());
    driver = new TopologyTestDriver(CellTopology.build(streams), streams.toProperties(), T0);
    spans =
        driver.createInputTopic(
            Topics.SPANS.name(),
            Topics.SPANS.keySerde().serializer(),
            Topics.SPANS.valueSerde().serializer());
    scores =
        driver.createInputTopic(
            Topics.SCORES.name(),
            Topics.SCORES.keySerde().serializer(),
            Topics.SCORES.valueSerde().serializer());
    cells =
        driver.createOutputTopic(
            Topics.CELLS.name(),
            Topics.CELLS.keySerde().deserializer(),
            Topics.CELLS.valueSerde().deserializer());
  }

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  /** Sends the spans in order, keyed by their cell, one tick apart. */
  void send(List<SpanRecord> records) {
    records.forEach(s -> spans.pipeInput(s.cell().cellId(), s, tick()));
  }

  /** Sends the scorer events in order, keyed by their cell, one tick apart. */
  void sendScores(List<ScoreEvent> events) {
    events.forEach(e -> scores.pipeInput(e.cell().cellId(), e, tick()));
  }

  /** Moves the record clock 10 ms on and returns it. */
  Instant tick() {
    clock = clock.plusMillis(10);
    return clock;
  }

  /** The last cell record emitted so far; there must be one. */
  CellRecord last() {
    List<CellRecord> records = cells.readValuesToList();
    assertThat(records).as("records on %s", Topics.CELLS.name()).isNotEmpty();
    return records.getLast();
  }
}
