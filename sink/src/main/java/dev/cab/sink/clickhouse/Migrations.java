package dev.cab.sink.clickhouse;

import dev.cab.sink.config.RetentionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: {@code dev/cab/sink/migrations/V001__init.sql}, {@code V002__...}
 * (numbered without gaps) applied in order, each recorded in {@code <database>.schema_migrations}
 * with a checksum of its text.
 *
 * <p>Promises: applying twice changes nothing (applied versions are skipped and every statement is
 * idempotent by rule); a migration whose text changed after it was applied stops start-up with
 * {@link MigrationException}. Two sinks starting at once may both run a pending migration; because
 * its statements are idempotent and {@code schema_migrations} is a ReplacingMergeTree keyed by
 * version, the outcome is the same as one run. ClickHouse has no DDL transactions, so that is as
 * far as safety can go without an external lock.
 *
 * <p>Parameters: besides {@code ${database}}, a migration may name parameters such as {@code
 * ${spans_ttl_days}} whose values come from settings (the retention TTLs). The checksum covers the
 * text with the names, so changing a setting is not an edit; instead a parameterised migration is
 * applied again (its statements are idempotent too) whenever the values it uses differ from those
 * recorded in {@code schema_migrations.parameters} when it last ran. A name without a value stops
 * start-up with {@link MigrationException}.
 *
 * <p>Conditions: a statement that starts with {@code SELECT} is not executed but evaluated; when
 * its first value is 0 (or it returns no row) the statements up to the next condition are skipped.
 * This keeps a migration that cannot be idempotent statement by statement (V008 swaps a table) safe
 * to run again after it died half-way.
 *
 * <p>Lock: pending migrations are applied while holding {@code <database>.schema_migrations_lock},
 * a table whose creation is the test-and-set (ClickHouse refuses to create a table that exists), so
 * two sinks starting at once apply them one after the other. A lock left by a process of this host
 * that no longer runs is broken at once; one held longer than {@link #LOCK_TIMEOUT} by another host
 * stops start-up with a message saying how to release it.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** Where the migration files live on the classpath. */
  public static final String RESOURCE_DIR = "/dev/cab/sink/migrations/";

  private static final Pattern FILE_NAME = Pattern.compile("V(\\d{3})__([a-z0-9_]+)\\.sql");

  private static final Pattern PARAMETER = Pattern.compile("\\$\\{([a-z0-9_]+)}");

  /** How long a sink waits for another one's migrations before it gives up. */
  public static final Duration LOCK_TIMEOUT = Duration.ofMinutes(10);

  private static final Duration LOCK_POLL = Duration.ofMillis(200);

  /** ClickHouse's TABLE_ALREADY_EXISTS. */
  private static final int TABLE_ALREADY_EXISTS = 57;

  /**
   * One migration file.
   *
   * @param version its number
   * @param name the file name
   * @param sql its text, {@code ${database}} not yet replaced
   * @param checksum SHA-256 of the text, hex
   */
  public record Migration(int version, String name, String sql, String checksum) {

    /** The statements of this migration for a database, in order. */
    public List<String> statements(String database) {
      return statements(database, Map.of());
    }

    /**
     * The statements with {@code ${database}} and every parameter replaced.
     *
     * @throws MigrationException when the text names a parameter that has no value
     */
    public List<String> statements(String database, Map<String, String> parameters) {
      Map<String, String> values = new TreeMap<>(parameters);
      values.put("database", database);
      Matcher m = PARAMETER.matcher(sql);
      StringBuilder out = new StringBuilder(sql.length());
      while (m.find()) {
        String value = values.get(m.group(1));
        if (value == null) {
          throw new MigrationException(
              "migration %s uses ${%s}, which has no value (known: %s)"
                  .formatted(name, m.group(1), values.keySet()));
        }
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      return SqlScripts.split(out.toString());
    }

    /**
     * The values of the parameters this migration uses, as recorded in {@code
     * schema_migrations.parameters} ({@code name=value} sorted, comma-separated; empty when it uses
     * none but {@code ${database}}).
     */
    public String parameterValues(Map<String, String> parameters) {
      Map<String, String> used = new TreeMap<>();
      Matcher m = PARAMETER.matcher(sql);
      while (m.find()) {
        if (!m.group(1).equals("database")) {
          used.put(m.group(1), parameters.getOrDefault(m.group(1), ""));
        }
      }
      StringBuilder out = new StringBuilder();
      used.forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
      return out.toString();
    }
  }

  private Migrations() {}

  /**
   * The migrations on the classpath, in order: {@code V001__*.sql}, {@code V002__*.sql}, ... as
   * listed in {@code index.txt} next to them (a classpath directory cannot be listed portably:
   * shaded jar, IDE, tests). Numbers must run without gaps.
   */
  public static List<Migration> load() {
    List<Migration> result = new ArrayList<>();
    String index = read(RESOURCE_DIR + "index.txt");
    if (index == null) {
      throw new IllegalStateException(RESOURCE_DIR + "index.txt is not on the classpath");
    }
    int expected = 1;
    for (String line : index.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = FILE_NAME.matcher(line);
      if (!m.matches()) {
        throw new IllegalStateException("bad migration file name in index.txt: " + line);
      }
      int version = Integer.parseInt(m.group(1));
      if (version != expected) {
        throw new IllegalStateException(
            "migrations must be numbered without gaps: expected V%03d, found %s"
                .formatted(expected, line));
      }
      String sql = read(RESOURCE_DIR + line);
      if (sql == null) {
        throw new IllegalStateException(
            "index.txt lists " + line + " but it is not on the classpath");
      }
      result.add(new Migration(version, line, sql, sha256(sql)));
      expected++;
    }
    return List.copyOf(result);
  }

  /**
   * Applies every pending migration to {@code database}, with the default retention ({@link
   * RetentionSettings#defaults()}).
   *
   * @return the versions applied now (empty when the schema was up to date)
   * @throws SQLException when ClickHouse fails a statement
   * @throws MigrationException when an applied migration's text changed
   */
  public static List<Integer> apply(Connection connection, String database) throws SQLException {
    return apply(connection, database, RetentionSettings.defaults().migrationParameters());
  }

  /**
   * Applies every pending migration to {@code database}, and applies again every parameterised one
   * whose parameter values changed since it last ran.
   *
   * @param parameters values of the {@code ${name}} parameters the migrations use
   * @return the versions applied now (empty when the schema was up to date)
   * @throws SQLException when ClickHouse fails a statement
   * @throws MigrationException when an applied migration's text changed or a parameter is missing
   */
  public static List<Integer> apply(
      Connection connection, String database, Map<String, String> parameters) throws SQLException {
    return apply(connection, database, load(), parameters, "");
  }

  /**
   * As {@link #apply(Connection, String, Map)}, rendered for the ClickHouse cluster {@code cluster}
   * ({@link ClusterDdl}; blank = a single server, the statements as written).
   */
  public static List<Integer> apply(
      Connection connection, String database, Map<String, String> parameters, String cluster)
      throws SQLException {
    return apply(connection, database, load(), parameters, cluster);
  }

  /**
   * The rendering of the migrations for {@code cluster} (blank = single server): knows every table
   * the migrations create, so a later migration's statements about an earlier table render right.
   */
  public static ClusterDdl clusterDdl(
      String cluster, String database, List<Migration> migrations, Map<String, String> parameters) {
    if (cluster == null || cluster.isBlank()) {
      return ClusterDdl.NONE;
    }
    List<String> all = new ArrayList<>();
    all.add(schemaMigrationsTable(database));
    for (Migration m : migrations) {
      all.addAll(m.statements(database, parameters));
    }
    return ClusterDdl.forCluster(cluster, ClusterDdl.shardingKeys(all));
  }

  static List<Integer> apply(Connection connection, String database, List<Migration> migrations)
      throws SQLException {
    return apply(
        connection, database, migrations, RetentionSettings.defaults().migrationParameters());
  }

  static List<Integer> apply(
      Connection connection,
      String database,
      List<Migration> migrations,
      Map<String, String> parameters)
      throws SQLException {
    return apply(connection, database, migrations, parameters, "");
  }

  static List<Integer> apply(
      Connection connection,
      String database,
      List<Migration> migrations,
      Map<String, String> parameters,
      String cluster)
      throws SQLException {
    ClusterDdl ddl = clusterDdl(cluster, database, migrations, parameters);
    try (Statement st = connection.createStatement()) {
      for (String sql :
          ddl.render(
              List.of(
                  "CREATE DATABASE IF NOT EXISTS " + database,
                  schemaMigrationsTable(database),
                  // Added with the first parameterised migration (V002); idempotent like every
                  // statement.
                  "ALTER TABLE %s.schema_migrations ADD COLUMN IF NOT EXISTS parameters String DEFAULT ''"
                      .formatted(database)))) {
        st.execute(sql);
      }
      if (pending(st, database, migrations, parameters)) {
        synchronized (IN_PROCESS) {
          lock(st, database);
          try {
            return applyPending(connection, st, database, migrations, parameters, ddl);
          } finally {
            st.execute("DROP TABLE IF EXISTS " + database + "." + LOCK_TABLE);
          }
        }
      }
      return List.of();
    }
  }

  /**
   * Threads of one JVM take the lock one at a time, so a lock naming this JVM (host and pid) found
   * while taking it is stale: e.g. left by an earlier container that had the same pid.
   */
  private static final Object IN_PROCESS = new Object();

  /** The lock table's name. */
  static final String LOCK_TABLE = "schema_migrations_lock";

  /**
   * Whether any migration needs to run (checked before taking the lock: a start-up that has nothing
   * to do never waits).
   */
  private static boolean pending(
      Statement st, String database, List<Migration> migrations, Map<String, String> parameters)
      throws SQLException {
    Map<Integer, String> applied = applied(st, database);
    Map<Integer, String> appliedParameters = appliedParameters(st, database);
    for (Migration m : migrations) {
      String checksum = applied.get(m.version());
      if (checksum == null
          || !checksum.equals(m.checksum())
          || !m.parameterValues(parameters)
              .equals(appliedParameters.getOrDefault(m.version(), ""))) {
        return true;
      }
    }
    return false;
  }

  private static List<Integer> applyPending(
      Connection connection,
      Statement st,
      String database,
      List<Migration> migrations,
      Map<String, String> parameters,
      ClusterDdl ddl)
      throws SQLException {
    {
      // read again under the lock: another sink may have applied them while this one waited
      Map<Integer, String> applied = applied(st, database);
      Map<Integer, String> appliedParameters = appliedParameters(st, database);
      List<Integer> done = new ArrayList<>();
      for (Migration m : migrations) {
        String checksum = applied.get(m.version());
        if (checksum != null) {
          if (!checksum.equals(m.checksum())) {
            throw new MigrationException(
                "migration %s was changed after it was applied to %s (checksum %s, applied %s): add a new migration instead"
                    .formatted(m.name(), database, m.checksum(), checksum));
          }
          String values = m.parameterValues(parameters);
          if (values.equals(appliedParameters.getOrDefault(m.version(), ""))) {
            continue;
          }
          LOG.info(
              "Applying schema migration {} to database {} again: its parameters changed to {}",
              m.name(),
              database,
              values);
        } else {
          LOG.info("Applying schema migration {} to database {}", m.name(), database);
        }
        boolean skipping = false;
        for (String sql : ddl.render(m.statements(database, parameters))) {
          if (isCondition(sql)) {
            skipping = !holds(st, sql);
          } else if (!skipping) {
            st.execute(sql);
          }
        }
        try (var ps =
            connection.prepareStatement(
                "INSERT INTO "
                    + database
                    + ".schema_migrations (version, name, checksum, applied_by, parameters)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
          ps.setInt(1, m.version());
          ps.setString(2, m.name());
          ps.setString(3, m.checksum());
          ps.setString(4, "cab-sink " + ProcessHandle.current().pid());
          ps.setString(5, m.parameterValues(parameters));
          ps.executeUpdate();
        }
        done.add(m.version());
      }
      return List.copyOf(done);
    }
  }

  /** Whether a migration statement is a condition: it starts with {@code SELECT}. */
  static boolean isCondition(String sql) {
    return sql.regionMatches(true, 0, "SELECT", 0, 6)
        && (sql.length() == 6 || Character.isWhitespace(sql.charAt(6)));
  }

  private static boolean holds(Statement st, String condition) throws SQLException {
    try (ResultSet rs = st.executeQuery(condition)) {
      return rs.next() && rs.getLong(1) != 0;
    }
  }

  /**
   * Takes the migration lock: creates the lock table (ClickHouse refuses a table that exists) and
   * records who holds it; waits while another process holds it.
   */
  private static void lock(Statement st, String database) throws SQLException {
    String table = database + "." + LOCK_TABLE;
    String me = holder();
    long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
    boolean logged = false;
    while (true) {
      try {
        st.execute("CREATE TABLE " + table + " (x UInt8) ENGINE = Memory COMMENT '" + me + "'");
        return;
      } catch (SQLException e) {
        if (ClickHouseErrors.serverCode(e).orElse(-1) != TABLE_ALREADY_EXISTS) {
          throw e;
        }
      }
      String held = lockHolder(st, database);
      if (held != null && (held.equals(me) || holderIsGone(held))) {
        LOG.warn("Breaking the schema migration lock of {}, which no longer runs", held);
        st.execute("DROP TABLE IF EXISTS " + table);
        continue;
      }
      if (System.nanoTime() > deadline) {
        throw new MigrationException(
            ("another process (%s) has held the schema migration lock of %s for over %s: if it is"
                    + " gone, DROP TABLE %s and start again")
                .formatted(held, database, LOCK_TIMEOUT, table));
      }
      if (!logged) {
        LOG.info("Waiting for {} to finish the schema migrations of {}", held, database);
        logged = true;
      }
      try {
        Thread.sleep(LOCK_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MigrationException("interrupted while waiting for the schema migration lock");
      }
    }
  }

  /** {@code host pid}: who holds the lock. */
  static String holder() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown-host";
    }
    return host.replace("'", "") + " " + ProcessHandle.current().pid();
  }

  /** A holder on this host whose process is no longer alive. */
  static boolean holderIsGone(String held) {
    String[] parts = held.split(" ");
    if (parts.length != 2 || !holder().split(" ")[0].equals(parts[0])) {
      return false;
    }
    try {
      long pid = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String lockHolder(Statement st, String database) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT comment FROM system.tables WHERE database = '"
                + database
                + "' AND name = '"
                + LOCK_TABLE
                + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static String schemaMigrationsTable(String database) {
    return """
        CREATE TABLE IF NOT EXISTS %s.schema_migrations
        (
            version    UInt32,
            name       String,
            checksum   String,
            applied_by String,
            applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
        )
        ENGINE = ReplacingMergeTree
        ORDER BY version
        """
        .formatted(database);
  }

  /** Applied versions and their checksums. */
  public static Map<Integer, String> applied(Connection connection, String database)
      throws SQLException {
    try (Statement st = connection.createStatement()) {
      return applied(st, database);
    }
  }

  private static Map<Integer, String> applied(Statement st, String database) throws SQLException {
    Map<Integer, String> result = new HashMap<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT version, argMax(checksum, applied_at) FROM "
                + database
                + ".schema_migrations GROUP BY version")) {
      while (rs.next()) {
        result.put(rs.getInt(1), rs.getString(2));
      }
    }
    return result;
  }

  /** The parameter values each applied migration last ran with. */
  private static Map<Integer, String> appliedParameters(Statement st, String database)
      throws SQLException {
    Map<Integer, String> result = new HashMap<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT version, argMax(parameters, applied_at) FROM "
                + database
                + ".schema_migrations GROUP BY version")) {
      while (rs.next()) {
        result.put(rs.getInt(1), rs.getString(2));
      }
    }
    return result;
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The schema cannot be brought up to date safely. */
  public static final class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
      super(message);
    }
  }
}
