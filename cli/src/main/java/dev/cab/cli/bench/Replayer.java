package dev.cab.cli.bench;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Replays a {@link RecordedSweep} to a collector over several keep-alive HTTP/1.1 connections, one
 * platform thread per connection (named {@code cab-bench-load-N}, so their CPU time is counted as
 * the load generator's), each sending the next request and waiting for its answer. Each pass over
 * the recording is a new sweep ({@link RecordedSweep#sweepId(long)} from {@code firstRound} on). A
 * request answered 429 or 503 is sent again after a short pause; anything else but 200 fails the
 * run.
 *
 * <p>Two ways to pace:
 *
 * <ul>
 *   <li>{@link #closedLoop}: as fast as the pipeline drains, never more than {@code backlog} events
 *       sent but not yet seen in ClickHouse (so a fast collector cannot bury a slow sink under a
 *       queue that outlives the run);
 *   <li>{@link #openLoop}: a steady rate of events per second, whatever the pipeline does.
 * </ul>
 */
final class Replayer implements AutoCloseable {

  private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

  private final RecordedSweep sweep;
  private final URI endpoint;
  private final int connections;
  private final ExecutorService httpThreads;
  private final HttpClient http;

  private final AtomicLong next = new AtomicLong();
  private final AtomicLong scheduledEvents = new AtomicLong();
  private final LongAdder sentEvents = new LongAdder();
  private final LongAdder sentRequests = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final AtomicBoolean stop = new AtomicBoolean();
  private volatile Throwable failure;

  private final Consumer<String> progress;

  Replayer(RecordedSweep sweep, String endpoint, int connections, Consumer<String> progress) {
    this.sweep = sweep;
    this.progress = progress;
    this.endpoint = URI.create(endpoint);
    this.connections = connections;
    this.httpThreads =
        Executors.newFixedThreadPool(2, Thread.ofPlatform().name("cab-bench-http-", 0).factory());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(httpThreads)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** What a replay sent. */
  record Sent(long events, long requests, long cells, long refused, long rejected, long rounds) {}

  /**
   * Sends until {@code duration} is over, keeping at most {@code backlog} events in flight between
   * the collector and ClickHouse.
   *
   * @param landed events visible in ClickHouse now (polled by the caller's monitor)
   */
  Sent closedLoop(long firstRound, Duration duration, long backlog, LongSupplier landed)
      throws InterruptedException {
    long base = landed.getAsLong();
    return run(
        firstRound,
        duration,
        landed,
        events -> {
          while (!stop.get() && sentEvents.sum() - (landed.getAsLong() - base) > backlog) {
            LockSupport.parkNanos(2_000_000);
          }
        });
  }

  /** Sends {@code eventsPerSecond} for {@code duration}. */
  Sent openLoop(long firstRound, Duration duration, double eventsPerSecond, LongSupplier landed)
      throws InterruptedException {
    long t0 = System.nanoTime();
    return run(
        firstRound,
        duration,
        landed,
        events -> {
          long before = scheduledEvents.getAndAdd(events);
          long due = t0 + (long) (before / eventsPerSecond * 1e9);
          long wait;
          while (!stop.get() && (wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
        });
  }

  @FunctionalInterface
  private interface Pacer {
    void beforeSending(int events);
  }

  private Sent run(long firstRound, Duration duration, LongSupplier landed, Pacer pacer)
      throws InterruptedException {
    next.set(0);
    scheduledEvents.set(0);
    sentEvents.reset();
    sentRequests.reset();
    refused.reset();
    rejected.reset();
    stop.set(false);
    List<RecordedSweep.Request> requests = sweep.requests();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      threads.add(
          Thread.ofPlatform()
              .name("cab-bench-load-" + c)
              .start(() -> sendLoop(requests, firstRound, pacer)));
    }
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long nextReport = start + REPORT_EVERY.toNanos();
    while (System.nanoTime() < end && failure == null) {
      Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      if (System.nanoTime() >= nextReport) {
        nextReport += REPORT_EVERY.toNanos();
        progress.accept(
            String.format(
                java.util.Locale.ROOT,
                "  %3.0f s: %,d events sent (%,d requests, %,d refused), %,d in ClickHouse",
                (System.nanoTime() - start) / 1e9,
                sentEvents.sum(),
                sentRequests.sum(),
                refused.sum(),
                landed.getAsLong()));
      }
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failure != null) {
      throw new IllegalStateException("the replay failed: " + failure.getMessage(), failure);
    }
    // Whole rounds only count as cells; requests of a started round were all sent or not.
    long sentRequestCount = sentRequests.sum();
    long rounds = (sentRequestCount + requests.size() - 1) / requests.size();
    if (rejected.sum() > 0) {
      progress.accept(
          "  the collector rejected " + rejected.sum() + " items in partial success (not counted)");
    }
    return new Sent(
        sentEvents.sum(),
        sentRequestCount,
        rounds * sweep.cells(),
        refused.sum(),
        rejected.sum(),
        rounds);
  }

  private void sendLoop(List<RecordedSweep.Request> requests, long firstRound, Pacer pacer) {
    try {
      while (!stop.get()) {
        long i = next.getAndIncrement();
        RecordedSweep.Request r = requests.get((int) (i % requests.size()));
        long round = firstRound + i / requests.size();
        pacer.beforeSending(r.events());
        long rejectedNow = send(r, r.bodyFor(round));
        sentRequests.increment();
        sentEvents.add(r.events() - rejectedNow);
        rejected.add(rejectedNow);
      }
    } catch (IOException | RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    }
  }

  /**
   * Sends one request until the collector takes it (a started round is always completed).
   *
   * @return the items the collector rejected in its partial success
   */
  private long send(RecordedSweep.Request r, byte[] body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.resolve(r.path()))
            .header("Content-Type", r.contentType())
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    for (; ; ) {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      int status = response.statusCode();
      if (status == 200) {
        return r.path().equals("/v1/traces")
            ? ExportTraceServiceResponse.parseFrom(response.body())
                .getPartialSuccess()
                .getRejectedSpans()
            : ExportLogsServiceResponse.parseFrom(response.body())
                .getPartialSuccess()
                .getRejectedLogRecords();
      }
      if (status != 429 && status != 503) {
        throw new IOException(
            "the collector answered "
                + status
                + " to "
                + r.path()
                + ": "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
      }
      refused.increment();
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    http.close();
    httpThreads.close();
  }
}
