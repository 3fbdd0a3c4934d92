package dev.cab.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.topic.DeadLetters;
import dev.cab.model.topic.Topics;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.model.wire.TokenTotals;
import dev.cab.model.wire.WireAttributes;
import dev.cab.model.wire.WireAttributes.Axes;
import dev.cab.model.wire.WireAttributes.SpanKinds;
import dev.cab.streams.config.StreamsSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CellTopologyTest extends CellTopologyHarness {
  private TestInputTopic<String, byte[]> rawSpans;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void startDriver() {
    start(Map.of());
    rawSpans =
        driver.createInputTopic(
            Topics.SPANS.name(), new StringSerializer(), new ByteArraySerializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.DLQ.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static List<SeedCells> seeds() {
    return SeedCells.load();
  }

  // ---- the seed cells ----

  @ParameterizedTest
  @MethodSource("seeds")
  void foldsTheSeedCellIntoThePublishedCellRecord(SeedCells seed) {
    // given / when: every span, then every scorer event, of the cell
    send(seed.spans());
    sendScores(seed.scores());

    // then: one record per event (each changed the cell), the last one is the page
    List<CellRecord> records = cells.readValuesToList();
    assertThat(records).hasSize(seed.spans().size() + seed.scores().size());
    assertThat(records).extracting(CellRecord::version).containsExactly(versions(records.size()));
    CellRecord cell = records.getLast();

    assertThat(cell.schemaVersion()).isEqualTo(CellRecord.SCHEMA_VERSION);
    assertThat(cell.cellId()).isEqualTo(seed.cellId());
    assertThat(cell.sweepId()).isEqualTo(seed.string("sweep_id"));
    assertThat(cell.tui()).isEqualTo(seed.string("tui"));
    assertThat(cell.model()).isEqualTo(seed.string("model"));
    assertThat(cell.task()).isEqualTo(seed.string("task"));
    assertThat(cell.category()).isEqualTo(seed.string("category"));
    assertThat(cell.containerImage()).isEqualTo(seed.string("container_image"));
    assertThat(cell.imageDigest()).isEqualTo(seed.string("image_digest"));
    assertThat(cell.modelBuildId()).isEqualTo(seed.string("model_build_id"));
    assertThat(cell.exitCode()).isEqualTo(((Number) seed.page().get("exit_code")).intValue());
    assertThat(cell.startedAt()).isEqualTo(seed.startedAt());
    assertThat(cell.endedAt()).isEqualTo(seed.endedAt());
    assertThat(cell.durationMs())
        .isEqualTo(java.time.Duration.between(seed.startedAt(), seed.endedAt()).toNanos() / 1e6);
    assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
    assertThat(cell.missingAxes()).isEmpty();
    assertThat(cell.tokens()).as("tokens not recorded").isNull();

    // every axis, every key in the runner's order, every value as received
    assertThat(cell.axes().keySet()).containsExactlyElementsOf(seed.axisOrder());
    for (Map<String, Object> page : seed.pageScores()) {
      String axis = (String) page.get("axis");
      @SuppressWarnings("unchecked")
      Map<String, Object> breakdown = (Map<String, Object>) page.get("breakdown");
      assertThat(cell.axes().get(axis).keySet())
          .as(axis)
          .containsExactlyElementsOf(breakdown.keySet());
      assertThat(cell.axes().get(axis)).as(axis).isEqualTo(breakdown);
      assertThat(cell.axisScores().get(axis))
          .as(axis)
          .isEqualTo(((Number) page.get("score_value")).doubleValue());
    }

    // the composite, bit for bit, with its weights, components and note
    Map<String, Object> expected = seed.expectedComposite();
    assertThat(Double.doubleToLongBits(cell.composite().composite()))
        .as("composite of %s", seed.cellId())
        .isEqualTo(Double.doubleToLongBits(((Number) expected.get("composite")).doubleValue()));
    assertThat(cell.composite().weights()).isEqualTo(expected.get("weights"));
    assertThat(cell.composite().note()).isEqualTo(expected.get("note"));
    assertThat(cell.composite().weightsVersion()).isEqualTo("cab-composite-v1");
    @SuppressWarnings("unchecked")
    Map<String, Object> components = (Map<String, Object>) expected.get("components");
    assertThat(cell.composite().components().keySet())
        .containsExactlyElementsOf(components.keySet());
    components.forEach(
        (k, v) -> {
          Object actual = cell.composite().components().get(k);
          if (v instanceof Number n) {
            assertThat(((Number) actual).doubleValue()).as(k).isEqualTo(n.doubleValue());
          } else {
            assertThat(actual).as(k).isEqualTo(v);
          }
        });

    // the span summary
    assertThat(cell.spans().count()).isEqualTo(seed.pageSpans().size());
    assertThat(cell.spans().rootSpanId()).isEqualTo(seed.rootSpanId());
    assertThat(cell.spans().errorSpanIds()).isEmpty();
    assertThat(cell.spans().kinds())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                SpanKinds.TASK_SETUP, 1,
                SpanKinds.TOOL_CALL, 1,
                SpanKinds.CONTAINER, 1,
                SpanKinds.ADAPTER_RUN, 1,
                SpanKinds.CLEANUP, 1));
  }

  @Test
  void foldsAllThreeSeedCellsSideBySideIntoTheirOwnRecords() {
    // given: the three cells' events interleaved
    List<SeedCells> seeds = seeds();
    for (SeedCells seed : seeds) {
      send(seed.spans());
    }
    for (SeedCells seed : seeds) {
      sendScores(seed.scores());
    }

    // then: each cell's latest record carries its own published composite
    Map<String, CellRecord> latest = cells.readKeyValuesToMap();
    assertThat(latest).hasSize(3);
    for (SeedCells seed : seeds) {
      assertThat(latest.get(seed.cellId()).composite().composite())
          .isEqualTo(((Number) seed.expectedComposite().get("composite")).doubleValue());
      assertThat(latest.get(seed.cellId()).version()).isEqualTo(11);
    }
  }

  // ---- completeness ----

  @Test
  void cellIsRunningUntilItsRootSpanEnded() {
    // given: every axis but no root span yet
    SeedCells seed = SeedCells.first();
    sendScores(seed.scores());
    send(seed.spans().stream().filter(s -> !SpanKinds.ADAPTER_RUN.equals(s.kind())).toList());

    // then
    CellRecord cell = last();
    assertThat(cell.status()).isEqualTo(CellStatus.RUNNING);
    assertThat(cell.startedAt()).isNull();
    assertThat(cell.spans().rootSpanId()).isNull();
    assertThat(cell.composite()).as("all axes are there").isNotNull();
  }

  @Test
  void cellWithEndedRootButMissingAxesIsIncompleteAndListsThem() {
    // given
    SeedCells seed = SeedCells.first();
    send(seed.spans());
    sendScores(seed.scoresWithout(Axes.INTEGRITY, Axes.REFUSAL));

    // then
    CellRecord cell = last();
    assertThat(cell.status()).isEqualTo(CellStatus.INCOMPLETE);
    assertThat(cell.missingAxes()).containsExactly(Axes.REFUSAL, Axes.INTEGRITY);
    assertThat(cell.composite()).isNull();
  }

  @Test
  void lateAxisTurnsAnIncompleteCellCompleteWithANewVersion() {
    // given: an incomplete cell
    SeedCells seed = SeedCells.first();
    send(seed.spans());
    sendScores(seed.scoresWithout(Axes.INTEGRITY));
    CellRecord before = last();
    assertThat(before.status()).isEqualTo(CellStatus.INCOMPLETE);

    // when: the missing axis arrives late
    Instant late = clock.plusSeconds(3600);
    scores.pipeInput(seed.cellId(), seed.score(Axes.INTEGRITY), late);

    // then
    List<CellRecord> after = cells.readValuesToList();
    assertThat(after).hasSize(1);
    CellRecord cell = after.getFirst();
    assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
    assertThat(cell.version()).isEqualTo(before.version() + 1);
    assertThat(cell.updatedAt()).isEqualTo(late);
    assertThat(cell.composite().composite())
        .isEqualTo(((Number) seed.expectedComposite().get("composite")).doubleValue());
  }

  @Test
  void scoresThatArriveBeforeSpansStillFoldIntoTheSameRecord() {
    // given / when: scores first, spans after
    SeedCells seed = SeedCells.first();
    sendScores(seed.scores());
    send(seed.spans());

    // then
    CellRecord cell = last();
    assertThat(cell.status()).isEqualTo(CellStatus.COMPLETE);
    assertThat(cell.version()).isEqualTo(11);
    assertThat(cell.containerImage()).isEqualTo(seed.string("container_image"));
    assertThat(cell.axes().keySet()).containsExactlyElementsOf(Axes.REQUIRED);
    assertThat(Double.doubleToLongBits(cell.composite().composite()))
        .isEqualTo(
            Double.doubleToLongBits(
                ((Number) seed.expectedComposite().get("composite")).doubleValue()));
  }

  // ---- duplicates and changes ----

  @Test
  void duplicateSpanEmitsNothingAndKeepsTheVersion() {
    // given
    SeedCells seed = SeedCells.first();
    send(seed.spans());
    sendScores(seed.scores());
    CellRecord before = last();

    // when: the root span and a child span are delivered again
    spans.pipeInput(seed.cellId(), seed.rootSpan(), clock.plusSeconds(60));
    spans.pipeInput(seed.cellId(), seed.spans().getFirst(), clock.plusSeconds(61));

    // then: the state is as it was, and the last emitted version too
    assertThat(cells.isEmpty()).isTrue();
    assertThat(state(seed.cellId()).version()).isEqualTo(before.version());
    assertThat(state(seed.cellId()).updatedAt()).isEqualTo(before.updatedAt());
    assertThat(lastEmittedVersion(seed.cellId())).isEqualTo(before.version());
  }

  @Test
  void duplicateScoreEventEmitsNothingAndKeepsTheVersion() {
    // given
    SeedCells seed = SeedCells.first();
    send(seed.spans());
    sendScores(seed.scores());
    CellRecord before = last();

    // when: a scorer event with an equal breakdown and value is delivered again
    scores.pipeInput(seed.cellId(), seed.score(Axes.PASS_RATE), clock.plusSeconds(60));
    scores.pipeInput(seed.cellId(), seed.score(Axes.LATENCY), clock.plusSeconds(61));

    // then
    assertThat(cells.isEmpty()).isTrue();
    assertThat(state(seed.cellId()).version()).isEqualTo(before.version());
  }

  @Test
  void changedResentAxisReplacesTheOldOneAndBumpsTheVersion() {
    // given
    SeedCells seed = SeedCells.first();
    send(seed.spans());
    sendScores(seed.scores());
    CellRecord before = last();

    // when: the blast-radius scorer re-sends with a different breakdown
    ScoreEvent old = seed.score(Axes.BLAST_RADIUS);
    Map<String, Object> breakdown = new LinkedHashMap<>(old.breakdown());
    breakdown.put("blast_radius", 1);
    breakdown.put("unexpected_changes", List.of("Cargo.lock"));
    scores.pipeInput(
        seed.cellId(), old.withScoreValue(1.0).withBreakdown(breakdown), clock.plusSeconds(60));

    // then
    CellRecord cell = last();
    assertThat(cell.version()).isEqualTo(before.version() + 1);
    assertThat(cell.axes().get(Axes.BLAST_RADIUS)).isEqualTo(breakdown);
    assertThat(cell.axes().keySet()).containsExactlyElementsOf(Axes.REQUIRED);
    assertThat(cell.axisScores().get(Axes.BLAST_RADIUS)).isEqualTo(1.0);
    assertThat(cell.composite().components().get("clean_blast")).isEqualTo(0.5);
    assertThat(cell.composite().composite()).isLessThan(before.composite().composite());
  }

  @Test
  void updatedAtIsTheRecordTimestampOfTheLastRealChange() {
    // given
    SeedCells seed = SeedCells.first();
    Instant first = Instant.parse("2026-06-16T19:08:03Z");
    Instant second = first.plusMillis(250);

    // when
    spans.pipeInput(seed.cellId(), seed.rootSpan(), first);
    scores.pipeInput(seed.cellId(), seed.score(Axes.PASS_RATE), second);

    // then
    assertThat(cells.readValuesToList())
        .extracting(CellRecord::updatedAt)
        .containsExactly(first, second);
  }

  // ---- spans ----

  @Test
  void sumsTokenTotalsOverModelCallSpans() {
    // given
    SeedCells seed = SeedCells.first();
    send(seed.spans());

    // when: two model calls
    spans.pipeInput(seed.cellId(), modelCall(seed, "00000000000000a1", 1200, 300, 1000, 50));
    spans.pipeInput(seed.cellId(), modelCall(seed, "00000000000000a2", 800, 200, 0, 0));

    // then
    CellRecord cell = last();
    assertThat(cell.tokens()).isEqualTo(new TokenTotals(2000, 500, 1000, 50, 2));
    assertThat(cell.tokens().totalTokens()).isEqualTo(2500);
    assertThat(cell.spans().kinds()).containsEntry(SpanKinds.MODEL_CALL, 2);
    assertThat(cell.spans().count()).isEqualTo(7);
  }

  @Test
  void tokensAreNotRecordedWithoutModelCallSpans() {
    // given / when
    SeedCells seed = SeedCells.first();
    send(seed.spans());

    // then
    assertThat(last().tokens()).isNull();
  }

  @Test
  void listsErrorSpansSortedBySpanIdWhateverTheirArrivalOrder() {
    // given: the spans arrive newest first, the reverse of the runner's order
    SeedCells seed = SeedCells.first();
    List<SpanRecord> all = new java.util.ArrayList<>(seed.spans());
    java.util.Collections.reverse(all);

    // when: the container and the cleanup span failed
    for (SpanRecord s : all) {
      boolean failed = SpanKinds.CONTAINER.equals(s.kind()) || SpanKinds.CLEANUP.equals(s.kind());
      spans.pipeInput(seed.cellId(), failed ? failed(s) : s, tick());
    }

    // then: the same list as any other delivery order gives
    CellRecord cell = last();
    assertThat(cell.spans().errorSpanIds())
        .containsExactlyElementsOf(
            all.stream()
                .filter(
                    s -> SpanKinds.CONTAINER.equals(s.kind()) || SpanKinds.CLEANUP.equals(s.kind()))
                .map(SpanRecord::spanId)
                .sorted()
                .toList());
  }

  // ---- dead letters ----

  /**
   * TopologyTestDriver 4.3.1 runs the deserialization handler (and counts the drop) but never hands
   * the handler's dead-letter records to its producer, so the DLQ side of this sandwich is asserted
   * against a real broker in {@code CellStreamsIT#routesUnparseableSpanToDeadLetterTopic}.
   */
  @Test
  void skipsUnparseableSpanCountsItAndKeepsFolding() {
    // given: valid, invalid, valid
    SeedCells seed = SeedCells.first();
    List<SpanRecord> all = seed.spans();
    spans.pipeInput(seed.cellId(), all.get(0), tick());

    // when
    rawSpans.pipeInput(
        seed.cellId(), "{\"span_id\": [not json".getBytes(StandardCharsets.UTF_8), tick());
    spans.pipeInput(seed.cellId(), all.get(1), tick());

    // then: both valid spans folded, the invalid one was counted as dropped
    List<CellRecord> records = cells.readValuesToList();
    assertThat(records).extracting(CellRecord::version).containsExactly(1L, 2L);
    assertThat(records.getLast().spans().count()).isEqualTo(2);
    assertThat(droppedRecords()).isEqualTo(1.0);
  }

  @Test
  void routesSpanWithoutSpanIdToDeadLetterTopicAndKeepsFolding() {
    // given
    SeedCells seed = SeedCells.first();
    SpanRecord good = seed.rootSpan();
    SpanRecord noId = seed.spans().getFirst().withSpanId(null);

    // when
    spans.pipeInput(seed.cellId(), noId, tick());
    spans.pipeInput(seed.cellId(), good, tick());

    // then
    assertThat(cells.readValuesToList()).extracting(CellRecord::version).containsExactly(1L);
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(DeadLetters.header(dead.getFirst().headers(), DeadLetters.EXCEPTION))
        .isEqualTo(IllegalArgumentException.class.getName());
    assertThat(DeadLetters.header(dead.getFirst().headers(), DeadLetters.TOPIC))
        .isEqualTo(Topics.SPANS.name());
    assertThat(dead.getFirst().value())
        .isEqualTo(Topics.SPANS.valueSerde().serializer().serialize(Topics.SPANS.name(), noId));
    assertThat(droppedRecords()).isEqualTo(1.0);
  }

  // ---- topology shape ----

  @Test
  void namesEveryProcessorAndStoreSoStateSurvivesEdits() {
    // given
    StreamsSettings settings =
        StreamsSettings.from(Map.of(StreamsSettings.BOOTSTRAP, "unused:9092"), Map.of());

    // when
    TopologyDescription description = CellTopology.build(settings).describe();

    // then: no generated names (KSTREAM-..., KTABLE-..., COGROUPKSTREAM-...)
    for (TopologyDescription.Subtopology sub : description.subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        assertThat(node.name()).doesNotContainPattern("^[A-Z]+-[A-Z]+-\\d+$").doesNotContain("-00");
        if (node instanceof TopologyDescription.Processor p) {
          assertThat(p.stores())
              .allMatch(
                  s ->
                      s.equals(CellTopology.STATE_STORE)
                          || s.equals(CellTopology.EMITTED_STORE)
                          || s.equals(CellTopology.AWAITING_SCORES_STORE));
        }
      }
    }
    assertThat(description.subtopologies()).hasSize(1);
    assertThat(description.toString())
        .contains(
            CellTopology.STATE_STORE,
            CellTopology.EMITTED_STORE,
            CellTopology.AWAITING_SCORES_STORE,
            "cab-cell-scores-grace");
  }

  // ---- helpers ----

  private CellState state(String cellId) {
    KeyValueStore<String, CellState> store = driver.getKeyValueStore(CellTopology.STATE_STORE);
    return store.get(cellId);
  }

  private Long lastEmittedVersion(String cellId) {
    KeyValueStore<String, Long> store = driver.getKeyValueStore(CellTopology.EMITTED_STORE);
    return store.get(cellId);
  }

  private double droppedRecords() {
    return driver.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("dropped-records-total"))
        .map(e -> (Double) e.getValue().metricValue())
        .reduce(0.0, Double::sum);
  }

  private static Long[] versions(int n) {
    Long[] v = new Long[n];
    for (int i = 0; i < n; i++) {
      v[i] = i + 1L;
    }
    return v;
  }

  private static SpanRecord modelCall(
      SeedCells seed, String spanId, long in, long out, long cacheRead, long cacheCreation) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put(WireAttributes.SPAN_KIND, SpanKinds.MODEL_CALL);
    attributes.put(WireAttributes.USAGE_INPUT_TOKENS, in);
    attributes.put(WireAttributes.USAGE_OUTPUT_TOKENS, out);
    attributes.put(WireAttributes.USAGE_CACHE_READ_INPUT_TOKENS, cacheRead);
    attributes.put(WireAttributes.USAGE_CACHE_CREATION_INPUT_TOKENS, cacheCreation);
    return new SpanRecord(
        SpanRecord.SCHEMA_VERSION,
        seed.identity(),
        seed.traceId(),
        spanId,
        seed.rootSpanId(),
        "chat " + seed.string("model"),
        SpanKinds.MODEL_CALL,
        seed.startedAt().plusSeconds(1),
        seed.startedAt().plusSeconds(3),
        "OK",
        null,
        attributes,
        Map.of());
  }

  private static SpanRecord failed(SpanRecord s) {
    return s.withStatusCode("ERROR").withStatusMessage("boom");
  }
}
