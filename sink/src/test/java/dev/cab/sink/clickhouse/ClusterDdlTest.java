package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.sink.config.RetentionSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The migrations rendered for a ClickHouse cluster, statement by statement over every migration
 * (the embedded engine cannot run a cluster), and the single-server rendering unchanged.
 */
class ClusterDdlTest {
  private static final String DB = "cab";
  private static final String CLUSTER = "cab_cluster";
  private static final Map<String, String> PARAMETERS =
      RetentionSettings.defaults().migrationParameters();
  private static final Pattern CREATE_MERGE_TREE =
      Pattern.compile(
          "CREATE TABLE IF NOT EXISTS cab\\.(\\w+).*ENGINE = (\\w*)MergeTree(?:\\(([^)]*)\\))?"
              + ".*ORDER BY (\\([^)]*\\)|\\w+)",
          Pattern.DOTALL);

  private final List<Migrations.Migration> migrations = Migrations.load();

  @Test
  void singleServerRenderingIsTheMigrationsAsWritten() {
    ClusterDdl none = Migrations.clusterDdl("", DB, migrations, PARAMETERS);
    assertThat(none).isSameAs(ClusterDdl.NONE);
    for (Migrations.Migration m : migrations) {
      List<String> written = m.statements(DB, PARAMETERS);
      assertThat(none.render(written)).as(m.name()).isEqualTo(written);
    }
  }

  @Test
  void everyStatementOfEveryMigrationRendersOnTheCluster() {
    ClusterDdl ddl = Migrations.clusterDdl(CLUSTER, DB, migrations, PARAMETERS);
    for (Migrations.Migration m : migrations) {
      List<String> rendered = ddl.render(m.statements(DB, PARAMETERS));
      for (String sql : rendered) {
        if (sql.matches("(?s)^(CREATE|ALTER|DROP|EXCHANGE|RENAME).*")) {
          assertThat(sql).as(m.name()).contains(" ON CLUSTER " + CLUSTER);
        }
        // No table of the MergeTree family is left unreplicated.
        assertThat(sql).as(m.name()).doesNotContainPattern("ENGINE = (?!Replicated)\\w*MergeTree");
        assertThat(sql).as(m.name()).doesNotContain("non_replicated_deduplication_window");
      }
    }
  }

  @Test
  void everyMergeTreeTableBecomesReplicatedWithTheSameKeyBehindADistributedTable() {
    ClusterDdl ddl = Migrations.clusterDdl(CLUSTER, DB, migrations, PARAMETERS);
    List<String> tables = new ArrayList<>();
    Map<String, String> keys = new java.util.HashMap<>();
    for (Migrations.Migration m : migrations) {
      for (String sql : m.statements(DB, PARAMETERS)) {
        Matcher written = CREATE_MERGE_TREE.matcher(sql);
        if (!written.find()) {
          continue;
        }
        String table = written.group(1);
        tables.add(table);
        String args = written.group(3) == null ? "" : ", " + written.group(3);
        List<String> rendered = ddl.render(List.of(sql));
        assertThat(rendered).as(table).hasSize(2);
        assertThat(rendered.get(0))
            .startsWith("CREATE TABLE IF NOT EXISTS cab." + table + "_local ON CLUSTER " + CLUSTER)
            .contains(
                "ENGINE = Replicated"
                    + written.group(2)
                    + "MergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}'"
                    + args
                    + ")")
            .contains("ORDER BY " + written.group(4));
        // A table created AS another (to replace it) shards like that one.
        Matcher as =
            Pattern.compile("^CREATE TABLE IF NOT EXISTS cab\\.\\w+ AS cab\\.(\\w+)").matcher(sql);
        String key =
            as.find() ? keys.get(as.group(1)) : written.group(4).replaceAll("^\\((.*)\\)$", "$1");
        keys.put(table, key);
        assertThat(rendered.get(1))
            .isEqualTo(
                "CREATE TABLE IF NOT EXISTS cab."
                    + table
                    + " ON CLUSTER cab_cluster AS cab."
                    + table
                    + "_local\nENGINE = Distributed(cab_cluster, cab, "
                    + table
                    + "_local, cityHash64("
                    + key
                    + "))");
      }
    }
    assertThat(tables)
        .contains("cells", "spans", "score_events", "alerts", "sweep_plans", "model_prices");
  }

