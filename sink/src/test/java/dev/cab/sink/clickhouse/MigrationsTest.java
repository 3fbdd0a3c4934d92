package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.sink.config.RetentionSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  @Test
  void loadsMigrationsInOrderWithChecksums() {
    List<Migrations.Migration> all = Migrations.load();
    assertThat(all).isNotEmpty();
    assertThat(all.getFirst().name()).isEqualTo("V001__init.sql");
    assertThat(all).extracting(Migrations.Migration::version).startsWith(1);
    assertThat(all.getFirst().checksum()).hasSize(64);
  }

  @Test
  void initCreatesEveryTableInTheConfiguredDatabase() {
    List<String> statements = Migrations.load().getFirst().statements("test_db");
    assertThat(statements)
        .anySatisfy(s -> assertThat(s).startsWith("CREATE DATABASE IF NOT EXISTS test_db"))
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS test_db.cells"))
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS test_db.spans"))
        .anySatisfy(
            s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS test_db.score_events"))
        .anySatisfy(s -> assertThat(s).startsWith("CREATE VIEW IF NOT EXISTS test_db.cells_latest"))
        .allSatisfy(s -> assertThat(s).doesNotContain("${database}").doesNotContain("--"));
  }

  @Test
  void everyWrittenColumnExistsInTheDdl() {
    String ddl = String.join("\n", Migrations.load().getFirst().statements("cab"));
    String later =
        String.join(
            "\n",
            Migrations.load().stream()
                .skip(1)
                .map(m -> m.sql().replace("${database}", "cab"))
                .toList());
    for (TableSpec t : List.of(CellRowMapper.TABLE, SpanRowMapper.TABLE, ScoreRowMapper.TABLE)) {
      String table =
          ddl.substring(
              ddl.indexOf("cab." + t.name() + "\n"),
              ddl.indexOf("ENGINE", ddl.indexOf("cab." + t.name() + "\n")));
      for (String column : t.columns()) {
        // created by V001, or added by a later ALTER TABLE ... ADD COLUMN
        assertThat(
                table.matches("(?s).*\\n\\s+" + column + "\\s.*")
                    || later.contains(
                        "ALTER TABLE cab."
                            + t.name()
                            + " ADD COLUMN IF NOT EXISTS "
                            + column
                            + " "))
            .as("%s.%s", t.name(), column)
            .isTrue();
      }
    }
  }

  @Test
  void alertsMigrationCreatesTheTableWithEveryWrittenColumnAndTheActiveView() {
    Migrations.Migration alerts =
        Migrations.load().stream()
            .filter(m -> m.name().endsWith("__alerts.sql"))
            .findFirst()
            .orElseThrow();
    String ddl = String.join("\n", alerts.statements("cab"));
    String table = ddl.substring(ddl.indexOf("cab.alerts\n"), ddl.indexOf("ENGINE"));
    for (String column : AlertRowMapper.TABLE.columns()) {
      assertThat(table).as("alerts").containsPattern("\\n\\s+" + column + "\\s");
    }
    assertThat(alerts.statements("cab"))
        .anySatisfy(s -> assertThat(s).startsWith("CREATE VIEW IF NOT EXISTS cab.alerts_active"));
  }

  @Test
  void splitsScriptsOnSemicolonsOutsideQuotesAndComments() {
    String script =
        """
        -- a comment; with a semicolon
        CREATE TABLE a (s String DEFAULT 'x;y') ENGINE = Memory;
        /* block; comment */ SELECT 'it''s; fine', "q;id";
        ;
        """;
    assertThat(SqlScripts.split(script))
        .containsExactly(
            "CREATE TABLE a (s String DEFAULT 'x;y') ENGINE = Memory",
            "SELECT 'it''s; fine', \"q;id\"");
  }

  @Test
  void retentionParametersAreFilledFromTheSettings() {
    Migrations.Migration retention = migration("V002__retention.sql");
    Map<String, String> parameters =
        new RetentionSettings(14, 0, Duration.ofMinutes(30), 365).migrationParameters();

    List<String> statements = retention.statements("cab", parameters);

    assertThat(statements)
        .anySatisfy(s -> assertThat(s).contains("cab.spans").contains("toIntervalDay(14)"))
        .anySatisfy(s -> assertThat(s).contains("cab.score_events").contains("WHERE 0 > 0"))
        .anySatisfy(s -> assertThat(s).contains("cab.cells").contains("force_merge_seconds = 1800"))
        .allSatisfy(s -> assertThat(s).doesNotContain("${"));
    assertThat(retention.parameterValues(parameters))
        .isEqualTo(
            "score_events_ttl_days=0,spans_ttl_days=14,superseded_cell_versions_merge_seconds=1800");
    assertThat(migration("V001__init.sql").parameterValues(parameters)).isEmpty();
  }

  @Test
  void aParameterWithoutAValueIsNamedInTheError() {
    Migrations.Migration retention = migration("V002__retention.sql");

    assertThatThrownBy(() -> retention.statements("cab", Map.of("spans_ttl_days", "1")))
        .isInstanceOf(Migrations.MigrationException.class)
        .hasMessageContaining("V002__retention.sql uses ${score_events_ttl_days}");
  }

  private static Migrations.Migration migration(String name) {
    return Migrations.load().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }
}
