package dev.cab.embedded.clickhouse.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlHeadTest {

  @Test
  void findsTheOutputFormatAtTheEndOfASelect() {
    SqlHead head = SqlHead.of("SELECT a, b FROM t WHERE x = 1 FORMAT JSONEachRow");

    assertThat(head.keyword()).isEqualTo("SELECT");
    assertThat(head.outputFormat()).isEqualTo("JSONEachRow");
  }

  @Test
  void findsTheFormatBeforeSettingsAndASemicolon() {
    assertThat(SqlHead.of("select 1 format CSV settings max_threads=1").outputFormat())
        .isEqualTo("CSV");
    assertThat(SqlHead.of("SELECT 1 FORMAT TSV;").outputFormat()).isEqualTo("TSV");
  }

  @Test
  void ignoresFormatInsideStringsCommentsAndSubqueries() {
    assertThat(SqlHead.of("SELECT 'x FORMAT JSON' AS s").outputFormat()).isNull();
    assertThat(SqlHead.of("SELECT 1 -- FORMAT JSON\n").outputFormat()).isNull();
    assertThat(SqlHead.of("SELECT 1 /* FORMAT JSON */").outputFormat()).isNull();
    assertThat(SqlHead.of("SELECT * FROM (SELECT 1 FORMAT JSON)").outputFormat()).isNull();
    assertThat(SqlHead.of("SELECT 'it''s', \"q\\\"x\" FORMAT Pretty").outputFormat())
        .isEqualTo("Pretty");
  }

  @Test
  void doesNotMistakeAColumnNamedFormatForTheClause() {
    assertThat(SqlHead.of("SELECT format FROM t").outputFormat()).isNull();
    assertThat(SqlHead.of("SELECT format x FROM t").outputFormat()).isNull();
  }

  @Test
  void treatsAnInsertsFormatAsInputAndStopsBeforeItsData() {
    SqlHead head = SqlHead.of("INSERT INTO t (a) FORMAT JSONEachRow\n{\"a\": \"FORMAT CSV\"}");

    assertThat(head.isInsert()).isTrue();
    assertThat(head.outputFormat()).isNull();
  }

  @Test
  void readsTheKeywordOfParenthesisedAndCommentedQueries() {
    assertThat(SqlHead.of("  -- c\n(SELECT 1) UNION ALL (SELECT 2)").keyword()).isEqualTo("SELECT");
    assertThat(SqlHead.of("with x as (select 1) select * from x").keyword()).isEqualTo("WITH");
    assertThat(SqlHead.of("").keyword()).isEmpty();
  }

  @Test
  void survivesAnUnterminatedLiteral() {
    assertThat(SqlHead.of("SELECT 'unterminated FORMAT JSON").outputFormat()).isNull();
  }
}
