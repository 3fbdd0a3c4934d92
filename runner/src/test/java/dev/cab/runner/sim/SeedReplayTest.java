package dev.cab.runner.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.runner.CabAttributes;
import dev.cab.runner.InMemoryTelemetry;
import dev.cab.runner.OtlpValues;
import dev.cab.runner.sim.SeedCells.SeedCell;
import dev.cab.runner.sim.SeedCells.SeedScore;
import dev.cab.runner.sim.SeedCells.SeedSpan;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeedReplayTest {
  private final InMemoryTelemetry memory = new InMemoryTelemetry();
  private final List<SeedCell> seeds = SeedCells.load();
  private SimulationReport report;
  private Map<String, SpanData> spansById;
  private List<LogRecordData> events;

  @BeforeEach
  void replay() throws InterruptedException {
    report = new SweepSimulator(memory.telemetry).replaySeeds(ProgressListener.NONE);
    spansById =
        memory.spans().stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    events = memory.events();
  }

  @AfterEach
  void close() {
    memory.close();
  }

  @Test
  void replaysTheThreeSeedCellsCompletely() {
    assertThat(seeds).hasSize(3);
    assertThat(report.cellsSent()).isEqualTo(3);
    assertThat(report.seedCellsReplayed()).isEqualTo(3);
    assertThat(report.spansSent()).isEqualTo(15);
    assertThat(report.eventsSent()).isEqualTo(18);
    assertThat(report.flush().allExported()).isTrue();
    assertThat(spansById).hasSize(15);
    assertThat(events).hasSize(18);
  }

  @Test
  void derivesOtlpIdsFromThePageIds() {
    for (SeedCell seed : seeds) {
      SeedSpan root = seed.root();
      for (SeedSpan page : seed.spans()) {
        SpanData span = spansById.get(page.pageSpanId().substring(0, 16));
        assertThat(span).as(page.pageSpanId()).isNotNull();
        assertThat(span.getTraceId()).isEqualTo(root.pageSpanId());
        assertThat(span.getName()).isEqualTo(page.name());
        assertThat(span.getAttributes().get(AttributeKey.stringKey(CabAttributes.SPAN_KIND)))
            .isEqualTo(page.kind());
        String expectedParent =
            page.pageParentSpanId() == null
                ? SpanId.getInvalid()
                : page.pageParentSpanId().substring(0, 16);
        assertThat(span.getParentSpanId()).as(page.name()).isEqualTo(expectedParent);
      }
    }
  }

  @Test
  void rootSpansRunFromStartedAtToEndedAtToTheMicrosecond() {
    for (SeedCell seed : seeds) {
      SpanData root = spansById.get(seed.root().spanId());
      assertThat(root.getStartEpochNanos()).isEqualTo(nanos(seed.startedAt()));
      assertThat(root.getEndEpochNanos()).isEqualTo(nanos(seed.endedAt()));
      assertThat(
              root.getAttributes().get(AttributeKey.stringKey(CabAttributes.CONTAINER_IMAGE_NAME)))
          .isEqualTo(seed.containerImage());
      assertThat(root.getAttributes().get(AttributeKey.stringKey(CabAttributes.CONTAINER_IMAGE_ID)))
          .isEqualTo(seed.imageDigest());
      assertThat(root.getAttributes().get(AttributeKey.stringKey(CabAttributes.MODEL_BUILD_ID)))
          .isEqualTo(seed.modelBuildId());
      assertThat(root.getAttributes().get(AttributeKey.longKey(CabAttributes.PROCESS_EXIT_CODE)))
          .isEqualTo(seed.exitCode());
    }
  }

  @Test
  void everySpanCarriesThePageIdentityAndHarnessAttributesWithTheirTypes() {
    for (SeedCell seed : seeds) {
      for (SeedSpan page : seed.spans()) {
        Map<String, Object> attributes =
            OtlpValues.toMap(spansById.get(page.spanId()).getAttributes());
        assertThat(attributes)
            .containsEntry(CabAttributes.CELL_ID, seed.identity().cellId())
            .containsEntry(CabAttributes.SWEEP_ID, seed.identity().sweepId())
            .containsEntry(CabAttributes.TUI, seed.identity().tui())
            .containsEntry(CabAttributes.AGENT_NAME, seed.identity().tui())
            .containsEntry(CabAttributes.REQUEST_MODEL, seed.identity().model())
            .containsEntry(CabAttributes.TASK_ID, seed.identity().task())
            .containsEntry(CabAttributes.TASK_CATEGORY, seed.identity().category());
        page.attributes()
            .forEach(
                (key, value) ->
                    assertThat(attributes.get(key))
                        .as(page.name() + " " + key)
                        .isEqualTo(OtlpValues.widen(value)));
      }
    }
  }

  @Test
  void keepsTheSeed003ArgvIntactForTheCollectorToRedact() {
    SeedCell seed003 =
        seeds.stream().filter(s -> s.page().startsWith("003_")).findFirst().orElseThrow();
    SeedSpan container =
        seed003.spans().stream()
            .filter(s -> s.kind().equals("container"))
            .findFirst()
            .orElseThrow();

    List<String> argv =
        spansById.get(container.spanId()).getAttributes().get(AttributeKey.stringArrayKey("argv"));

    assertThat(argv).isEqualTo(container.attributes().get("argv"));
    assertThat(argv).contains("--api-key", "sk-ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK");
    assertThat(
            spansById
                .get(container.spanId())
                .getAttributes()
                .get(AttributeKey.doubleKey("duration_s")))
        .isEqualTo(26.391405783011578);
  }

  @Test
  void scorerEventsCarryTheBreakdownsExactlyAndLinkToTheRoot() {
    for (SeedCell seed : seeds) {
      List<LogRecordData> cellEvents =
          events.stream()
              .filter(e -> e.getSpanContext().getTraceId().equals(seed.traceId()))
              .toList();
      assertThat(cellEvents).hasSize(6);
      for (int i = 0; i < seed.scores().size(); i++) {
        SeedScore score = seed.scores().get(i);
        LogRecordData event = cellEvents.get(i);
        assertThat(event.getEventName()).isEqualTo(CabAttributes.EVALUATION_EVENT_NAME);
        assertThat(event.getSpanContext().getSpanId()).isEqualTo(seed.root().spanId());
        assertThat(event.getTimestampEpochNanos()).isEqualTo(nanos(seed.endedAt()));
        assertThat(event.getAttributes().get(AttributeKey.stringKey(CabAttributes.EVALUATION_NAME)))
            .isEqualTo(score.axis());
        assertThat(
                event
                    .getAttributes()
                    .get(AttributeKey.doubleKey(CabAttributes.EVALUATION_SCORE_VALUE)))
            .isEqualTo(score.scoreValue());
        assertThat(event.getAttributes().get(AttributeKey.stringKey(CabAttributes.CELL_ID)))
            .isEqualTo(seed.identity().cellId());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) OtlpValues.toJava(event.getBodyValue());
        assertThat(body.keySet()).containsExactlyElementsOf(score.breakdown().keySet());
        assertThat(body).isEqualTo(OtlpValues.widen(score.breakdown()));
        Double efficiency =
            event.getAttributes().get(AttributeKey.doubleKey(CabAttributes.LATENCY_EFFICIENCY));
        assertThat(efficiency).isEqualTo(score.latencyEfficiency());
      }
    }
  }

  @Test
  void theLatencyEventCarriesThePagesLatencyEfficiency() {
    assertThat(events)
        .map(e -> e.getAttributes().get(AttributeKey.doubleKey(CabAttributes.LATENCY_EFFICIENCY)))
        .filteredOn(v -> v != null)
        .containsExactlyInAnyOrder(0.45648295258205523, 0.6404847291305417, 0.6837720660341223);
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
