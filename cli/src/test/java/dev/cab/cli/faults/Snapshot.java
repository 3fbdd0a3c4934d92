package dev.cab.cli.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.embedded.junit.ClickHouseTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What ClickHouse holds for the sweep, as analysts read it: {@code cells FINAL}, {@code spans
 * FINAL} and {@code score_events FINAL}, every row keyed by what identifies it (cell; cell and span
 * id; cell, axis and event hash) with its version-independent content: every column but the
 * version, the update time and where the row came from (Kafka partition and offset, insert time),
 * which differ between two correct runs.
 *
 * @param cells content per cell id
 * @param spans content per {@code cell/trace/span}
 * @param events content per {@code cell/axis/event_hash}
 * @param rowsUnderFinal rows the three FINAL queries returned (more than the keys if doubled)
 * @param latestViewRows rows of {@code cells_latest} for the sweep (one per cell expected)
 * @param rawRows rows of the three tables without FINAL (replays not yet merged away)
 */
public record Snapshot(
    Map<String, JsonNode> cells,
    Map<String, JsonNode> spans,
    Map<String, JsonNode> events,
    long rowsUnderFinal,
    long latestViewRows,
    long rawRows) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SOURCE_COLUMNS = "kafka_partition, kafka_offset, inserted_at";

  public static Snapshot read(ClickHouseTestServer clickhouse, String sweepId) {
    String where = " WHERE sweep_id = '" + sweepId + "'";
    int[] rows = new int[1];
    Map<String, JsonNode> cells =
        rows(
            clickhouse,
            "SELECT * EXCEPT (version, updated_at, "
                + SOURCE_COLUMNS
                + ") FROM cells FINAL"
                + where,
            key("cell_id"),
            rows);
    Map<String, JsonNode> spans =
        rows(
            clickhouse,
            "SELECT * EXCEPT (" + SOURCE_COLUMNS + ") FROM spans FINAL" + where,
            key("cell_id", "trace_id", "span_id"),
            rows);
    Map<String, JsonNode> events =
        rows(
            clickhouse,
            "SELECT * EXCEPT (" + SOURCE_COLUMNS + ") FROM score_events FINAL" + where,
            key("cell_id", "axis", "event_hash"),
            rows);
    long latest = count(clickhouse, "SELECT count() FROM cells_latest" + where);
    long raw =
        count(
            clickhouse,
            "SELECT (SELECT count() FROM cells"
                + where
                + ") + (SELECT count() FROM spans"
                + where
                + ") + (SELECT count() FROM score_events"
                + where
                + ")");
    return new Snapshot(cells, spans, events, rows[0], latest, raw);
  }

  /** A row's key: the text of {@code columns}, joined by {@code /}. */
  private static Function<JsonNode, String> key(String... columns) {
    return row ->
        Arrays.stream(columns).map(c -> row.get(c).asText()).collect(Collectors.joining("/"));
  }

  private static Map<String, JsonNode> rows(
      ClickHouseTestServer clickhouse, String sql, Function<JsonNode, String> key, int[] rowCount) {
    Map<String, JsonNode> rows = new TreeMap<>();
    String body = clickhouse.query(sql + " FORMAT JSONEachRow");
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode row = JSON.readTree(line);
        rows.put(key.apply(row), row);
        rowCount[0]++;
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable row from [" + sql + "]: " + line, e);
      }
    }
    return rows;
  }

  private static long count(ClickHouseTestServer clickhouse, String sql) {
    return Long.parseLong(clickhouse.query(sql).strip());
  }

  /** Rows under FINAL, one per key. */
  long keys() {
    return cells.size() + spans.size() + events.size();
  }

  /** How this run differs from {@code clean}: nothing, if the fault left no trace. */
  public Diff diff(Snapshot clean) {
    Diff cellsDiff = Diff.of(clean.cells, cells);
    Diff spansDiff = Diff.of(clean.spans, spans);
    Diff eventsDiff = Diff.of(clean.events, events);
    long doubled = (rowsUnderFinal - keys()) + Math.max(0, latestViewRows - cells.size());
    return new Diff(
        cellsDiff.lost + spansDiff.lost + eventsDiff.lost,
        cellsDiff.extra + spansDiff.extra + eventsDiff.extra + doubled,
        cellsDiff.changed + spansDiff.changed + eventsDiff.changed,
        merge(cellsDiff.examples, spansDiff.examples, eventsDiff.examples));
  }

  private static Set<String> merge(Set<String> a, Set<String> b, Set<String> c) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    all.addAll(c);
    return all;
  }

  /**
   * Rows lost (in the clean run, not here), extra (here, not in the clean run, or doubled), changed
   * (same key, other content), and a few example keys.
   */
  public record Diff(long lost, long extra, long changed, Set<String> examples) {
    static Diff of(Map<String, JsonNode> clean, Map<String, JsonNode> run) {
      long lost = 0;
      long changed = 0;
      Set<String> examples = new HashSet<>();
      for (var e : clean.entrySet()) {
        JsonNode other = run.get(e.getKey());
        if (other == null) {
          lost++;
          example(examples, "lost " + e.getKey());
        } else if (!other.equals(e.getValue())) {
          changed++;
          example(examples, "changed " + e.getKey() + ": " + fieldsThatDiffer(e.getValue(), other));
        }
      }
      Map<String, JsonNode> extra = new HashMap<>(run);
      extra.keySet().removeAll(clean.keySet());
      extra.keySet().stream().limit(3).forEach(k -> example(examples, "extra " + k));
      return new Diff(lost, extra.size(), changed, examples);
    }

    /** {@code field: run vs clean} for each field whose value differs, so a failure says what. */
    private static String fieldsThatDiffer(JsonNode clean, JsonNode run) {
      Set<String> fields = new java.util.TreeSet<>();
      clean.fieldNames().forEachRemaining(fields::add);
      run.fieldNames().forEachRemaining(fields::add);
      StringBuilder sb = new StringBuilder();
      for (String field : fields) {
        JsonNode a = run.get(field);
        JsonNode b = clean.get(field);
        if (a == null ? b != null : !a.equals(b)) {
          sb.append(sb.isEmpty() ? "" : "; ")
              .append(field)
              .append(": ")
              .append(a)
              .append(" vs clean ")
              .append(b);
        }
      }
      return sb.toString();
    }

    private static void example(Set<String> examples, String s) {
      if (examples.size() < 5) {
        examples.add(s.length() > 600 ? s.substring(0, 600) + "..." : s);
      }
    }

    public boolean none() {
      return lost == 0 && extra == 0 && changed == 0;
    }
  }
}
