package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.sink.config.RetentionSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retention on the real embedded ClickHouse: the retention migration declares the TTLs the settings
 * ask for, applies them again when a setting changes, and ClickHouse deletes what expired.
 */
@ExtendWith(ClickHouseExtension.class)
class RetentionIT {
  private final ClickHouseTestServer clickhouse;

  RetentionIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void theMigrationsDeclareTheTtlsTheSettingsAskFor() throws Exception {
    // given
    String db = clickhouse.database() + "_ttl_declared";
    RetentionSettings retention = new RetentionSettings(30, 200, Duration.ofMinutes(10), 180);

    // when
    apply(db, retention);

    // then
    assertThat(engine(db, "spans"))
        .contains("TTL toDateTime(inserted_at) + toIntervalDay(30) WHERE 30 > 0");
    assertThat(engine(db, "score_events"))
        .contains("TTL toDateTime(inserted_at) + toIntervalDay(200) WHERE 200 > 0");
    assertThat(engine(db, "cells")).contains("min_age_to_force_merge_seconds = 600");
    assertThat(engine(db, "alerts"))
        .contains("TTL toDateTime(starts_at) + toIntervalDay(180) WHERE 180 > 0");
    assertThat(
            clickhouse.queryIn(
                db, "SELECT parameters FROM schema_migrations FINAL WHERE version = 2"))
        .isEqualToIgnoringNewLines(
            "score_events_ttl_days=200,spans_ttl_days=30,"
                + "superseded_cell_versions_merge_seconds=600");
    assertThat(
            clickhouse.queryIn(
                db, "SELECT parameters FROM schema_migrations FINAL WHERE version = 4"))
        .isEqualToIgnoringNewLines("alerts_ttl_days=180");
  }

  @Test
  void aChangedSettingAppliesTheRetentionMigrationAgainAndAnUnchangedOneDoesNot() throws Exception {
    // given
    String db = clickhouse.database() + "_ttl_changed";
    apply(db, new RetentionSettings(30, 200, Duration.ofMinutes(10), 180));

    // when
    var changed = apply(db, new RetentionSettings(7, 200, Duration.ofMinutes(10), 180));
    var unchanged = apply(db, new RetentionSettings(7, 200, Duration.ofMinutes(10), 180));

    // then
    assertThat(changed).containsExactly(2);
    assertThat(unchanged).isEmpty();
    assertThat(engine(db, "spans")).contains("toIntervalDay(7)").doesNotContain("(30)");
  }

  @Test
  void expiredRowsAreDeletedAndZeroDaysKeepsRowsForEver() throws Exception {
    // given: spans kept 30 days, scorer events for ever, alerts a year; one row of each landed
    // 40 days ago, and an alert episode (two transitions) began 400 days ago, another today
    String db = clickhouse.database() + "_ttl_expiry";
    apply(db, new RetentionSettings(30, 0, Duration.ZERO, 365));
    clickhouse.queryIn(
        db,
        "INSERT INTO spans (cell_id, span_id, inserted_at) VALUES"
            + " ('old', 'a', now64(3) - INTERVAL 40 DAY), ('new', 'b', now64(3))");
    clickhouse.queryIn(
        db,
        "INSERT INTO score_events (cell_id, axis, event_hash, inserted_at) VALUES"
            + " ('old', 'pass_rate', 1, now64(3) - INTERVAL 40 DAY)");
    clickhouse.queryIn(
        db,
        "INSERT INTO alerts (fingerprint, sequence, state, starts_at, at) VALUES"
            + " ('old', 1, 'firing', now64(6) - INTERVAL 400 DAY, now64(6) - INTERVAL 400 DAY),"
            + " ('old', 2, 'resolved', now64(6) - INTERVAL 400 DAY, now64(6) - INTERVAL 399 DAY),"
            + " ('new', 1, 'firing', now64(6), now64(6))");

    // when: the merge that applies TTLs
    clickhouse.queryIn(db, "OPTIMIZE TABLE spans FINAL");
    clickhouse.queryIn(db, "OPTIMIZE TABLE score_events FINAL");
    clickhouse.queryIn(db, "OPTIMIZE TABLE alerts FINAL");

    // then
    assertThat(clickhouse.queryIn(db, "SELECT cell_id FROM spans ORDER BY cell_id").strip())
        .isEqualTo("new");
    assertThat(clickhouse.queryIn(db, "SELECT cell_id FROM score_events").strip()).isEqualTo("old");
    assertThat(clickhouse.queryIn(db, "SELECT fingerprint, sequence FROM alerts").strip())
        .isEqualTo("new\t1");
  }

  @Test
  void supersededCellVersionsAreMergedAwayOnceOlderThanTheSetting() throws Exception {
    // given: parts older than one second are force-merged
    String db = clickhouse.database() + "_ttl_superseded";
    apply(db, new RetentionSettings(30, 30, Duration.ofSeconds(1), 365));

    // when: two versions of one cell land in two inserts (two parts)
    for (int version = 1; version <= 2; version++) {
      clickhouse.queryIn(
          db,
          "INSERT INTO cells (cell_id, status, version, updated_at) VALUES ('c', 'running', "
              + version
              + ", now64(3))");
    }

    // then: without FINAL, only the newest version is left after the background merge
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(clickhouse.queryIn(db, "SELECT version FROM cells").strip())
                    .isEqualTo("2"));
  }

  private java.util.List<Integer> apply(String db, RetentionSettings retention) throws Exception {
    try (Connection c = connect()) {
      return Migrations.apply(c, db, retention.migrationParameters());
    }
  }

  private String engine(String db, String table) {
    return clickhouse.query(
        "SELECT engine_full FROM system.tables WHERE database = '"
            + db
            + "' AND name = '"
            + table
            + "'");
  }

  private Connection connect() throws Exception {
    Properties p = new Properties();
    p.setProperty("user", clickhouse.user());
    p.setProperty("password", clickhouse.password());
    return DriverManager.getConnection("jdbc:clickhouse:" + clickhouse.url(), p);
  }
}
