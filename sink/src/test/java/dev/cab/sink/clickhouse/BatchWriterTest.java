package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.sink.metrics.SinkMetrics;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The retry and split logic against a scripted {@link Inserter} (no ClickHouse: see the ITs). */
class BatchWriterTest {
  private static final TableSpec TABLE = new TableSpec("t", "topic", List.of("v"));

  private final SinkMetrics metrics = new SinkMetrics();
  private final List<Duration> waits = new ArrayList<>();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final InstantSource clock = () -> now;
  private final List<String> tokens = new ArrayList<>();
  private final List<List<Map<String, Object>>> landed = new ArrayList<>();

  private BatchWriter writer(Inserter inserter, Duration timeout) {
    return new BatchWriter(
        inserter,
        new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(400), timeout),
        clock,
        d -> {
          waits.add(d);
          now = now.plus(d);
        },
        metrics);
  }

  private static List<Row<Integer>> rows(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new Row<>(i, "topic", 0, 100L + i, Map.<String, Object>of("v", "v" + i)))
        .toList();
  }

  private static SQLException code(int code) {
    return new SQLException("Code: " + code + ". DB::Exception: x", "22000", code);
  }

  @Test
  void isolatesRowsClickHouseRejectsAndWritesTheRest() throws Exception {
    // given ClickHouse rejects any insert holding v3 or v6
    Inserter inserter =
        (t, rows, token) -> {
          tokens.add(token);
          if (rows.stream().anyMatch(r -> r.get("v").equals("v3") || r.get("v").equals("v6"))) {
            throw code(27);
          }
          landed.add(rows);
        };

    // when
    var rejected = writer(inserter, Duration.ofMinutes(1)).write(TABLE, rows(8));

    // then the two bad rows come back, the six others landed exactly once
    assertThat(rejected).extracting(r -> r.row().source()).containsExactly(3, 6);
    assertThat(rejected).allSatisfy(r -> assertThat(r.error()).isInstanceOf(SQLException.class));
    assertThat(landed.stream().flatMap(List::stream).map(r -> r.get("v")))
        .containsExactlyInAnyOrder("v0", "v1", "v2", "v4", "v5", "v7");
    assertThat(metrics.snapshot().rowsWritten("t")).isEqualTo(6);
    assertThat(metrics.snapshot().splits()).isPositive();
    assertThat(tokens).doesNotHaveDuplicates();
  }

  @Test
  void theBodyPreparedForTheBatchGoesWithItAndItsRetriesButNotWithTheHalvesOfASplit()
      throws Exception {
    // given an inserter that prepares bodies, fails the first attempt on the network, then
    // rejects any insert holding v2
    Inserter.Prepared body = new Inserter.Prepared() {};
    List<Inserter.Prepared> sent = new ArrayList<>();
    int[] calls = {0};
    Inserter inserter =
        new Inserter() {
          @Override
          public void insert(TableSpec t, List<Map<String, Object>> rows, String token) {
            throw new AssertionError("the four-argument insert is the one called");
          }

          @Override
          public Inserter.Prepared prepare(TableSpec t, List<Map<String, Object>> rows) {
            return rows.size() == 4 ? body : null;
          }

          @Override
          public void insert(
              TableSpec t, List<Map<String, Object>> rows, String token, Inserter.Prepared p)
              throws SQLException {
            sent.add(p);
            if (calls[0]++ == 0) {
              throw new SQLException("down", "08000", 0, new ConnectException("refused"));
            }
            if (rows.stream().anyMatch(r -> r.get("v").equals("v2"))) {
              throw code(27);
            }
          }
        };
    BatchWriter writer = writer(inserter, Duration.ofMinutes(1));

    // when the batch of four is prepared, then written
    Inserter.Prepared prepared = writer.prepare(TABLE, rows(4));
    var rejected = writer.write(TABLE, rows(4), prepared);

    // then the prepared body went with the first attempt and its retry, the halves went without
    assertThat(prepared).isSameAs(body);
    assertThat(rejected).extracting(r -> r.row().source()).containsExactly(2);
    assertThat(sent.subList(0, 2)).containsOnly(body);
    assertThat(sent.subList(2, sent.size())).hasSizeGreaterThan(1).containsOnlyNulls();
  }

  @Test
  void retriesTheWholeBatchWithTheSameTokenAndGrowingBackoff() throws Exception {
    // given two network failures, then success
    int[] calls = {0};
    Inserter inserter =
        (t, rows, token) -> {
          tokens.add(token);
          if (calls[0]++ < 3) {
            throw new SQLException("client", new ConnectException("refused"));
          }
          landed.add(rows);
        };

    // when
    var rejected = writer(inserter, Duration.ofMinutes(1)).write(TABLE, rows(5));

    // then
    assertThat(rejected).isEmpty();
    assertThat(landed).singleElement().satisfies(r -> assertThat(r).hasSize(5));
    assertThat(tokens).hasSize(4).containsOnly(tokens.getFirst());
    assertThat(waits)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(metrics.snapshot().retries()).isEqualTo(3);
  }

  @Test
  void givesUpAfterTheRetryTimeout() {
    Inserter inserter =
        (t, rows, token) -> {
          throw code(241);
        };
    assertThatThrownBy(() -> writer(inserter, Duration.ofSeconds(2)).write(TABLE, rows(2)))
        .isInstanceOf(ClickHouseWriteException.class)
        .hasMessageContaining("giving up");
    assertThat(waits).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(400)));
  }

  @Test
  void stopsAtOnceOnAFatalError() {
    Inserter inserter =
        (t, rows, token) -> {
          throw code(60);
        };
    assertThatThrownBy(() -> writer(inserter, Duration.ofMinutes(1)).write(TABLE, rows(2)))
        .isInstanceOf(ClickHouseWriteException.class)
        .hasRootCauseInstanceOf(SQLException.class);
    assertThat(waits).isEmpty();
  }

  @Test
  void backoffIsBounded() {
    RetryPolicy p = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ZERO);
    assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(p.backoff(60)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.exhausted(Duration.ofDays(365))).isFalse();
  }
}
