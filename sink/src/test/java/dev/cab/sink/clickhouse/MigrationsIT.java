package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.sink.config.RetentionSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Schema migrations against the real embedded ClickHouse. */
@ExtendWith(ClickHouseExtension.class)
class MigrationsIT {
  /** Every migration version on the classpath. */
  private static final List<Integer> ALL =
      Migrations.load().stream().map(Migrations.Migration::version).toList();

  private final ClickHouseTestServer clickhouse;

  MigrationsIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  private Connection connect() throws Exception {
    Properties p = new Properties();
    p.setProperty("user", clickhouse.user());
    p.setProperty("password", clickhouse.password());
    return DriverManager.getConnection("jdbc:clickhouse:" + clickhouse.url(), p);
  }

  @Test
  void appliesOnceAndIsIdempotent() throws Exception {
    String db = clickhouse.database();
    try (Connection c = connect()) {
      // when applied twice
      List<Integer> first = Migrations.apply(c, db);
      List<Integer> second = Migrations.apply(c, db);

      // then the second run does nothing
      assertThat(first).containsExactlyElementsOf(ALL);
      assertThat(second).isEmpty();
      assertThat(Migrations.applied(c, db)).containsOnlyKeys(ALL);
    }
    assertThat(clickhouse.query("SELECT count() FROM schema_migrations FINAL").strip())
        .isEqualTo(Integer.toString(ALL.size()));
    // V005: the outcome columns, also through the view (it selects * at query time)
    assertThat(
            clickhouse
                .query(
                    "SELECT name, type FROM system.columns WHERE database = currentDatabase()"
                        + " AND table = 'cells_latest' AND name LIKE 'outcome%' ORDER BY name")
                .strip()
                .lines())
        .containsExactly("outcome\tLowCardinality(String)", "outcome_reason\tString");
    assertThat(
            clickhouse
                .query(
                    "SELECT name, engine FROM system.tables WHERE database = currentDatabase()"
                        + " ORDER BY name")
                .strip()
                .lines())
        .contains(
            "alerts\tReplacingMergeTree",
            "alerts_active\tView",
            "cells\tReplacingMergeTree",
            "cells_latest\tView",
            "schema_migrations\tReplacingMergeTree",
            "score_events\tReplacingMergeTree",
            "spans\tReplacingMergeTree");
  }

