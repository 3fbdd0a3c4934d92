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
  void aBatchInABodyGoesWithItsRetriesAndTheHalvesOfASplitAreSlicesOfIt() throws Exception {
    // given a body of the rows' values, an inserter that fails the first attempt on the network,
    // then rejects any insert holding v2
    List<List<Object>> sent = new ArrayList<>();
    int[] calls = {0};
    Inserter inserter =
        new Inserter() {
          @Override
          public void insert(TableSpec t, List<Map<String, Object>> rows, String token) {
            throw new AssertionError("rows in a body are inserted as the body");
          }

          @Override
          public void insert(TableSpec t, Inserter.Body body, String token) throws SQLException {
            List<Object> values = ((ValueBody) body).values;
            sent.add(values);
            if (calls[0]++ == 0) {
              throw new SQLException("down", "08000", 0, new ConnectException("refused"));
            }
            if (values.contains("v2")) {
              throw code(27);
            }
          }
        };
    ValueBody body = new ValueBody(List.of("v0", "v1", "v2", "v3"));
    List<Row<Integer>> rows =
        IntStream.range(0, 4)
            .mapToObj(i -> new Row<Integer>(i, "topic", 0, 100L + i, null))
            .toList();

    // when the rows (their values in the body only) are written
    var rejected = writer(inserter, Duration.ofMinutes(1)).write(TABLE, rows, body);

    // then the whole body went twice, then its halves and quarters, v2 alone at the end
    assertThat(rejected).extracting(r -> r.row().source()).containsExactly(2);
    assertThat(sent)
        .containsExactly(
            List.of("v0", "v1", "v2", "v3"),
            List.of("v0", "v1", "v2", "v3"),
            List.of("v0", "v1"),
            List.of("v2", "v3"),
            List.of("v2"),
            List.of("v3"));
    assertThat(metrics.snapshot().rowsWritten("t")).isEqualTo(3);
  }

  @Test
  void aBodyMustHoldTheBatchsRows() {
    List<Row<Integer>> rows = List.of(new Row<>(0, "topic", 0, 100L, null));
    assertThatThrownBy(
            () ->
                writer((t, r, token) -> {}, Duration.ofMinutes(1))
                    .write(TABLE, rows, new ValueBody(List.of("v0", "v1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a body of 2 rows for 1 rows");
  }

  /** A body of the rows' values, as they are: what the tests' inserters read back. */
  private record ValueBody(List<Object> values) implements Inserter.Body {
    @Override
    public void append(Map<String, Object> row) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int rows() {
      return values.size();
    }

    @Override
    public Inserter.Body slice(int from, int to) {
      return new ValueBody(values.subList(from, to));
    }

    @Override
    public Inserter.Body retain(java.util.function.IntPredicate keep) {
      throw new UnsupportedOperationException();
    }
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
