package dev.cab.dashboards.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlParamsTest {
  @Test
  void scalarValuesAreEscapedForClickHousesEscapedTextFormat() {
    // a tui of one backslash made ClickHouse fail the query (503): found by DashboardsUrlFuzzIT
    assertThat(SqlParams.of("tui", "\\").values()).containsEntry("tui", "\\\\");
    assertThat(SqlParams.of("t", "a\tb\nc\\t' OR 1=1").values())
        .containsEntry("t", "a\\tb\\nc\\\\t' OR 1=1");
    assertThat(SqlParams.none().and("step", 5).values()).containsEntry("step", "5");
  }

  @Test
  void arraysAreQuotedOnce() {
    assertThat(SqlParams.none().andArray("sweeps", List.of("a'b", "c\\d")).values())
        .containsEntry("sweeps", "['a\\'b','c\\\\d']");
  }

  @Test
  void parameterNamesAreOurs() {
    assertThatThrownBy(() -> SqlParams.of("x; DROP", "v"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