  @Test
  void twoSinksStartingAtOnceEndWithOneSchema() throws Exception {
    String db = clickhouse.database() + "_race";
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<List<Integer>> apply =
          () -> {
            try (Connection c = connect()) {
              return Migrations.apply(c, db);
            }
          };
      Future<List<Integer>> a = pool.submit(apply);
      Future<List<Integer>> b = pool.submit(apply);
      assertThat(a.get()).isSubsetOf(ALL);
      assertThat(b.get()).isSubsetOf(ALL);
      try (Connection c = connect()) {
        assertThat(Migrations.apply(c, db)).isEmpty();
        assertThat(Migrations.applied(c, db)).containsOnlyKeys(ALL);
      }
    } finally {
      pool.shutdown();
      clickhouse.queryIn("default", "DROP DATABASE IF EXISTS " + db);
    }
  }

  @Test
  void refusesAMigrationChangedAfterItWasApplied() throws Exception {
    String db = clickhouse.database() + "_edited";
    try (Connection c = connect()) {
      Migrations.apply(c, db);
      Migrations.Migration original = Migrations.load().getFirst();
      Migrations.Migration edited =
          new Migrations.Migration(
              original.version(), original.name(), original.sql() + "\n-- edited", "0".repeat(64));
      assertThatThrownBy(() -> Migrations.apply(c, db, List.of(edited)))
          .isInstanceOf(Migrations.MigrationException.class)
          .hasMessageContaining("V001__init.sql was changed after it was applied");
    } finally {
      clickhouse.queryIn("default", "DROP DATABASE IF EXISTS " + db);
    }
  }

  @Test
  void v008SortsCellsBySweepKeepingEveryRowAndAPerSweepQueryUsesTheKey() throws Exception {
    String db = clickhouse.database() + "_v008";
    try (Connection c = connect()) {
      // given a database at V007 with cells of two sweeps, one of them in two versions
      Migrations.apply(c, db, Migrations.load().subList(0, 7));
      insertCells(db);

      // when
      List<Integer> applied = Migrations.apply(c, db);

      // then
      assertThat(applied).contains(8);
      assertV008(db);
    } finally {
      clickhouse.queryIn("default", "DROP DATABASE IF EXISTS " + db);
    }
  }

  @Test
  void v008RunsAgainAfterTheSinkDiedBetweenTheSwapAndTheDrop() throws Exception {
    String db = clickhouse.database() + "_v008_rerun";
    try (Connection c = connect();
        var st = c.createStatement()) {
      // given V008 applied up to its EXCHANGE, the sink gone before the rest and the record
      Migrations.apply(c, db, Migrations.load().subList(0, 7));
      insertCells(db);
      Migrations.Migration v008 = Migrations.load().get(7);
      for (String sql : v008.statements(db, RetentionSettings.defaults().migrationParameters())) {
        if (!Migrations.isCondition(sql)) {
          st.execute(sql);
        }
        if (sql.startsWith("EXCHANGE")) {
          break;
        }
      }
      // and a row another sink inserted into the old table during the copy
      clickhouse.queryIn(
          db,
          "INSERT INTO cells_v008 (cell_id, sweep_id, version, updated_at)"
              + " VALUES ('b/3', 'b', 1, now64(3))");

      // when the next start applies it again
      Migrations.apply(c, db);

      // then the swap is not undone, the late row is carried over, the old table is gone
      assertV008(db);
      assertThat(clickhouse.queryIn(db, "SELECT count() FROM cells_latest WHERE sweep_id = 'b'"))
          .isEqualToIgnoringWhitespace("2");
    } finally {
      clickhouse.queryIn("default", "DROP DATABASE IF EXISTS " + db);
    }
  }

  @Test
  void aMigrationLockLeftByAProcessThatIsGoneIsBroken() throws Exception {
    String db = clickhouse.database() + "_stale_lock";
    try (Connection c = connect()) {
      // given a lock held by a process of this host that no longer runs
      clickhouse.queryIn("default", "CREATE DATABASE IF NOT EXISTS " + db);
      String host = Migrations.holder().split(" ")[0];
      long gone = ProcessHandle.current().pid() + 4_000_000;
      clickhouse.queryIn(
          db,
          "CREATE TABLE "
              + Migrations.LOCK_TABLE
              + " (x UInt8) ENGINE = Memory COMMENT '"
              + host
              + " "
              + gone
              + "'");

      // when / then
      assertThat(Migrations.apply(c, db)).containsExactlyElementsOf(ALL);
      assertThat(
              clickhouse.queryIn(
                  db,
                  "SELECT count() FROM system.tables WHERE database = currentDatabase()"
                      + " AND name = '"
                      + Migrations.LOCK_TABLE
                      + "'"))
          .isEqualToIgnoringWhitespace("0");
    } finally {
      clickhouse.queryIn("default", "DROP DATABASE IF EXISTS " + db);
    }
  }

  private void insertCells(String db) {
    clickhouse.queryIn(
        db,
        "INSERT INTO cells (cell_id, sweep_id, version, updated_at) VALUES"
            + " ('a/1', 'a', 1, now64(3)), ('a/1', 'a', 2, now64(3)), ('a/2', 'a', 1, now64(3)),"
            + " ('b/1', 'b', 1, now64(3))");
  }

  private void assertV008(String db) {
    assertThat(
            clickhouse.queryIn(
                db,
                "SELECT sorting_key FROM system.tables WHERE database = currentDatabase()"
                    + " AND name = 'cells'"))
        .isEqualToIgnoringWhitespace("sweep_id,cell_id");
    assertThat(
            clickhouse.queryIn(
                db,
                "SELECT count() FROM system.tables WHERE database = currentDatabase()"
                    + " AND name = 'cells_v008'"))
        .isEqualToIgnoringWhitespace("0");
    assertThat(
            clickhouse
                .queryIn(
                    db,
                    "SELECT cell_id, version FROM cells_latest WHERE sweep_id = 'a' ORDER BY cell_id")
                .strip()
                .lines())
        .containsExactly("a/1\t2", "a/2\t1");
    // the per-sweep query is answered from the primary key (sweep_id first)
    assertThat(
            clickhouse.queryIn(
                db, "EXPLAIN indexes = 1 SELECT count() FROM cells FINAL WHERE sweep_id = 'a'"))
        .contains("PrimaryKey")
        .contains("Keys:")
        .contains("sweep_id");
    assertThat(
            clickhouse.queryIn(
                db,
                "SELECT name FROM system.data_skipping_indices WHERE database = currentDatabase()"
                    + " ORDER BY name"))
        .contains("score_events_sweep_id", "spans_sweep_id", "spans_trace_id", "cells_cell_id");
    // V009: a cell by its id alone is answered through the bloom filter, not a scan
    assertThat(
            clickhouse.queryIn(
                db, "EXPLAIN indexes = 1 SELECT count() FROM cells WHERE cell_id = 'a/2'"))
        .contains("Skip")
        .contains("cells_cell_id");
  }
}