  @Test
  void cellsKeepTheirVersionColumnAndShardByCell() {
    List<String> rendered =
        Migrations.clusterDdl(CLUSTER, DB, migrations, PARAMETERS)
            .render(migrations.getFirst().statements(DB, PARAMETERS));
    assertThat(rendered.getFirst())
        .isEqualTo("CREATE DATABASE IF NOT EXISTS cab ON CLUSTER " + CLUSTER);
    assertThat(rendered)
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains(
                        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/{shard}',"
                            + " '{replica}', version)\nORDER BY cell_id\n"
                            + "SETTINGS replicated_deduplication_window = 1000"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .endsWith("Distributed(cab_cluster, cab, cells_local, cityHash64(cell_id))"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith(
                        "CREATE VIEW IF NOT EXISTS cab.cells_latest ON CLUSTER cab_cluster AS")
                    .contains("FROM cab.cells FINAL"));
  }

  @Test
  void columnChangesReachBothTablesAndStorageChangesOnlyTheReplicatedOne() {
    ClusterDdl ddl =
        ClusterDdl.forCluster(
            CLUSTER, Map.of("cells", "cityHash64(cell_id)", "spans", "cityHash64(cell_id)"));
    assertThat(
            ddl.render(
                List.of(
                    "ALTER TABLE cab.cells ADD COLUMN IF NOT EXISTS outcome String DEFAULT ''")))
        .containsExactly(
            "ALTER TABLE cab.cells_local ON CLUSTER cab_cluster ADD COLUMN IF NOT EXISTS outcome"
                + " String DEFAULT ''",
            "ALTER TABLE cab.cells ON CLUSTER cab_cluster ADD COLUMN IF NOT EXISTS outcome String"
                + " DEFAULT ''");
    assertThat(ddl.render(List.of("ALTER TABLE cab.spans MODIFY TTL toDateTime(inserted_at)")))
        .containsExactly(
            "ALTER TABLE cab.spans_local ON CLUSTER cab_cluster MODIFY TTL toDateTime(inserted_at)");
    assertThat(ddl.render(List.of("EXCHANGE TABLES cab.cells AND cab.cells_v8")))
        .containsExactly("EXCHANGE TABLES cab.cells_local AND cab.cells_v8 ON CLUSTER cab_cluster");
    assertThat(ddl.render(List.of("DROP TABLE IF EXISTS cab.spans")))
        .containsExactly(
            "DROP TABLE IF EXISTS cab.spans ON CLUSTER cab_cluster SYNC",
            "DROP TABLE IF EXISTS cab.spans_local ON CLUSTER cab_cluster SYNC");
    assertThat(
            ddl.render(
                List.of(
                    "SELECT count() FROM system.tables WHERE database = 'cab' AND name = 'cells'")))
        .containsExactly(
            "SELECT count() FROM system.tables WHERE database = 'cab' AND name = 'cells_local'");
  }

  @Test
  void theSortKeyMigrationSwapsTheStorageTablesAndKeepsTheSharding() {
    ClusterDdl ddl = Migrations.clusterDdl(CLUSTER, DB, migrations, PARAMETERS);
    List<String> rendered = new ArrayList<>();
    for (Migrations.Migration m : migrations) {
      rendered.addAll(ddl.render(m.statements(DB, PARAMETERS)));
    }
    assertThat(rendered)
        .contains(
            "CREATE TABLE IF NOT EXISTS cab.cells_v008 ON CLUSTER cab_cluster AS cab.cells_v008_local"
                + "\nENGINE = Distributed(cab_cluster, cab, cells_v008_local, cityHash64(cell_id))",
            "EXCHANGE TABLES cab.cells_local AND cab.cells_v008_local ON CLUSTER cab_cluster")
        .anySatisfy(s -> assertThat(s).contains("AND name = 'cells_local' AND sorting_key"))
        .anySatisfy(
            s -> assertThat(s).contains("FROM system.mutations").contains("table = 'spans_local'"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith("INSERT INTO cab.cells\nSELECT * FROM cab.cells_v008")
                    .contains("GLOBAL NOT IN (SELECT cell_id, version FROM cab.cells)"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith("CREATE VIEW IF NOT EXISTS cab.alerts_active ON CLUSTER")
                    .contains("GLOBAL IN ("))
        .anySatisfy(s -> assertThat(s).contains("GLOBAL LEFT JOIN cab.current_model_prices"));
  }

  @Test
  void unknownShapesAndBadNamesStopWithOneClearMessage() {
    ClusterDdl ddl = ClusterDdl.forCluster(CLUSTER, Map.of("cells", "cityHash64(cell_id)"));
    assertThatThrownBy(() -> ddl.render(List.of("RENAME TABLE cab.cells TO cab.old_cells")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot render this statement for a ClickHouse cluster")
        .hasMessageContaining("RENAME TABLE cab.cells");
    assertThatThrownBy(
            () ->
                ddl.render(
                    List.of("CREATE TABLE IF NOT EXISTS cab.buffer (x UInt8) ENGINE = Memory")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MergeTree family");
    assertThatThrownBy(() -> ClusterDdl.forCluster("cab; DROP", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster name must be an identifier");
  }
}
