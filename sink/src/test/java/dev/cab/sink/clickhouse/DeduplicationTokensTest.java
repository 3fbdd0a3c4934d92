package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeduplicationTokensTest {
  private static final TableSpec CELLS = CellRowMapper.TABLE;

  private static Row<Void> row(int partition, long offset) {
    return new Row<>(null, "cab.cells.v1", partition, offset, java.util.Map.of());
  }

  @Test
  void namesTheOffsetRangesOfTheBatch() {
    String token =
        DeduplicationTokens.of(CELLS, List.of(row(1, 7), row(0, 10), row(0, 11), row(1, 8)));
    assertThat(token).startsWith("cells:cab.cells.v1/0:10-11#2,cab.cells.v1/1:7-8#2;");
  }

  @Test
  void sameRowsGiveTheSameTokenInAnyOrder() {
    assertThat(DeduplicationTokens.of(CELLS, List.of(row(0, 1), row(1, 2))))
        .isEqualTo(DeduplicationTokens.of(CELLS, List.of(row(1, 2), row(0, 1))));
  }

  @Test
  void sameRangesWithDifferentGapsDiffer() {
    assertThat(DeduplicationTokens.of(CELLS, List.of(row(0, 1), row(0, 3), row(0, 5))))
        .isNotEqualTo(DeduplicationTokens.of(CELLS, List.of(row(0, 1), row(0, 4), row(0, 5))));
  }

  @Test
  void longTokensAreHashed() {
    List<Row<Void>> many = LongStream.range(0, 50).mapToObj(p -> row((int) p, p * 10)).toList();
    assertThat(DeduplicationTokens.of(CELLS, many)).matches("cells:sha256:[0-9a-f]{64}");
  }
}
