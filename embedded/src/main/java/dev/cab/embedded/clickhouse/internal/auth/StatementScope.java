package dev.cab.embedded.clickhouse.internal.auth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The databases a statement touches, read from the engine's own {@code EXPLAIN AST} of it, so that
 * {@link Grants} are checked against the database each part of the statement names rather than the
 * request's current database. {@code *} stands for "every database": statements that reach outside
 * the engine or that no database scopes need a grant on {@code *.*}.
 *
 * <ul>
 *   <li>every table read ({@code TableIdentifier}, in SELECTs, subqueries, joins, views' queries
 *       and multi-table DROPs), unqualified names in the current database;
 *   <li>the target of a DDL statement, from the first line of its AST: {@code CreateQuery db t},
 *       {@code DropQuery db } (a database), {@code AlterQuery t} (the current database), and both
 *       sides of a {@code RENAME}/{@code EXCHANGE};
 *   <li>{@code *} for table functions that reach outside the engine (file, url, remote, s3...), for
 *       dictionaries (their source may name any database), for materialized views (their {@code TO}
 *       target is not in the AST).
 * </ul>
 *
 * An empty answer means the statement names no database: {@code SELECT 1}, but also {@code SYSTEM},
 * {@code KILL} or {@code GRANT}, which the caller scopes by their privilege.
 */
public final class StatementScope {
  /** Table functions that read no data from outside the engine. */
  private static final Set<String> HARMLESS_TABLE_FUNCTIONS =
      Set.of("numbers", "numbers_mt", "zeros", "zeros_mt", "one", "values", "null");

  /** Statements whose AST's first line names their database and table. */
  private static final Set<String> DDL_NODES =
      Set.of(
          "CreateQuery",
          "DropQuery",
          "UndropQuery",
          "TruncateQuery",
          "AlterQuery",
          "OptimizeQuery",
          "DetachQuery",
          "AttachQuery",
          "CheckQuery");

  private static final Pattern HEADER = Pattern.compile("^(\\S+)(.*?)(?: \\(children \\d+\\))?$");
  private static final Pattern TABLE = Pattern.compile("^\\s*TableIdentifier\\s+(\\S+)");
  private static final Pattern FUNCTION = Pattern.compile("^\\s*Function\\s+(\\w+)");
  private static final Pattern TOP_IDENTIFIER = Pattern.compile("^ Identifier (\\S+)$");

  private StatementScope() {}

  /**
   * The databases the statement whose {@code EXPLAIN AST} is {@code ast} touches.
   *
   * @param current the request's current database, for unqualified names
   */
  public static Set<String> databases(String ast, String current) {
    List<String> lines = ast.lines().filter(l -> !l.isBlank()).toList();
    Set<String> databases = new LinkedHashSet<>();
    if (lines.isEmpty()) {
      return databases;
    }
    String previous = "";
    for (String line : lines) {
      Matcher table = TABLE.matcher(line);
      if (table.find()) {
        databases.add(databaseOf(table.group(1), current));
      }
      Matcher function = FUNCTION.matcher(line);
      if (previous.contains("TableExpression")
          && function.find()
          && !HARMLESS_TABLE_FUNCTIONS.contains(function.group(1))) {
        databases.add("*");
      }
      if (line.strip().equals("ViewTargets")
          || line.strip().startsWith("FunctionWithKeyValueArguments")) {
        databases.add("*");
      }
      previous = line;
    }
    Matcher header = HEADER.matcher(lines.getFirst());
    String node = header.matches() ? header.group(1) : "";
    if (DDL_NODES.contains(node)) {
      // "CreateQuery db t", "CreateQuery t", "DropQuery db " (a database), "DropQuery   " (tables
      // listed as TableIdentifiers below)
      String[] names =
          header.group(2).isEmpty() ? new String[0] : header.group(2).substring(1).split(" ", -1);
      boolean allEmpty = String.join("", names).isEmpty();
      if (names.length == 1 && !names[0].isEmpty()) {
        databases.add(current);
      } else if (names.length == 2 && !names[0].isEmpty()) {
        databases.add(names[0]);
      } else if (!allEmpty || databases.isEmpty()) {
        databases.add("*");
      }
    } else if (node.equals("Rename")) {
      List<String> identifiers =
          lines.stream()
              .map(TOP_IDENTIFIER::matcher)
              .filter(Matcher::matches)
              .map(m -> m.group(1))
              .toList();
      if (identifiers.size() == 4) {
        databases.add(identifiers.get(0));
        databases.add(identifiers.get(2));
      } else if (identifiers.size() == 2) {
        databases.add(current);
      } else {
        databases.add("*");
      }
    }
    return databases;
  }

  private static String databaseOf(String qualified, String current) {
    int dot = qualified.indexOf('.');
    return dot < 0 ? current : qualified.substring(0, dot);
  }
}
