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
  void locatesTheInlineDataOfAnInsertWithFormat() {
    String sql = "INSERT INTO t (a) FORMAT JSONEachRow \n{\"a\": \"FORMAT CSV\"}";
    SqlHead head = SqlHead.of(sql);

    assertThat(head.isInsert()).isTrue();
    assertThat(head.hasInlineData()).isTrue();
    assertThat(head.outputFormat()).isNull();
    assertThat(head.inputFormat()).isEqualTo("JSONEachRow");
    assertThat(sql.substring(head.dataClauseStart())).startsWith("FORMAT JSONEachRow");
    assertThat(sql.substring(head.dataStart())).isEqualTo("{\"a\": \"FORMAT CSV\"}");
    assertThat(head.settingsStart()).isEqualTo(-1);
  }

  @Test
  void takesOnlyOneCrAndOneLfBeforeTheData() {
    String sql = "INSERT INTO t FORMAT RowBinary\r\n\n\t data";

    assertThat(sql.substring(SqlHead.of(sql).dataStart())).isEqualTo("\n\t data");
  }

  @Test
  void locatesValuesDataAndASettingsClause() {
    String sql = "insert into t settings async_insert = 0 values (1, 'a;b\n\nc')";
    SqlHead head = SqlHead.of(sql);

    assertThat(head.inputFormat()).isEqualTo("Values");
    assertThat(sql.substring(head.settingsStart())).startsWith("settings async_insert");
    assertThat(sql.substring(head.dataClauseStart())).startsWith("values (1");
    assertThat(sql.substring(head.dataStart())).isEqualTo(" (1, 'a;b\n\nc')");
  }

  @Test
  void seesNoInlineDataInInsertSelect() {
    SqlHead head = SqlHead.of("INSERT INTO t SELECT * FROM values('x UInt8', 1) FORMAT TSV");

    assertThat(head.isInsert()).isTrue();
    assertThat(head.hasInlineData()).isFalse();
  }

  @Test
  void flagsSeveralStatementsButNotATrailingSemicolon() {
    assertThat(SqlHead.of("SELECT 1; DROP TABLE t").multiStatement()).isTrue();
    assertThat(SqlHead.of("SELECT 1;").multiStatement()).isFalse();
    assertThat(SqlHead.of("SELECT 1; -- done\n").multiStatement()).isFalse();
    assertThat(SqlHead.of("SELECT ';' AS s").multiStatement()).isFalse();
  }

  @Test
  void flagsFileClauses() {
    assertThat(
            SqlHead.of("INSERT INTO t FROM INFILE '/etc/passwd' FORMAT LineAsString").namesFile())
        .isTrue();
    assertThat(SqlHead.of("SELECT 1 INTO OUTFILE '/tmp/x'").namesFile()).isTrue();
    assertThat(SqlHead.of("SELECT 'FROM INFILE'").namesFile()).isFalse();
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
