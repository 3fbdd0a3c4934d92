package dev.cab.cli.stack;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.cli.UserError;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.model.config.InvalidConfigException;
import dev.cab.sink.config.SinkSettings;
import dev.cab.streams.config.StreamsSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of the five stages of {@code ./cab up}, read the way each stage reads them alone
 * ({@link ConfigValues#fromProcess}: {@code -D}, the environment, the settings file) under the
 * stack's own values (where Kafka and ClickHouse run) and the user's {@code --set}. Every problem
 * of every stage is reported at once, including {@code --set} keys whose prefix names no stage.
 *
 * @param collector the collector's settings
 * @param streams the streams stage's settings
 * @param sink the sink's settings
 * @param dashboards the dashboards' settings
 * @param alerts the alerts stage's settings
 * @param warnings unknown environment variables, each once
 * @param describe the start-up log entry of each stage, one format
 * @param collectorTokensConfigured whether {@value #COLLECTOR_TOKENS_FILE} is set
 */
record StageSettings(
    CollectorSettings collector,
    StreamsSettings streams,
    SinkSettings sink,
    DashboardsSettings dashboards,
    AlertsSettings alerts,
    List<String> warnings,
    List<String> describe,
    boolean collectorTokensConfigured) {

  /** The collector's token file: without it, a collector beyond loopback accepts anyone. */
  static final String COLLECTOR_TOKENS_FILE = "collector.auth.tokens.file";

  /** The dashboards stage's name and key prefix. */
  static final String DASHBOARDS = "dashboards";

  /** The alerts stage's name and key prefix. */
  static final String ALERTS = "alerts";

  /** Key prefixes of the stages run by {@code ./cab up}, plus the shared one. */
  static final Set<String> PREFIXES =
      Set.of(
          "cab",
          CollectorSettings.STAGE,
          StreamsSettings.STAGE,
          SinkSettings.STAGE,
          DASHBOARDS,
          ALERTS);

  /**
   * @throws UserError listing every problem of every stage, one line each
   */
  static StageSettings read(
      LocalStack.Options o,
      String kafkaBootstrap,
      String clickhouseUrl,
      LocalClickHouseUsers users) {
    Map<String, String> common = new HashMap<>(o.overrides());
    common.put(CommonSettings.KAFKA_BOOTSTRAP, kafkaBootstrap);
    common.put(CommonSettings.CLICKHOUSE_URL, clickhouseUrl);
    common.put(CommonSettings.CLICKHOUSE_DATABASE, o.clickhouseDatabase());
    common.putIfAbsent("streams.state.dir", o.dataDir().resolve("streams").toString());
    common.putIfAbsent(CollectorSettings.HTTP_PORT, Integer.toString(o.otlpHttpPort()));
    common.putIfAbsent(CollectorSettings.GRPC_PORT, Integer.toString(o.otlpGrpcPort()));
    common.putIfAbsent(DashboardsSettings.HTTP_PORT, Integer.toString(o.dashboardPort()));

    List<String> problems = new ArrayList<>();
    for (String key : new TreeSet<>(o.overrides().keySet())) {
      int dot = key.indexOf('.');
      if (dot < 0 || !PREFIXES.contains(key.substring(0, dot))) {
        problems.add(
            key + " (--set) names no stage: keys start with " + new TreeSet<>(PREFIXES) + ".");
      }
    }
    ConfigValues collectorValues =
        ConfigValues.fromProcess(CollectorSettings.STAGE, only(common, CollectorSettings.STAGE));
    ConfigValues streamsValues =
        ConfigValues.fromProcess(StreamsSettings.STAGE, only(common, StreamsSettings.STAGE));
    ConfigValues sinkValues =
        ConfigValues.fromProcess(
            SinkSettings.STAGE, withAccounts(common, users, SinkSettings.STAGE));
    ConfigValues dashboardsValues =
        ConfigValues.fromProcess(DASHBOARDS, withAccounts(common, users, DASHBOARDS));
    ConfigValues alertsValues = ConfigValues.fromProcess(ALERTS, only(common, ALERTS));
    CollectorSettings collector = null;
    DashboardsSettings dashboards = null;
    AlertsSettings alerts = null;
    StreamsSettings streams = null;
    SinkSettings sink = null;
    try {
      collector = CollectorSettings.from(collectorValues);
    } catch (InvalidConfigException e) {
      problems.addAll(e.problems());
    }
    try {
      streams = StreamsSettings.from(streamsValues);
    } catch (InvalidConfigException e) {
      problems.addAll(e.problems());
    }
    try {
      sink = SinkSettings.from(sinkValues);
    } catch (InvalidConfigException e) {
      problems.addAll(e.problems());
    }
    try {
      dashboards = DashboardsSettings.from(dashboardsValues);
    } catch (InvalidConfigException e) {
      problems.addAll(e.problems());
    }
    try {
      alerts = AlertsSettings.from(alertsValues);
    } catch (InvalidConfigException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new UserError(
          "the settings are invalid:\n  - " + String.join("\n  - ", new LinkedHashSet<>(problems)));
    }
    Set<String> warnings = new LinkedHashSet<>();
    warnings.addAll(collectorValues.warnings(CollectorSettings.STAGE));
    warnings.addAll(streamsValues.warnings(StreamsSettings.STAGE));
    warnings.addAll(sinkValues.warnings(SinkSettings.STAGE));
    warnings.addAll(dashboardsValues.warnings(DASHBOARDS));
    warnings.addAll(alertsValues.warnings(ALERTS));
    return new StageSettings(
        collector,
        streams,
        sink,
        dashboards,
        alerts,
        List.copyOf(warnings),
        List.of(
            collectorValues.describe(CollectorSettings.STAGE),
            streamsValues.describe(StreamsSettings.STAGE),
            sinkValues.describe(SinkSettings.STAGE),
            dashboardsValues.describe(DASHBOARDS),
            alertsValues.describe(ALERTS)),
        collectorValues.isSet(COLLECTOR_TOKENS_FILE));
  }

  /**
   * The stage's settings with its account of the embedded ClickHouse ({@link
   * LocalClickHouseUsers}): the sink writes as {@code cab_writer} and migrates as {@code
   * cab_admin}, the dashboards read as {@code cab_reader}. A user given by {@code --set} wins, with
   * its own password.
   */
  private static Map<String, String> withAccounts(
      Map<String, String> all, LocalClickHouseUsers users, String stage) {
    Map<String, String> out = only(all, stage);
    if (stage.equals(SinkSettings.STAGE)) {
      account(
          out,
          CommonSettings.CLICKHOUSE_USER,
          CommonSettings.CLICKHOUSE_PASSWORD,
          LocalClickHouseUsers.WRITER,
          users.writerPassword());
      account(
          out,
          SinkSettings.MIGRATIONS_USER,
          SinkSettings.MIGRATIONS_PASSWORD,
          LocalClickHouseUsers.ADMIN,
          users.adminPassword());
    } else {
      account(
          out,
          DashboardsSettings.CLICKHOUSE_USER,
          DashboardsSettings.CLICKHOUSE_PASSWORD,
          LocalClickHouseUsers.READER,
          users.readerPassword());
    }
    return out;
  }

  private static void account(
      Map<String, String> out, String userKey, String passwordKey, String user, String password) {
    if (!out.containsKey(userKey)) {
      out.put(userKey, user);
      out.put(passwordKey, password);
    }
  }

  /**
   * The settings meant for one stage: shared {@code cab.} keys and its own; the other stages' keys
   * are checked by those stages.
   */
  private static Map<String, String> only(Map<String, String> all, String stage) {
    Map<String, String> out = new HashMap<>();
    all.forEach(
        (k, v) -> {
          if (k.startsWith("cab.") || k.startsWith(stage + ".")) {
            out.put(k, v);
          }
        });
    return out;
  }
}
