package dev.cab.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The core that the span and the log record exporters share, over a fake exporter whose every
 * export answers what the test queued (success when nothing is queued).
 */
class SignalExporterTest {
  private static final Duration WINDOW = Duration.ofSeconds(10);

  /** The exporter below: records what it was sent, answers from {@link #answers}. */
  private static final class FakeExporter {
    final Queue<Supplier<CompletableResultCode>> answers = new ConcurrentLinkedQueue<>();
    final List<List<String>> sent = new CopyOnWriteArrayList<>();
    final AtomicInteger flushes = new AtomicInteger();
    final AtomicInteger shutdowns = new AtomicInteger();

    CompletableResultCode export(Collection<String> batch) {
      sent.add(List.copyOf(batch));
      Supplier<CompletableResultCode> answer = answers.poll();
      return answer == null ? CompletableResultCode.ofSuccess() : answer.get();
    }

    SignalExporter<String> core() {
      return new SignalExporter<>(
          this::export,
          () -> {
            flushes.incrementAndGet();
            return CompletableResultCode.ofSuccess();
          },
          () -> {
            shutdowns.incrementAndGet();
            return CompletableResultCode.ofSuccess();
          },
          this);
    }

    @Override
    public String toString() {
      return "FakeExporter{endpoint=test}";
    }
  }

  private final FakeExporter below = new FakeExporter();

  /** The answer to the batch {@link #withOneBatchInFlight} sent. */
  private final CompletableResultCode pending = new CompletableResultCode();

  @Test
  void countingCountsEveryBatchByItsOutcome() {
    ExportCounters counters = new ExportCounters();
    SignalExporter<String> exporter = below.core().counting(counters);
    below.answers.add(CompletableResultCode::ofSuccess);
    below.answers.add(CompletableResultCode::ofFailure);
    below.answers.add(
        () -> {
          throw new IllegalStateException("exporter broke");
        });

    assertThat(exporter.export(List.of("a", "b")).isSuccess()).isTrue();
    assertThat(exporter.export(List.of("c", "d", "e")).isSuccess()).isFalse();
    assertThatThrownBy(() -> exporter.export(List.of("f")))
        .isInstanceOf(IllegalStateException.class);

    assertThat(counters.exported()).isEqualTo(2);
    assertThat(counters.failed()).isEqualTo(4);
    assertThat(below.sent).hasSize(3);
  }

  @Test
  void resendingSendsAFailedBatchAgainUntilItIsAcknowledged() {
    ExportCounters counters = new ExportCounters();
    SignalExporter<String> exporter = below.core().resending(WINDOW, "spans").counting(counters);
    below.answers.add(CompletableResultCode::ofFailure);
    below.answers.add(
        () -> CompletableResultCode.ofExceptionalFailure(new RuntimeException("503")));
    List<String> batch = new ArrayList<>(List.of("a", "b"));

    CompletableResultCode result = exporter.export(batch);
    // The SDK's batch processor reuses its list once export returns.
    batch.clear();

    assertThat(result.join(WINDOW.toMillis(), TimeUnit.MILLISECONDS).isSuccess()).isTrue();
    assertThat(below.sent).containsExactly(List.of("a", "b"), List.of("a", "b"), List.of("a", "b"));
    assertThat(counters.exported()).isEqualTo(2);
    assertThat(counters.failed()).isZero();
  }

  @Test
  void aZeroWindowSendsEachBatchOnce() {
    SignalExporter<String> exporter = below.core().resending(Duration.ZERO, "scorer events");
    below.answers.add(CompletableResultCode::ofFailure);

    assertThat(exporter.export(List.of("a")).isSuccess()).isFalse();
    assertThat(below.sent).hasSize(1);
  }

  /** Resending and counting over {@link #below}, with one batch sent and not yet answered. */
  private SignalExporter<String> withOneBatchInFlight() {
    SignalExporter<String> exporter =
        below.core().resending(WINDOW, "spans").counting(new ExportCounters());
    below.answers.add(() -> pending);
    exporter.export(List.of("a"));
    return exporter;
  }

  @Test
  void flushWaitsForTheBatchesInFlightAndFlushesTheExporterBelow() {
    SignalExporter<String> exporter = withOneBatchInFlight();

    CompletableResultCode flushed = exporter.flush();

    assertThat(below.flushes).hasValue(1);
    assertThat(flushed.isDone()).isFalse();
    pending.succeed();
    assertThat(flushed.isSuccess()).isTrue();
  }

  @Test
  void shutdownLetsTheBatchesInFlightFinishBeforeShuttingTheExporterBelowDown() {
    SignalExporter<String> exporter = withOneBatchInFlight();

    CompletableResultCode shut = exporter.shutdown();

    assertThat(below.shutdowns).hasValue(0);
    pending.succeed();
    assertThat(below.shutdowns).hasValue(1);
    assertThat(shut.isSuccess()).isTrue();
  }

  @Test
  void everyLayerReportsTheExporterBelow() {
    SignalExporter<String> exporter =
        below.core().resending(WINDOW, "spans").counting(new ExportCounters());

    assertThat(exporter).hasToString("FakeExporter{endpoint=test}");
  }

  @Test
  void theSpanAndLogRecordExportersAreTheCoreUnderTheSdkInterfaces() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    ExportCounters counters = new ExportCounters();
    SpanExporter spanExporter =
        new CabSpanExporter(
            CabSpanExporter.core(spans).resending(WINDOW, "spans").counting(counters));
    LogRecordExporter logExporter =
        new CabLogRecordExporter(
            CabLogRecordExporter.core(logs).resending(WINDOW, "scorer events").counting(counters));

    assertThat(spanExporter.export(List.of()).isSuccess()).isTrue();
    assertThat(logExporter.export(List.of()).isSuccess()).isTrue();
    assertThat(spanExporter).hasToString(spans.toString());
    assertThat(logExporter).hasToString(logs.toString());
    assertThat(spanExporter.shutdown().isSuccess()).isTrue();
    assertThat(logExporter.shutdown().isSuccess()).isTrue();

    // The in-memory exporters refuse every export once shut down: the shutdown reached them.
    assertThat(spans.export(List.of()).isSuccess()).isFalse();
    assertThat(logs.export(List.of()).isSuccess()).isFalse();
  }
}
