package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
    for (TableSpec t : List.of(CellRowMapper.TABLE, SpanRowMapper.TABLE, ScoreRowMapper.TABLE)) {
      String table =
          ddl.substring(
              ddl.indexOf("cab." + t.name() + "\n"),
              ddl.indexOf("ENGINE", ddl.indexOf("cab." + t.name() + "\n")));
      for (String column : t.columns()) {
        assertThat(table).as(t.name()).containsPattern("\\n\\s+" + column + "\\s");
      }
    }
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
}
