package dev.cab.embedded.clickhouse.internal.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's privileges from the {@code <grants><query>GRANT ... ON db.*</query></grants>} element of
 * a ClickHouse users file (the same syntax a real server reads). The embedded engine runs every
 * query as one internal user, so the HTTP layer checks these itself, at database granularity:
 * {@code GRANT SELECT, INSERT ON cab.*}, {@code GRANT ALL ON *.*}. Privileges are statement
 * keywords ({@code SELECT}, {@code INSERT}, {@code CREATE}, {@code DROP}, {@code ALTER}, {@code
 * TRUNCATE}, ...) or {@code ALL}. Immutable.
 */
public final class Grants {
  private static final Pattern GRANT =
      Pattern.compile(
          "(?is)\\s*GRANT\\s+(.+?)\\s+ON\\s+([`\"]?[\\w*]+[`\"]?)\\.(?:[`\"]?[\\w*]+[`\"]?)\\s*;?\\s*");

  /** One grant: these privileges on this database ({@code *} for every database). */
  private record Grant(Set<String> privileges, String database) {}

  private final List<Grant> grants;

  private Grants(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /**
   * Parses GRANT statements.
   *
   * @throws IllegalArgumentException for a statement this subset does not understand
   */
  public static Grants parse(List<String> statements) {
    List<Grant> grants = new ArrayList<>();
    for (String statement : statements) {
      Matcher m = GRANT.matcher(statement);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "not a 'GRANT <privileges> ON <database>.*' statement: " + statement.strip());
      }
      Set<String> privileges = new LinkedHashSet<>();
      for (String p : m.group(1).split(",")) {
        privileges.add(p.strip().toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
      }
      grants.add(new Grant(privileges, m.group(2).replace("`", "").replace("\"", "")));
    }
    return new Grants(grants);
  }

  /** Whether {@code privilege} (a statement keyword) is granted on {@code database}. */
  public boolean allows(String privilege, String database) {
    for (Grant g : grants) {
      if ((g.database().equals("*") || g.database().equals(database))
          && (g.privileges().contains("ALL") || g.privileges().contains(privilege))) {
        return true;
      }
    }
    return false;
  }
}
