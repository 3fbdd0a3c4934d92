package dev.cab.cli.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.cli.grafana.GrafanaSql.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The expansions the plugin's own tests expect (grafana/clickhouse-datasource
 * pkg/macros/macros_test.go, same range and interval: 2014-11-12T11:45:26.123Z to
 * 2015-11-12T11:45:26.456Z, 20 s), and Grafana's variable formats.
 */
class GrafanaSqlTest {
  private static final TimeRange RANGE =
      new TimeRange(
          Instant.parse("2014-11-12T11:45:26.123Z"),
          Instant.parse("2015-11-12T11:45:26.456Z"),
          Duration.ofSeconds(20));

  @Test
  void timeFilterComparesWithUnixSecondsAtBothEnds() {
    assertThat(GrafanaSql.expandMacros("where $__timeFilter(cast(sth as timestamp) )", RANGE))
        .isEqualTo(
            "where cast(sth as timestamp) >= toDateTime(1415792726)"
                + " AND cast(sth as timestamp) <= toDateTime(1447328726)");
    assertThat(GrafanaSql.expandMacros("$__timeFilter_ms(t)", RANGE))
        .isEqualTo(
            "t >= fromUnixTimestamp64Milli(1415792726123)"
                + " AND t <= fromUnixTimestamp64Milli(1447328726456)");
  }

  @Test
  void fromAndToTimeAreDateTimesWithOrWithoutParentheses() {
    assertThat(
            GrafanaSql.expandMacros("( date >= $__fromTime ) and ( date <= $__toTime() )", RANGE))
        .isEqualTo("( date >= toDateTime(1415792726) ) and ( date <= toDateTime(1447328726) )");
    assertThat(GrafanaSql.expandMacros("$__fromTime_ms, $__toTime_ms", RANGE))
        .isEqualTo(
            "fromUnixTimestamp64Milli(1415792726123), fromUnixTimestamp64Milli(1447328726456)");
  }

  @Test
  void timeIntervalUsesThePanelIntervalInWholeSeconds() {
    assertThat(GrafanaSql.expandMacros("$__timeInterval(col) AS time, $__interval_s", RANGE))
        .isEqualTo("toStartOfInterval(toDateTime(col), INTERVAL 20 second) AS time, 20");
    assertThat(GrafanaSql.expandMacros("$__timeInterval_ms(col)", RANGE))
        .isEqualTo("toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond)");
  }

  @Test
  void dateFiltersCompareWithDatesAndTheirArgumentsMayHoldCommas() {
    assertThat(GrafanaSql.expandMacros("$__dateFilter(dateCol)", RANGE))
        .isEqualTo("dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')");
    assertThat(GrafanaSql.expandMacros("$__dt(toDate(a, 'UTC'), timeCol)", RANGE))
        .isEqualTo(
            "(toDate(a, 'UTC') >= toDate('2014-11-12') AND toDate(a, 'UTC') <= toDate('2015-11-12'))"
                + " AND (timeCol >= toDateTime(1415792726) AND timeCol <= toDateTime(1447328726))");
  }

  @Test
  void unknownMacrosAndWrongArgumentCountsFail() {
    assertThatThrownBy(() -> GrafanaSql.expandMacros("$__timeGroup(t, 1m)", RANGE))
        .hasMessageContaining("$__timeGroup");
    assertThatThrownBy(() -> GrafanaSql.expandMacros("$__timeFilter(a, b)", RANGE))
        .hasMessageContaining("1 argument");
  }

  @Test
  void variablesUseTheirFormatAndLeaveMacrosAlone() {
    Map<String, List<String>> vars = Map.of("sweep", List.of("it's-1"), "tui", List.of("a", "b"));
    assertThat(
            GrafanaSql.interpolateVariables(
                "${sweep:sqlstring} ${sweep:singlequote} $sweep [[sweep]] ($tui) $__timeFilter(t)",
                vars))
        .isEqualTo("'it''s-1' 'it\\'s-1' it's-1 it's-1 ('a','b') $__timeFilter(t)");
  }
}
