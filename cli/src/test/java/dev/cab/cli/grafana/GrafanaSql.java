package dev.cab.cli.grafana;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Grafana and the official ClickHouse plugin ({@code grafana-clickhouse-datasource} 4.x) do to
 * a panel's SQL before ClickHouse sees it, so a test can run the provisioned dashboards' queries as
 * Grafana would:
 *
 * <ol>
 *   <li>Grafana's template variables ({@code $sweep}, {@code ${sweep}}, {@code ${sweep:format}});
 *       without a format the plugin's own formatter applies (a single value as it is, several as
 *       {@code 'a','b'}); {@code sqlstring} doubles quotes, {@code singlequote} escapes them with a
 *       backslash. Unknown names (the plugin's {@code $__} macros) are left as they are, as Grafana
 *       leaves them.
 *   <li>The plugin's backend macros ({@code pkg/macros/macros.go}): {@code $__timeFilter(c)} is
 *       {@code c >= toDateTime(from) AND c <= toDateTime(to)} (Unix seconds), the {@code _ms} forms
 *       use {@code fromUnixTimestamp64Milli(ms)}, {@code $__fromTime}/{@code $__toTime} are {@code
 *       toDateTime(s)}, {@code $__timeInterval(c)} is {@code toStartOfInterval(toDateTime(c),
 *       INTERVAL n second)} with n the panel interval in whole seconds (at least 1), {@code
 *       $__interval_s} is n, {@code $__dateFilter(c)} compares with {@code toDate('yyyy-MM-dd')}.
 * </ol>
 *
 * An unknown {@code $__} macro is an error here: Grafana would send it to ClickHouse, which fails.
 */
public final class GrafanaSql {
  /** Grafana's variable syntax (public/app/features/templating/template_srv.ts). */
  private static final Pattern VARIABLE =
      Pattern.compile("\\$(\\w+)|\\[\\[(\\w+?)(?::(\\w+))?]]|\\$\\{(\\w+)(?::([^}]+))?}");

  private static final Pattern MACRO = Pattern.compile("\\$__(\\w+)");
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  /** The dashboard's time range and the panel's interval ({@code $__interval}). */
  public record TimeRange(Instant from, Instant to, Duration interval) {}

  private GrafanaSql() {}

  /** Both steps: variables (frontend), then macros (the plugin's backend). */
  public static String expand(String sql, Map<String, List<String>> variables, TimeRange range) {
    return expandMacros(interpolateVariables(sql, variables), range);
  }

  /** Replaces Grafana template variables; unknown names stay as written. */
  public static String interpolateVariables(String sql, Map<String, List<String>> variables) {
    Matcher m = VARIABLE.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = firstNonNull(m.group(1), m.group(2), m.group(4));
      String format = m.group(3) != null ? m.group(3) : m.group(5);
      List<String> values = variables.get(name);
      String replacement = values == null ? m.group() : format(values, format);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String format(List<String> values, String format) {
    if (format == null) {
      // the plugin's formatter (src/data/CHDatasource.ts, format())
      return values.size() == 1 ? values.getFirst() : "'" + String.join("','", values) + "'";
    }
    return switch (format) {
      case "sqlstring" -> joinQuoted(values, v -> v.replace("'", "''"));
      case "singlequote" -> joinQuoted(values, v -> v.replace("'", "\\'"));
      case "raw" -> String.join(",", values);
      default -> throw new IllegalArgumentException("variable format not modelled: " + format);
    };
  }

  private static String joinQuoted(
      List<String> values, java.util.function.UnaryOperator<String> escape) {
    List<String> quoted = new ArrayList<>();
    values.forEach(v -> quoted.add("'" + escape.apply(v) + "'"));
    return String.join(",", quoted);
  }

  /** Expands the plugin's macros, arguments split at top-level commas as sqlds does. */
  public static String expandMacros(String sql, TimeRange range) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    Matcher m = MACRO.matcher(sql);
    while (m.find(at)) {
      out.append(sql, at, m.start());
      String name = m.group(1);
      int end = m.end();
      List<String> args = List.of();
      if (end < sql.length() && sql.charAt(end) == '(') {
        int close = closingParenthesis(sql, end);
        args = splitArguments(sql.substring(end + 1, close));
        end = close + 1;
      }
      out.append(macro(name, args, range));
      at = end;
    }
    out.append(sql.substring(at));
    return out.toString();
  }

  private static String macro(String name, List<String> args, TimeRange r) {
    long intervalSeconds = Math.max(r.interval().toSeconds(), 1);
    long intervalMillis = Math.max(r.interval().toMillis(), 1);
    return switch (name) {
      case "fromTime" -> dateTime(r.from());
      case "toTime" -> dateTime(r.to());
      case "fromTime_ms" -> dateTime64(r.from());
      case "toTime_ms" -> dateTime64(r.to());
      case "timeFilter" -> between(one(name, args), dateTime(r.from()), dateTime(r.to()));
      case "timeFilter_ms" -> between(one(name, args), dateTime64(r.from()), dateTime64(r.to()));
      case "dateFilter" -> between(one(name, args), date(r.from()), date(r.to()));
      case "dateTimeFilter", "dt" -> {
        if (args.size() != 2) {
          throw new IllegalArgumentException("$__" + name + " takes 2 arguments: " + args);
        }
        yield "("
            + between(args.get(0), date(r.from()), date(r.to()))
            + ") AND ("
            + between(args.get(1), dateTime(r.from()), dateTime(r.to()))
            + ")";
      }
      case "timeInterval" ->
          "toStartOfInterval(toDateTime("
              + one(name, args)
              + "), INTERVAL "
              + intervalSeconds
              + " second)";
      case "timeInterval_ms" ->
          "toStartOfInterval(toDateTime64("
              + one(name, args)
              + ", 3), INTERVAL "
              + intervalMillis
              + " millisecond)";
      case "interval_s" -> Long.toString(intervalSeconds);
      default -> throw new IllegalArgumentException("macro not in the plugin: $__" + name);
    };
  }

  private static String one(String name, List<String> args) {
    if (args.size() != 1) {
      throw new IllegalArgumentException("$__" + name + " takes 1 argument: " + args);
    }
    return args.getFirst();
  }

  private static String between(String column, String from, String to) {
    return column + " >= " + from + " AND " + column + " <= " + to;
  }

  private static String dateTime(Instant t) {
    return "toDateTime(" + t.getEpochSecond() + ")";
  }

  private static String dateTime64(Instant t) {
    return "fromUnixTimestamp64Milli(" + t.toEpochMilli() + ")";
  }

  private static String date(Instant t) {
    return "toDate('" + DATE.format(t) + "')";
  }

  private static int closingParenthesis(String sql, int open) {
    int depth = 0;
    for (int i = open; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced parentheses after macro at " + open);
  }

  private static List<String> splitArguments(String inside) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < inside.length(); i++) {
      char c = inside.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        args.add(inside.substring(start, i).trim());
        start = i + 1;
      }
    }
    if (!inside.isBlank()) {
      args.add(inside.substring(start).trim());
    }
    return args;
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    throw new IllegalStateException("no variable name matched");
  }
}
