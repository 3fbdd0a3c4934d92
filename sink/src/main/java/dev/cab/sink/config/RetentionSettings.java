package dev.cab.sink.config;

import dev.cab.model.config.ConfigValues;
import java.time.Duration;
import java.util.Map;

/**
 * How long ClickHouse keeps each kind of row: the values of the retention migration's parameters
 * ({@code V002__retention.sql}). The sink applies that migration again whenever one of them
 * changes, so editing a setting and restarting a sink is all it takes.
 *
 * @param spansDays {@value #SPANS_DAYS}: days a span row is kept after it landed (0 = for ever)
 * @param scoreEventsDays {@value #SCORE_EVENTS_DAYS}: the same for scorer events
 * @param supersededCellVersions {@value #SUPERSEDED_CELL_VERSIONS_MS}: age at which ClickHouse
 *     merges the parts of {@code cells}, dropping versions a newer one superseded (0 = only
 *     size-based merges)
 * @param alertsDays {@value #ALERTS_DAYS}: days after an alert episode began that its transitions
 *     are deleted, whole (0 = for ever)
 */
public record RetentionSettings(
    int spansDays, int scoreEventsDays, Duration supersededCellVersions, int alertsDays) {

  public static final String SPANS_DAYS = "sink.retention.spans.days";
  public static final String SCORE_EVENTS_DAYS = "sink.retention.score.events.days";
  public static final String SUPERSEDED_CELL_VERSIONS_MS =
      "sink.retention.superseded.cell.versions.ms";
  public static final String ALERTS_DAYS = "sink.retention.alerts.days";

  /** Spans are the bulk of the data and are read mostly while a sweep is fresh. */
  public static final int DEFAULT_SPANS_DAYS = 90;

  /** Scorer events are small; a year covers the usual baseline comparisons. */
  public static final int DEFAULT_SCORE_EVENTS_DAYS = 365;

  /** An hour: readers use FINAL anyway; this only bounds the disk old versions take. */
  public static final Duration DEFAULT_SUPERSEDED_CELL_VERSIONS = Duration.ofHours(1);

  /** A year of alert history: enough to compare this season's regressions with last one's. */
  public static final int DEFAULT_ALERTS_DAYS = 365;

  /** Ten years: beyond that a TTL is a typo, not a policy. */
  private static final int MAX_DAYS = 3650;

  /** Reads the retention settings; problems are collected in {@code c}. */
  public static RetentionSettings read(ConfigValues c) {
    return new RetentionSettings(
        c.intValue(SPANS_DAYS, DEFAULT_SPANS_DAYS, 0, MAX_DAYS),
        c.intValue(SCORE_EVENTS_DAYS, DEFAULT_SCORE_EVENTS_DAYS, 0, MAX_DAYS),
        c.duration(SUPERSEDED_CELL_VERSIONS_MS, DEFAULT_SUPERSEDED_CELL_VERSIONS),
        c.intValue(ALERTS_DAYS, DEFAULT_ALERTS_DAYS, 0, MAX_DAYS));
  }

  /** The defaults. */
  public static RetentionSettings defaults() {
    return new RetentionSettings(
        DEFAULT_SPANS_DAYS,
        DEFAULT_SCORE_EVENTS_DAYS,
        DEFAULT_SUPERSEDED_CELL_VERSIONS,
        DEFAULT_ALERTS_DAYS);
  }

  /** The parameters of the retention migration, by the names it uses. */
  public Map<String, String> migrationParameters() {
    long seconds = supersededCellVersions.toSeconds();
    if (seconds == 0 && !supersededCellVersions.isZero()) {
      seconds = 1; // below a second still means "force merges", ClickHouse counts seconds
    }
    return Map.of(
        "spans_ttl_days", Integer.toString(spansDays),
        "score_events_ttl_days", Integer.toString(scoreEventsDays),
        "superseded_cell_versions_merge_seconds", Long.toString(seconds),
        "alerts_ttl_days", Integer.toString(alertsDays));
  }
}
