package dev.cab.sink.clickhouse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the migrations' single-server DDL for a ClickHouse cluster ({@code
 * sink.clickhouse.cluster}; docs/OPERATIONS.md, "ClickHouse cluster"). Every table of the MergeTree
 * family becomes a {@code <name>_local} table of the Replicated engine of the same family (same
 * arguments, same {@code ORDER BY}, so the same version column and replacing key) on every node,
 * plus a Distributed table under the original name that the sink inserts into and every view and
 * query reads, sharded by a hash of the sort key (so every version of a row lands on one shard and
 * {@code FINAL} stays correct). Every DDL statement gets {@code ON CLUSTER <name>}.
 *
 * <p>With no cluster ({@link #NONE}) the statements are returned unchanged. A statement this class
 * does not know how to render stops with {@link IllegalArgumentException}, so a new migration of an
 * unknown shape fails its unit test instead of a production start-up.
 */
public final class ClusterDdl {
  /** Single server: the migrations as written. */
  public static final ClusterDdl NONE = new ClusterDdl("", Map.of());

  /** Suffix of the replicated storage table behind each Distributed table. */
  public static final String LOCAL_SUFFIX = "_local";

  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern CREATE_TABLE =
      Pattern.compile(
          "CREATE TABLE IF NOT EXISTS (\\w+)\\.(\\w+)(.*)", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern ENGINE =
      Pattern.compile("ENGINE = (\\w*)MergeTree(?:\\(([^)]*)\\))?");
  private static final Pattern ORDER_BY = Pattern.compile("ORDER BY (\\([^)]*\\)|\\w+)");
  private static final Pattern AS_TABLE = Pattern.compile("^\\s*AS (\\w+)\\.(\\w+)");
  private static final Pattern CREATE_DATABASE =
      Pattern.compile("CREATE DATABASE IF NOT EXISTS (\\w+)");
  private static final Pattern CREATE_VIEW =
      Pattern.compile(
          "(CREATE (?:OR REPLACE )?VIEW (?:IF NOT EXISTS )?\\w+\\.\\w+)( AS\\s.*)", Pattern.DOTALL);
  private static final Pattern ALTER_TABLE =
      Pattern.compile("ALTER TABLE (\\w+)\\.(\\w+)(\\s.*)", Pattern.DOTALL);
  private static final Pattern COLUMN_CHANGE =
      Pattern.compile("\\s*(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN\\b.*", Pattern.DOTALL);
  private static final Pattern DROP_TABLE = Pattern.compile("DROP TABLE IF EXISTS (\\w+)\\.(\\w+)");
  private static final Pattern EXCHANGE =
      Pattern.compile("EXCHANGE TABLES (\\w+)\\.(\\w+) AND (\\w+)\\.(\\w+)");
  private static final Pattern IN_SUBQUERY =
      Pattern.compile("(?<!GLOBAL )\\b((?:NOT )?IN \\(\\s*SELECT\\b)");
  private static final Pattern JOIN =
      Pattern.compile("(?<!GLOBAL )\\b((?:LEFT |RIGHT |FULL |INNER |CROSS )?(?:OUTER )?JOIN\\b)");
  private static final Pattern TABLE_NAME_LITERAL = Pattern.compile("\\b(name|table) = '(\\w+)'");

  private final String cluster;
  private final Map<String, String> shardingKeys;
  private final Set<String> tables;

  private ClusterDdl(String cluster, Map<String, String> shardingKeys) {
    this.cluster = cluster;
    this.shardingKeys = Map.copyOf(shardingKeys);
    this.tables = this.shardingKeys.keySet();
  }

  /**
   * The rendering for {@code cluster} ({@link #NONE} when blank).
   *
   * @param shardingKeys every table of the MergeTree family the migrations create, with its
   *     sharding key (see {@link #shardingKeys}): those become Replicated plus Distributed, and
   *     statements naming them are rendered accordingly even in a later migration
   * @throws IllegalArgumentException when the name is not a plain identifier
   */
  public static ClusterDdl forCluster(String cluster, Map<String, String> shardingKeys) {
    if (cluster == null || cluster.isBlank()) {
      return NONE;
    }
    if (!CLUSTER_NAME.matcher(cluster).matches()) {
      throw new IllegalArgumentException(
          "cluster name must be an identifier ([A-Za-z_][A-Za-z0-9_]*), not '" + cluster + "'");
    }
    return new ClusterDdl(cluster, shardingKeys);
  }

  /**
   * The MergeTree-family tables created by {@code statements} (already rendered for a database),
   * each with its sharding key: {@code cityHash64(<sort key>)}, so every version of a row lands on
   * one shard; a table created {@code AS} another (to replace it, say with a new sort key) shards
   * like that one, so rows copied into it and rows inserted later meet on the same shard.
   */
  public static Map<String, String> shardingKeys(Collection<String> statements) {
    Map<String, String> keys = new TreeMap<>();
    for (String sql : statements) {
      Matcher m = CREATE_TABLE.matcher(sql);
      if (!m.matches() || !ENGINE.matcher(m.group(3)).find()) {
        continue;
      }
      Matcher as = AS_TABLE.matcher(m.group(3));
      if (as.find() && keys.containsKey(as.group(2))) {
        keys.putIfAbsent(m.group(2), keys.get(as.group(2)));
        continue;
      }
      Matcher order = ORDER_BY.matcher(m.group(3));
      if (!order.find()) {
        throw new IllegalArgumentException("a MergeTree table without ORDER BY: " + m.group(2));
      }
      String key = order.group(1);
      keys.putIfAbsent(
          m.group(2),
          "cityHash64(" + (key.startsWith("(") ? key.substring(1, key.length() - 1) : key) + ")");
    }
    return keys;
  }

  public boolean isCluster() {
    return !cluster.isEmpty();
  }

  /** The statements for this cluster: unchanged for {@link #NONE}. */
  public List<String> render(List<String> statements) {
    if (!isCluster()) {
      return statements;
    }
    List<String> out = new ArrayList<>();
    for (String sql : statements) {
      out.addAll(render(sql));
    }
    return List.copyOf(out);
  }

  private List<String> render(String sql) {
    String onCluster = " ON CLUSTER " + cluster;
    Matcher m;
    if ((m = CREATE_DATABASE.matcher(sql)).matches()) {
      return List.of(sql + onCluster);
    }
    if ((m = CREATE_TABLE.matcher(sql)).matches()) {
      return createTable(m.group(1), m.group(2), m.group(3), sql);
    }
    if ((m = CREATE_VIEW.matcher(sql)).matches()) {
      return List.of(m.group(1) + onCluster + global(m.group(2)));
    }
    if ((m = ALTER_TABLE.matcher(sql)).matches()) {
      String db = m.group(1);
      String table = m.group(2);
      String rest = m.group(3);
      if (!tables.contains(table)) {
        return List.of("ALTER TABLE " + db + "." + table + onCluster + rest);
      }
      String local = "ALTER TABLE " + db + "." + table + LOCAL_SUFFIX + onCluster + rest;
      // Columns live in both tables; keys, indexes, TTLs and settings only in the storage one.
      return COLUMN_CHANGE.matcher(rest).matches()
          ? List.of(local, "ALTER TABLE " + db + "." + table + onCluster + rest)
          : List.of(local);
    }
    if ((m = DROP_TABLE.matcher(sql)).matches()) {
      String drop = "DROP TABLE IF EXISTS " + m.group(1) + "." + m.group(2) + onCluster + " SYNC";
      return tables.contains(m.group(2))
          ? List.of(
              drop,
              "DROP TABLE IF EXISTS "
                  + m.group(1)
                  + "."
                  + m.group(2)
                  + LOCAL_SUFFIX
                  + onCluster
                  + " SYNC")
          : List.of(drop);
    }
    if ((m = EXCHANGE.matcher(sql)).matches()) {
      // The Distributed tables point at their storage tables by name: swapping those is enough.
      return List.of(
          "EXCHANGE TABLES "
              + m.group(1)
              + "."
              + local(m.group(2))
              + " AND "
              + m.group(3)
              + "."
              + local(m.group(4))
              + onCluster);
    }
    if (sql.startsWith("SELECT") || sql.startsWith("INSERT")) {
      // Data goes through the Distributed tables unchanged; a condition that looks a table up in
      // system.tables (its sorting key, say) or system.mutations asks about the storage table.
      if (sql.contains("system.")) {
        Matcher n = TABLE_NAME_LITERAL.matcher(sql);
        StringBuilder s = new StringBuilder();
        while (n.find()) {
          n.appendReplacement(
              s, Matcher.quoteReplacement(n.group(1) + " = '" + local(n.group(2)) + "'"));
        }
        n.appendTail(s);
        return List.of(s.toString());
      }
      return List.of(global(sql));
    }
    throw new IllegalArgumentException(
        "cannot render this statement for a ClickHouse cluster (teach ClusterDdl its shape): "
            + sql.lines().findFirst().orElse(sql));
  }

  /**
   * {@code GLOBAL IN} / {@code GLOBAL JOIN}: a subquery over a Distributed table inside a query
   * over one runs once on the initiator and is sent to the shards (ClickHouse refuses the
   * double-distributed form by default, {@code distributed_product_mode = deny}).
   */
  private static String global(String sql) {
    String in = IN_SUBQUERY.matcher(sql).replaceAll("GLOBAL $1");
    return JOIN.matcher(in).replaceAll("GLOBAL $1");
  }

  private String local(String table) {
    return tables.contains(table) ? table + LOCAL_SUFFIX : table;
  }

  private List<String> createTable(String db, String table, String body, String sql) {
    Matcher engine = ENGINE.matcher(body);
    if (!engine.find()) {
      throw new IllegalArgumentException(
          "cannot render a table of another engine than the MergeTree family for a cluster: "
              + sql.lines().findFirst().orElse(sql));
    }
    String args =
        engine.group(2) == null || engine.group(2).isBlank() ? "" : ", " + engine.group(2);
    String replicated =
        "ENGINE = Replicated"
            + engine.group(1)
            + "MergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}'"
            + args
            + ")";
    String localBody =
        (body.substring(0, engine.start()) + replicated + body.substring(engine.end()))
            .replace("non_replicated_deduplication_window", "replicated_deduplication_window");
    Matcher as = AS_TABLE.matcher(localBody);
    if (as.find()) {
      localBody = " AS " + as.group(1) + "." + local(as.group(2)) + localBody.substring(as.end());
    }
    String shardingKey = shardingKeys.get(table);
    if (shardingKey == null) {
      shardingKey = shardingKeys(List.of(sql)).get(table);
    }
    String onCluster = " ON CLUSTER " + cluster;
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + db + "." + table + LOCAL_SUFFIX + onCluster + localBody,
        "CREATE TABLE IF NOT EXISTS "
            + db
            + "."
            + table
            + onCluster
            + " AS "
            + db
            + "."
            + table
            + LOCAL_SUFFIX
            + "\nENGINE = Distributed("
            + cluster
            + ", "
            + db
            + ", "
            + table
            + LOCAL_SUFFIX
            + ", "
            + shardingKey
            + ")");
  }
}
