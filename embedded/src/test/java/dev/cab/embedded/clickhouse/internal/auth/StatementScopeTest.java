package dev.cab.embedded.clickhouse.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link StatementScope} on the {@code EXPLAIN AST} answers of the embedded engine (libchdb),
 * copied here verbatim, with {@code cab} as the current database.
 */
class StatementScopeTest {
  private static final String CURRENT = "cab";

  @Test
  void aDdlStatementTouchesTheDatabaseItNamesNotTheCurrentOne() {
    assertThat(
            scope(
                """
                CreateQuery other x (children 4)
                 Identifier other
                 Identifier x
                 Columns definition (children 1)
                  ExpressionList (children 1)
                   ColumnDeclaration a (children 1)
                    DataType UInt8
                 Storage definition (children 1)
                  Function Memory
                """))
        .containsExactly("other");
    assertThat(
            scope(
                """
                DropQuery other secrets (children 2)
                 Identifier other
                 Identifier secrets
                """))
        .containsExactly("other");
    assertThat(
            scope(
                """
                AlterQuery other secrets (children 3)
                 ExpressionList (children 1)
                  AlterCommand DELETE (children 1)
                   Literal UInt64_1
                 Identifier other
                 Identifier secrets
                """))
        .containsExactly("other");
    assertThat(
            scope(
                """
                OptimizeQuery other secrets_final (children 2)
                 Identifier other
                 Identifier secrets
                """))
        .containsExactly("other");
  }

  @Test
  void anUnqualifiedTableIsInTheCurrentDatabase() {
    assertThat(
            scope(
                """
                CreateQuery x (children 3)
                 Identifier x
                 Columns definition (children 1)
                  ExpressionList (children 1)
                   ColumnDeclaration a (children 1)
                    DataType UInt8
                 Storage definition (children 1)
                  Function Memory
                """))
        .containsExactly(CURRENT);
  }

  @Test
  void aDatabaseStatementTouchesThatDatabase() {
    assertThat(scope("DropQuery other  (children 1)\n Identifier other\n"))
        .containsExactly("other");
    assertThat(scope("CreateQuery other2  (children 1)\n Identifier other2\n"))
        .containsExactly("other2");
  }

  @Test
  void aDropOfSeveralTablesTouchesEachOfTheirDatabases() {
    assertThat(
            scope(
                """
                DropQuery   (children 1)
                 ExpressionList (children 2)
                  TableIdentifier other.secrets
                  TableIdentifier cab.y
                """))
        .containsExactlyInAnyOrder("other", "cab");
  }

  @Test
  void aRenameTouchesBothSides() {
    assertThat(
            scope(
                """
                Rename (children 4)
                 Identifier cab
                 Identifier cells
                 Identifier other
                 Identifier c2
                """))
        .containsExactlyInAnyOrder("cab", "other");
    assertThat(scope("Rename (children 2)\n Identifier a\n Identifier b\n"))
        .containsExactly(CURRENT);
  }

  @Test
  void aViewTouchesItsOwnDatabaseAndEveryTableItsQueryReads() {
    assertThat(
            scope(
                """
                CreateQuery cab v (children 3)
                 Identifier cab
                 Identifier v
                 SelectWithUnionQuery (children 1)
                  ExpressionList (children 1)
                   SelectQuery (children 2)
                    ExpressionList (children 1)
                     Asterisk
                    TablesInSelectQuery (children 1)
                     TablesInSelectQueryElement (children 1)
                      TableExpression (children 1)
                       TableIdentifier other.secrets
                """))
        .containsExactlyInAnyOrder("cab", "other");
  }

  @Test
  void whatTheAstCannotScopeNeedsEveryDatabase() {
    // a materialized view's TO target is not in the AST
    assertThat(
            scope(
                """
                CreateQuery cab mv (children 4)
                 Identifier cab
                 Identifier mv
                 SelectWithUnionQuery (children 1)
                  ExpressionList (children 1)
                   SelectQuery (children 1)
                    ExpressionList (children 1)
                     Literal UInt64_1
                 ViewTargets
                """))
        .contains("*");
    // a dictionary's source may name any database
    assertThat(
            scope(
                """
                CreateQuery cab dd (children 4)
                 Identifier cab
                 Identifier dd
                 Dictionary definition (children 4)
                  FunctionWithKeyValueArguments  clickhouse (children 1)
                   ExpressionList (children 2)
                    pair (children 1)
                     Literal \\'secrets\\'
                """))
        .contains("*");
    // a table function that reads files
    assertThat(
            scope(
                """
                SelectWithUnionQuery (children 1)
                 ExpressionList (children 1)
                  SelectQuery (children 2)
                   ExpressionList (children 1)
                    Asterisk
                   TablesInSelectQuery (children 1)
                    TablesInSelectQueryElement (children 1)
                     TableExpression (children 1)
                      Function file (children 1)
                """))
        .containsExactly("*");
  }

  @Test
  void statementsThatNameNoDatabaseAreLeftToTheirPrivilege() {
    assertThat(scope("SYSTEM query\n")).isEmpty();
    assertThat(scope("GrantQuery\n")).isEmpty();
    assertThat(
            scope(
                """
                SelectWithUnionQuery (children 1)
                 ExpressionList (children 1)
                  SelectQuery (children 1)
                   ExpressionList (children 1)
                    Literal UInt64_1
                """))
        .isEmpty();
  }

  private static java.util.Set<String> scope(String ast) {
    return StatementScope.databases(ast, CURRENT);
  }
}
