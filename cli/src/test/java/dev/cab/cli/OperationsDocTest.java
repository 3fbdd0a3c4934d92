package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.sink.config.SinkSettings;
import dev.cab.streams.config.StreamsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/OPERATIONS.md lists every setting of every stage, with its environment variable and its
 * default, and nothing else: the tables are checked against what each stage's settings record
 * actually reads. A new stage adds one line to {@link #STAGES} and one section to the doc.
 */
class OperationsDocTest {
  /** Each stage's settings reader, by stage name (= key prefix = doc section). */
  static final Map<String, Consumer<ConfigValues>> STAGES = new LinkedHashMap<>();

  static {
    STAGES.put(CollectorSettings.STAGE, CollectorSettings::from);
    STAGES.put(StreamsSettings.STAGE, StreamsSettings::from);
    STAGES.put(SinkSettings.STAGE, SinkSettings::from);
    STAGES.put("dashboards", DashboardsSettings::from);
    STAGES.put(AlertsSettings.STAGE, AlertsSettings::from);
  }

  /** {@code | `key` | `ENV` | default | ...}: the first three columns of a settings row. */
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z0-9.-]+)` \\| `([A-Z0-9_]+)` \\| ([^|]*) \\|(.*)$");

  private static final Map<String, String> REQUIRED =
      Map.of(
          CommonSettings.KAFKA_BOOTSTRAP, "kafka:9092",
          CommonSettings.CLICKHOUSE_URL, "http://clickhouse:8123");

  record Row(String key, String env, String defaultText, String rest) {}

  @Test
  void everySettingOfEveryStageIsDocumentedWithItsVariableAndDefault() throws IOException {
    Map<String, Map<String, Row>> doc = sections(Files.readAllLines(operationsDoc()));
    Map<String, String> sharedDefaults = new TreeMap<>();
    Map<String, TreeSet<String>> sharedUsers = new TreeMap<>();

    for (var stage : STAGES.entrySet()) {
      ConfigValues values = ConfigValues.of(REQUIRED, Map.of());
      stage.getValue().accept(values);
      Map<String, String> effective = values.effective();
      Map<String, String> own = new TreeMap<>();
      for (String key : values.keys()) {
        if (key.startsWith("cab.")) {
          sharedDefaults.put(key, REQUIRED.containsKey(key) ? null : effective.get(key));
          sharedUsers.computeIfAbsent(key, k -> new TreeSet<>()).add(stage.getKey());
        } else {
          own.put(key, effective.get(key));
        }
      }
      assertThat(doc)
          .as("a section '### %s' in OPERATIONS.md", stage.getKey())
          .containsKey(stage.getKey());
      assertRows(stage.getKey(), doc.get(stage.getKey()), own);
    }
    assertThat(CommonSettings.KEYS).containsAll(sharedDefaults.keySet());
    Map<String, String> shared = new TreeMap<>();
    for (String key : CommonSettings.KEYS) {
      shared.put(key, sharedDefaults.getOrDefault(key, ""));
    }
    assertRows("shared", doc.get("shared"), shared);
    sharedUsers.forEach(
        (key, users) ->
            assertThat(doc.get("shared").get(key).rest())
                .as("the 'used by' column of %s", key)
                .contains(String.join(", ", users)));
  }

  private static void assertRows(String section, Map<String, Row> rows, Map<String, String> keys) {
    assertThat(rows).as("section %s", section).isNotNull();
    assertThat(new TreeSet<>(rows.keySet()))
        .as("keys documented in section %s; expected rows:%n%s", section, render(keys))
        .isEqualTo(new TreeSet<>(keys.keySet()));
    keys.forEach(
        (key, defaultValue) -> {
          Row row = rows.get(key);
          assertThat(row.env()).as("env of %s", key).isEqualTo(ConfigValues.envName(key));
          String text = row.defaultText().strip();
          if (defaultValue == null) {
            assertThat(text).as("default of %s", key).isEqualTo("(required)");
          } else if (text.startsWith("`")) {
            assertThat(text).as("default of %s", key).isEqualTo("`" + defaultValue + "`");
          }
        });
  }

  private static String render(Map<String, String> keys) {
    StringBuilder sb = new StringBuilder();
    keys.forEach(
        (k, v) ->
            sb.append("| `")
                .append(k)
                .append("` | `")
                .append(ConfigValues.envName(k))
                .append("` | ")
                .append(v == null ? "(required)" : "`" + v + "`")
                .append(" | |\n"));
    return sb.toString();
  }

  /** Rows by section: {@code ### Shared} is "shared", {@code ### Sink} is "sink". */
  static Map<String, Map<String, Row>> sections(List<String> lines) {
    Map<String, Map<String, Row>> out = new TreeMap<>();
    Map<String, Row> current = null;
    boolean inSettings = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSettings = line.equals("## Settings");
        current = null;
      } else if (inSettings && line.startsWith("### ")) {
        String name = line.substring(4).strip().toLowerCase(java.util.Locale.ROOT);
        name = name.contains(" ") ? name.substring(0, name.indexOf(' ')) : name;
        current = out.computeIfAbsent(name, k -> new TreeMap<>());
      } else if (current != null) {
        Matcher m = ROW.matcher(line);
        if (m.matches()) {
          current.put(m.group(1), new Row(m.group(1), m.group(2), m.group(3), m.group(4)));
        }
      }
    }
    return out;
  }

  private static Path operationsDoc() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/OPERATIONS.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("docs/OPERATIONS.md above the working directory").isNotNull();
    return dir.resolve("docs/OPERATIONS.md");
  }
}
