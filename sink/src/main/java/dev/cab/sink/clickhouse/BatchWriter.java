package dev.cab.sink.clickhouse;

import dev.cab.sink.fault.CrashPoints;
import dev.cab.sink.metrics.SinkMetrics;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the rows of one table in one INSERT, and deals with failures as {@link ClickHouseErrors}
 * classifies them:
 *
 * <ul>
 *   <li>retriable: the same rows (same deduplication token) are sent again after a bounded
 *       exponential back-off, until the {@link RetryPolicy} timeout, then {@link
 *       ClickHouseWriteException};
 *   <li>data error: the rows are split in halves and each half written the same way, so the rows
 *       ClickHouse rejects end up alone and are returned as {@link Rejected}, the rest lands;
 *   <li>fatal: {@link ClickHouseWriteException} at once.
 * </ul>
 *
 * <p>Stateless between calls; the sink loop calls it from its insert thread, one batch at a time.
 */
public final class BatchWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  /** How the caller waits between attempts. */
  @FunctionalInterface
  public interface Waiter {
    void await(Duration d) throws InterruptedException;
  }

  /**
   * A row ClickHouse rejected as a data error.
   *
   * @param row the row
   * @param error ClickHouse's answer
   */
  public record Rejected<S>(Row<S> row, Throwable error) {}

  private final Inserter inserter;
  private final RetryPolicy retry;
  private final InstantSource clock;
  private final Waiter waiter;
  private final SinkMetrics metrics;

  public BatchWriter(
      Inserter inserter,
      RetryPolicy retry,
      InstantSource clock,
      Waiter waiter,
      SinkMetrics metrics) {
    this.inserter = inserter;
    this.retry = retry;
    this.clock = clock;
    this.waiter = waiter;
    this.metrics = metrics;
  }

  /**
   * Writes rows to a table.
   *
   * @return the rows ClickHouse rejected as data errors (empty when all landed)
   * @throws ClickHouseWriteException when the rows can neither land nor be rejected
   * @throws InterruptedException when interrupted while waiting to retry
   */
  public <S> List<Rejected<S>> write(TableSpec table, List<Row<S>> rows)
      throws InterruptedException {
    return write(table, rows, null);
  }

  /**
   * Writes rows to a table whose values {@code body} holds encoded (see {@link Inserter#newBody}):
   * the rows' own values may be null. The halves of a split are slices of the body.
   *
   * @return the rows ClickHouse rejected as data errors (empty when all landed)
   * @throws ClickHouseWriteException when the rows can neither land nor be rejected
   * @throws InterruptedException when interrupted while waiting to retry
   */
  public <S> List<Rejected<S>> write(TableSpec table, List<Row<S>> rows, Inserter.Body body)
      throws InterruptedException {
    if (body != null && body.rows() != rows.size()) {
      throw new IllegalArgumentException(
          "a body of " + body.rows() + " rows for " + rows.size() + " rows");
    }
    List<Rejected<S>> rejected = new ArrayList<>();
    if (!rows.isEmpty()) {
      write(table, rows, rejected, body);
    }
    return rejected;
  }

  private static <S> List<Map<String, Object>> values(List<Row<S>> rows) {
    List<Map<String, Object>> values = new ArrayList<>(rows.size());
    for (Row<S> r : rows) {
      values.add(r.values());
    }
    return values;
  }

  private <S> void write(
      TableSpec table, List<Row<S>> rows, List<Rejected<S>> rejected, Inserter.Body body)
      throws InterruptedException {
    SQLException dataError = insertWithRetry(table, rows, body);
    if (dataError == null) {
      return;
    }
    if (rows.size() == 1) {
      rejected.add(new Rejected<>(rows.getFirst(), dataError));
      return;
    }
    metrics.split();
    int half = rows.size() / 2;
    // ClickHouse's message quotes the rejected value, which may be anything a runner sent: the
    // log gets the code only; the whole error goes to the dead-letter headers with the record.
    LOG.warn(
        "ClickHouse rejected data (code {}) in a batch of {} rows for {}; splitting to isolate it",
        ClickHouseErrors.serverCode(dataError).orElse(-1),
        rows.size(),
        table.name());
    write(table, rows.subList(0, half), rejected, body == null ? null : body.slice(0, half));
    CrashPoints.reached(CrashPoints.Point.DURING_SPLIT);
    write(
        table,
        rows.subList(half, rows.size()),
        rejected,
        body == null ? null : body.slice(half, rows.size()));
  }

  /** Inserts, retrying retriable failures; returns the data error, or null when the rows landed. */
  private <S> SQLException insertWithRetry(TableSpec table, List<Row<S>> rows, Inserter.Body body)
      throws InterruptedException {
    String token = DeduplicationTokens.of(table, rows);
    List<Map<String, Object>> values = body == null ? values(rows) : null;
    Instant firstFailure = null;
    for (int attempt = 1; ; attempt++) {
      try {
        if (body == null) {
          inserter.insert(table, values, token);
        } else {
          inserter.insert(table, body, token);
        }
        metrics.rowsWritten(table.name(), rows.size());
        if (attempt > 1) {
          LOG.info("Insert into {} succeeded after {} attempts", table.name(), attempt);
        }
        return null;
      } catch (SQLException e) {
        switch (ClickHouseErrors.classify(e)) {
          case DATA -> {
            return e;
          }
          case FATAL ->
              throw new ClickHouseWriteException(
                  "ClickHouse failed the insert into "
                      + table.name()
                      + " with an error that retrying cannot fix",
                  e);
          case RETRIABLE -> {
            Instant now = clock.instant();
            if (firstFailure == null) {
              firstFailure = now;
            }
            Duration failing = Duration.between(firstFailure, now);
            if (retry.exhausted(failing)) {
              throw new ClickHouseWriteException(
                  "ClickHouse failed the insert into "
                      + table.name()
                      + " for "
                      + failing.toSeconds()
                      + " s ("
                      + attempt
                      + " attempts); giving up",
                  e);
            }
            Duration backoff = retry.backoff(attempt);
            LOG.warn(
                "Insert of {} rows into {} failed (attempt {}), retrying in {} ms",
                rows.size(),
                table.name(),
                attempt,
                backoff.toMillis(),
                e);
            metrics.retry();
            waiter.await(backoff);
          }
        }
      }
    }
  }
}
