package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
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
}
