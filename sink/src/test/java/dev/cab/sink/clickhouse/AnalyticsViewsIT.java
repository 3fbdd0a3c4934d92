package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;
import org.apache.commons.statistics.interval.BinomialConfidenceInterval;
import org.apache.commons.statistics.interval.Interval;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The analytics views (V004) on the real embedded ClickHouse, with known cells and hand-computed
 * expected values; the statistics are checked against Apache Commons Statistics.
 *
 * <p>Sweep s1, aider x m1, tasks t00..t09: t00-t05 passed, t06-t07 failed, t08 infra error, t09
 * pending (t00 also has an older version, pending, that the views must not see). pi x m2 ran
 * t00-t04: passed, failed, failed, infra error, passed. Sweep s2, aider x m1, ran all ten: t03-t06
 * and t08 passed, the others failed. s1 and s3 declared plans; s2 did not.
 */
@ExtendWith(ClickHouseExtension.class)
class AnalyticsViewsIT {
  private static final double[] S1_COMPOSITES = {0.9, 0.8, 0.85, 0.95, 0.7, 0.75, 0.3, 0.4};

  private final ClickHouseTestServer clickhouse;

  AnalyticsViewsIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @BeforeAll
  static void loadKnownCells(ClickHouseTestServer clickhouse) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", clickhouse.user());
    p.setProperty("password", clickhouse.password());
    try (Connection c = DriverManager.getConnection("jdbc:clickhouse:" + clickhouse.url(), p)) {
      Migrations.apply(c, clickhouse.database());
      new ModelPrices(
              "test-prices-0",
              List.of(
                  new ModelPrices.Price("m1", 9, 9, 9, 9), new ModelPrices.Price("m2", 9, 9, 9, 9)))
          .load(c, clickhouse.database());
      // loaded last: the views price with this version; m2 has no price in it
      new ModelPrices("test-prices-1", List.of(new ModelPrices.Price("m1", 1.0, 2.0, 0.1, 1.25)))
          .load(c, clickhouse.database());
    }
    List<String> rows = new ArrayList<>();
    String[] s1 = {
      "passed",
      "passed",
      "passed",
      "passed",
      "passed",
      "passed",
      "failed",
      "failed",
      "infra_error",
      "pending"
    };
    for (int i = 0; i < 10; i++) {
      boolean decided = i < 8;
      rows.add(
          cell(
              "s1",
              "aider",
              "m1",
              i,
              s1[i],
              decided ? Double.valueOf(S1_COMPOSITES[i]) : null,
              decided ? Double.valueOf(1000.0 * (i + 1)) : i == 8 ? Double.valueOf(90_000) : null,
              decided ? "1000, 100, 200, 100, 1100" : i == 8 ? "500, 0, 0, 0, 500" : null,
              2));
    }
    rows.add(cell("s1", "aider", "m1", 0, "pending", null, null, null, 1));
    String[] pi = {"passed", "failed", "failed", "infra_error", "passed"};
    for (int i = 0; i < 5; i++) {
      rows.add(cell("s1", "pi", "m2", i, pi[i], 0.5, 2000.0, null, 1));
    }
    String[] s2 = {
      "failed", "failed", "failed", "passed", "passed", "passed", "passed", "failed", "passed",
      "failed"
    };
    for (int i = 0; i < 10; i++) {
      rows.add(cell("s2", "aider", "m1", i, s2[i], 0.5, 1000.0, "1000, 100, 0, 0, 1100", 1));
    }
    clickhouse.query(
        "INSERT INTO cells (cell_id, sweep_id, tui, model, task, category, status, outcome,"
            + " composite, wall_clock_ms, input_tokens, output_tokens, cache_read_input_tokens,"
            + " cache_creation_input_tokens, total_tokens, version, updated_at) VALUES "
            + String.join(", ", rows));
    clickhouse.query(
        "INSERT INTO sweep_plans (sweep_id, tuis, models, tasks, baseline_sweep_id, planned_cells,"
            + " declared_at, attributes) VALUES"
            + " ('s1', ['aider', 'pi'], ['m1', 'm2'], arrayMap(i -> concat('cat/t', leftPad("
            + "toString(i), 2, '0')), range(10)), '', 40, '2026-12-01 10:00:00', '{}'),"
            + " ('s3', ['aider'], ['m1', 'm2'], ['cat/t00', 'cat/t01'], 's1', 4,"
            + " '2026-12-02 10:00:00', '{}')");
  }

  /** One cells row; tokens as "input, output, cache_read, cache_creation, total" or null. */
  private static String cell(
      String sweep,
      String tui,
      String model,
      int task,
      String outcome,
      Double composite,
      Double wallMs,
      String tokens,
      int version) {
    String taskId = String.format(Locale.ROOT, "cat/t%02d", task);
    String status =
        switch (outcome) {
          case "pending" -> "running";
          case "infra_error" -> "incomplete";
          default -> "complete";
        };
    return String.format(
        Locale.ROOT,
        "('%s/%s/%s/%s', '%s', '%s', '%s', '%s', 'cat', '%s', '%s', %s, %s, %s, %d, now64(3))",
        sweep,
        tui,
        model,
        taskId,
        sweep,
        tui,
        model,
        taskId,
        status,
        outcome,
        composite == null ? "NULL" : composite,
        wallMs == null ? "NULL" : wallMs,
        tokens == null ? "NULL, NULL, NULL, NULL, NULL" : tokens,
        version);
  }

  @Test
  void leaderboardCountsOutcomesAndKeepsInfraErrorsOutOfThePassRate() {
    Map<String, String> row =
        row("SELECT * FROM leaderboard WHERE sweep_id = 's1' AND tui = 'aider'");

    assertThat(row)
        .containsEntry("cells", "10")
        .containsEntry("passed", "6")
        .containsEntry("failed", "2")
        .containsEntry("infra_errors", "1")
        .containsEntry("pending", "1")
        .containsEntry("decided", "8");
    assertThat(number(row, "pass_rate")).isEqualTo(0.75);
  }

  @Test
  void leaderboardPassRateIntervalIsTheWilsonScoreInterval() {
    Map<String, String> row =
        row("SELECT * FROM leaderboard WHERE sweep_id = 's1' AND tui = 'aider'");

    // reference: Commons Statistics, and the published value for 6 of 8 (0.4093, 0.9285)
    Interval wilson = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(8, 6, 0.05);
    assertThat(number(row, "pass_rate_low")).isCloseTo(wilson.getLowerBound(), within(1e-12));
    assertThat(number(row, "pass_rate_high")).isCloseTo(wilson.getUpperBound(), within(1e-12));
    assertThat(number(row, "pass_rate_low")).isCloseTo(0.40927543031016883, within(1e-12));
    assertThat(number(row, "pass_rate_high")).isCloseTo(0.9285207872478909, within(1e-12));
  }

  @Test
  void leaderboardMeanCompositeHasAStudentTInterval() {
    Map<String, String> row =
        row("SELECT * FROM leaderboard WHERE sweep_id = 's1' AND tui = 'aider'");

    double mean = 0.70625; // (0.9 + 0.8 + 0.85 + 0.95 + 0.7 + 0.75 + 0.3 + 0.4) / 8
    double sd = 0;
    for (double x : S1_COMPOSITES) {
      sd += (x - mean) * (x - mean);
    }
    sd = Math.sqrt(sd / 7);
    double t = TDistribution.of(7).inverseCumulativeProbability(0.975);
    assertThat(number(row, "composite_cells")).isEqualTo(8);
    assertThat(number(row, "mean_composite")).isCloseTo(mean, within(1e-12));
    assertThat(number(row, "mean_composite_low"))
        .isCloseTo(mean - t * sd / Math.sqrt(8), within(1e-8))
        .isCloseTo(0.5096295027924451, within(1e-8));
    assertThat(number(row, "mean_composite_high"))
        .isCloseTo(mean + t * sd / Math.sqrt(8), within(1e-8));
  }

  @Test
  void leaderboardWallClockTokensAndCost() {
    Map<String, String> row =
        row("SELECT * FROM leaderboard WHERE sweep_id = 's1' AND tui = 'aider'");

    // decided cells ran 1000..8000 ms; quantileExact takes the value at floor(n * q)
    assertThat(number(row, "wall_clock_p50_ms")).isEqualTo(5000);
    assertThat(number(row, "wall_clock_p90_ms")).isEqualTo(8000);
    // 8 decided cells of 1100 tokens, 6 passed
    assertThat(number(row, "tokens_per_correct_task")).isCloseTo(8 * 1100 / 6.0, within(1e-9));
    // per decided cell: 700 uncached input x 1.0 + 100 output x 2.0 + 200 cache read x 0.1
    // + 100 cache creation x 1.25 = 1045 USD per million = 0.001045; the infra cell 500 x 1.0
    double cell = 0.001045;
    assertThat(number(row, "cost_usd")).isCloseTo(8 * cell + 0.0005, within(1e-12));
    assertThat(number(row, "cost_per_cell_usd")).isCloseTo((8 * cell + 0.0005) / 9, within(1e-12));
    assertThat(number(row, "cost_per_correct_task_usd")).isCloseTo(8 * cell / 6, within(1e-12));
  }

  @Test
  void cellsWithoutTokensOrPriceHaveNoCost() {
    Map<String, String> row = row("SELECT * FROM leaderboard WHERE sweep_id = 's1' AND tui = 'pi'");

    assertThat(row)
        .containsEntry("cost_usd", "\\N")
        .containsEntry("tokens_per_correct_task", "\\N");
    assertThat(row).containsEntry("passed", "2").containsEntry("decided", "4");
    assertThat(
            clickhouse
                .query("SELECT DISTINCT price_version FROM cell_costs WHERE model = 'm1'")
                .strip())
        .isEqualTo("test-prices-1");
  }

  @Test
  void taskDifficultyIsPerTaskAcrossPairs() {
    Map<String, String> t00 =
        row("SELECT * FROM task_difficulty WHERE sweep_id = 's1' AND task = 'cat/t00'");
    Map<String, String> t01 =
        row("SELECT * FROM task_difficulty WHERE sweep_id = 's1' AND task = 'cat/t01'");
    Map<String, String> t03 =
        row("SELECT * FROM task_difficulty WHERE sweep_id = 's1' AND task = 'cat/t03'");

    assertThat(t00).containsEntry("cells", "2").containsEntry("passed", "2");
    assertThat(t00.get("solved_by")).isEqualTo("['aider x m1','pi x m2']");
    assertThat(number(t01, "pass_rate")).isEqualTo(0.5);
    Interval wilson = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(2, 1, 0.05);
    assertThat(number(t01, "pass_rate_low")).isCloseTo(wilson.getLowerBound(), within(1e-12));
    // t03: aider passed, pi infra error: one decided cell
    assertThat(t03).containsEntry("infra_errors", "1").containsEntry("decided", "1");
  }

  @Test
  void sweepProgressComparesPlannedLandedCompleteAndInfra() {
    Map<String, String> s1 = row("SELECT * FROM sweep_progress WHERE sweep_id = 's1'");
    Map<String, String> s2 = row("SELECT * FROM sweep_progress WHERE sweep_id = 's2'");
    Map<String, String> s3 = row("SELECT * FROM sweep_progress WHERE sweep_id = 's3'");

    assertThat(s1)
        .containsEntry("planned", "40")
        .containsEntry("landed", "15")
        .containsEntry("not_landed", "25")
        .containsEntry("complete", "12")
        .containsEntry("infra_errors", "2")
        .containsEntry("pending", "1")
        .containsEntry("passed", "8");
    assertThat(s2).containsEntry("planned", "\\N").containsEntry("landed", "10");
    assertThat(s3)
        .containsEntry("planned", "4")
        .containsEntry("landed", "0")
        .containsEntry("not_landed", "4")
        .containsEntry("baseline_sweep_id", "s1");
  }

  @Test
  void sweepComparisonPairsByTaskWithAnExactMcNemarPValue() {
    Map<String, String> row =
        row(
            "SELECT * FROM sweep_comparison(baseline = 's1', candidate = 's2') WHERE tui = 'aider'");

    // tasks decided in both: t00..t07; lost t00, t01, t02; gained t06
    assertThat(row)
        .containsEntry("pairs", "8")
        .containsEntry("baseline_passed", "6")
        .containsEntry("candidate_passed", "4")
        .containsEntry("lost", "3")
        .containsEntry("gained", "1");
    assertThat(number(row, "pass_rate_difference")).isEqualTo(-0.25);
    double reference =
        BinomialTest.withDefaults()
            .with(AlternativeHypothesis.TWO_SIDED)
            .test(4, 1, 0.5)
            .getPValue();
    assertThat(number(row, "mcnemar_p"))
        .isCloseTo(reference, within(1e-12))
        .isCloseTo(0.625, within(1e-12));
  }

  @Test
  void mcnemarPValueMatchesTheBinomialTestForLargerCounts() {
    // the view's formula on its own, over many (lost, gained) pairs
    for (int[] bc : new int[][] {{0, 0}, {0, 7}, {5, 5}, {12, 3}, {40, 25}, {3, 160}}) {
      int n = bc[0] + bc[1];
      double view =
          Double.parseDouble(
              clickhouse
                  .query(
                      String.format(
                          Locale.ROOT,
                          "SELECT if(%1$d + %2$d = 0, 1.0, least(1.0, 2 * arraySum(arrayMap(i ->"
                              + " exp(lgamma(%1$d + %2$d + 1) - lgamma(i + 1) - lgamma(%1$d + %2$d"
                              + " - i + 1) - (%1$d + %2$d) * log(2)), range(toUInt64(least(%1$d,"
                              + " %2$d)) + 1)))))",
                          bc[0],
                          bc[1]))
                  .strip());
      double reference =
          n == 0
              ? 1.0
              : BinomialTest.withDefaults()
                  .with(AlternativeHypothesis.TWO_SIDED)
                  .test(n, bc[1], 0.5)
                  .getPValue();
      assertThat(view).as("lost %d gained %d", bc[0], bc[1]).isCloseTo(reference, within(1e-10));
    }
  }

  @Test
  void everyExampleQueryInAnalyticsMdRunsAndReturnsRows() throws Exception {
    Path doc = Path.of("..", "docs", "ANALYTICS.md");
    Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(doc));
    List<String> queries = new ArrayList<>();
    while (m.find()) {
      queries.add(m.group(1));
    }
    assertThat(queries).as("example queries in %s", doc).hasSizeGreaterThanOrEqualTo(5);
    for (String q : queries) {
      String sql =
          q.replace("cab.", clickhouse.database() + ".")
              .replace("'nightly-1'", "'s1'")
              .replace("'nightly-2'", "'s2'")
              .strip()
              .replaceAll(";$", "");
      assertThat(clickhouse.query(sql).strip()).as(sql).isNotEmpty();
    }
  }

  /** The single row a query returns, column name to TSV text. */
  private Map<String, String> row(String sql) {
    String[] lines = clickhouse.query(sql + " FORMAT TSVWithNames").strip().split("\n");
    assertThat(lines).as(sql).hasSize(2);
    String[] names = lines[0].split("\t", -1);
    String[] values = lines[1].split("\t", -1);
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      row.put(names[i], values[i]);
    }
    return row;
  }

  private static double number(Map<String, String> row, String column) {
    assertThat(row).containsKey(column);
    return Double.parseDouble(row.get(column));
  }
}
