package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLDataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A {@link RowBinaryBody} appended row by row holds the bytes of its rows encoded together, and its
 * slices and retained rows hold the bytes of theirs: what a split batch and a revocation send. A
 * row it refuses leaves it as it was. Random rows of every column type ({@link
 * RowBinaryEncoderTest}).
 */
class RowBinaryBodyTest {
  private static final TableSpec TABLE = new TableSpec("t", "topic", List.of());
  private static final RowBinaryEncoder ENCODER =
      RowBinaryEncoder.of(RowBinaryEncoderTest.EVERY_TYPE).orElseThrow();

  private final Random random = new Random(20261205);

  private List<Map<String, Object>> rows(int n) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowBinaryEncoderTest.randomRow(random));
    }
    return rows;
  }

  private static RowBinaryBody body(List<Map<String, Object>> rows) throws SQLDataException {
    // a small first guess: the body grows as rows come
    RowBinaryBody body = new RowBinaryBody(TABLE, ENCODER, 16);
    for (Map<String, Object> row : rows) {
      try {
        body.append(row);
      } catch (java.sql.SQLException e) {
        throw new AssertionError(e);
      }
    }
    return body;
  }

  private static byte[] bytes(RowBinaryBody body) {
    return body.stream().readAllBytes();
  }

  @Test
  void holdsItsRowsEncodedTogetherAndEachSliceTheBytesOfItsRows() throws Exception {
    List<Map<String, Object>> rows = rows(300);
    RowBinaryBody body = body(rows);

    assertThat(body.rows()).isEqualTo(300);
    assertThat(bytes(body))
        .isEqualTo(RowBinaryEncoderTest.ours(RowBinaryEncoderTest.EVERY_TYPE, rows));
    for (int[] range : new int[][] {{0, 150}, {150, 300}, {37, 38}, {0, 0}, {299, 300}}) {
      RowBinaryBody slice = body.slice(range[0], range[1]);
      assertThat(slice.rows()).isEqualTo(range[1] - range[0]);
      assertThat(bytes(slice))
          .as("rows %d-%d", range[0], range[1])
          .isEqualTo(
              RowBinaryEncoderTest.ours(
                  RowBinaryEncoderTest.EVERY_TYPE, rows.subList(range[0], range[1])));
    }
    // a slice of a slice (a split of a split's half)
    assertThat(bytes(body.slice(100, 200).slice(10, 20)))
        .isEqualTo(
            RowBinaryEncoderTest.ours(RowBinaryEncoderTest.EVERY_TYPE, rows.subList(110, 120)));
    assertThatThrownBy(() -> body.slice(0, 1).append(rows.getFirst()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void retainsTheRowsItIsToldToKeepAndTakesMoreAfterThem() throws Exception {
    List<Map<String, Object>> rows = rows(200);
    RowBinaryBody body = body(rows);

    RowBinaryBody kept = body.retain(i -> i % 3 != 1);
    List<Map<String, Object>> expected =
        new ArrayList<>(
            IntStream.range(0, 200).filter(i -> i % 3 != 1).mapToObj(rows::get).toList());
    assertThat(kept.rows()).isEqualTo(expected.size());
    assertThat(bytes(kept))
        .isEqualTo(RowBinaryEncoderTest.ours(RowBinaryEncoderTest.EVERY_TYPE, expected));

    // the filling batch goes on after a revocation: rows appended to what it kept
    List<Map<String, Object>> more = rows(5);
    for (Map<String, Object> row : more) {
      kept.append(row);
    }
    expected.addAll(more);
    assertThat(bytes(kept))
        .isEqualTo(RowBinaryEncoderTest.ours(RowBinaryEncoderTest.EVERY_TYPE, expected));
    assertThat(bytes(body.retain(i -> false))).isEmpty();
  }

  @Test
  void aRowItRefusesIsADataErrorAndLeavesNothingBehind() throws Exception {
    List<Map<String, Object>> rows = rows(3);
    RowBinaryBody body = body(rows.subList(0, 2));
    Map<String, Object> misfit = new java.util.HashMap<>(rows.get(2));
    misfit.put("t3", "not a time"); // after other columns were written

    assertThatThrownBy(() -> body.append(misfit))
        .isInstanceOf(SQLDataException.class)
        .hasMessageContaining("does not fit the columns of t")
        .satisfies(
            e -> assertThat(ClickHouseErrors.classify(e)).isEqualTo(ClickHouseErrors.Kind.DATA));
    body.append(rows.get(2));

    assertThat(body.rows()).isEqualTo(3);
    assertThat(bytes(body))
        .isEqualTo(RowBinaryEncoderTest.ours(RowBinaryEncoderTest.EVERY_TYPE, rows));
  }
}
