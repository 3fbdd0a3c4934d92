package dev.cab.cli.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result columns a Grafana panel refers to by name: field overrides ({@code byName} matchers),
 * a stat panel's field regex ({@code /^(a|b)$/}), a bar chart's {@code xField} and an XY chart's
 * series. A query that loses one of them leaves that part of the panel empty.
 */
final class PanelColumns {
  private static final Pattern FIELD_REGEX = Pattern.compile("^/\\^\\(?([\\w|]+)\\)?\\$/$");

  private PanelColumns() {}

  static Set<String> of(JsonNode panel) {
    Set<String> columns = new LinkedHashSet<>();
    for (JsonNode override : panel.path("fieldConfig").path("overrides")) {
      JsonNode matcher = override.path("matcher");
      if (matcher.path("id").asText().equals("byName")) {
        columns.add(matcher.path("options").asText());
      }
    }
    JsonNode options = panel.path("options");
    String fields = options.path("reduceOptions").path("fields").asText("");
    if (!fields.isEmpty()) {
      Matcher m = FIELD_REGEX.matcher(fields);
      if (!m.matches()) {
        throw new IllegalArgumentException("stat field regex not of the form /^(a|b)$/: " + fields);
      }
      columns.addAll(Set.of(m.group(1).split("\\|")));
    }
    if (options.hasNonNull("xField")) {
      columns.add(options.path("xField").asText());
    }
    for (JsonNode series : options.path("series")) {
      columns.add(series.path("x").asText());
      columns.add(series.path("y").asText());
    }
    columns.remove("");
    return columns;
  }
}
