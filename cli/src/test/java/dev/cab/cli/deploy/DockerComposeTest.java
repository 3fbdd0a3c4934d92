package dev.cab.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.alerts.config.AlertsSettings;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.model.config.ConfigValues;
import dev.cab.sink.config.SinkSettings;
import dev.cab.streams.config.StreamsSettings;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml is what an operator runs as is: this test reads it (merge keys resolved, as
 * Compose does) and checks the properties that make it safe to run and keep running.
 */
class DockerComposeTest {

  /** The pipeline stages and the settings class whose keys their environment may set. */
  private static final Map<String, Class<?>> STAGES =
      Map.of(
          "collector", CollectorSettings.class,
          "streams", StreamsSettings.class,
          "sink", SinkSettings.class,
          "dashboards", DashboardsSettings.class,
          "alerts", AlertsSettings.class);

  /** Stages that run once: alerts' detection keeps each sweep's state whole (docs/ALERTS.md). */
  private static final Set<String> SINGLE_INSTANCE = Set.of("alerts");

  /** Variables a stage container may set that are the JVM's, not the stage's settings. */
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  /** `${VAR:-127.0.0.1}` or 127.0.0.1: loopback unless the operator asks for more. */
  private static final Pattern LOOPBACK_PORT =
      Pattern.compile("(127\\.0\\.0\\.1|\\$\\{[A-Z_]+:-127\\.0\\.0\\.1\\}):\\d+:\\d+");

  private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]+\\}");

  private static Path root;
  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void readComposeFile() throws IOException {
    root = repositoryRoot();
    try (Reader in = Files.newBufferedReader(root.resolve("docker-compose.yml"))) {
      compose = new Yaml().load(in);
    }
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  @Test
  void kafkaKeepsItsDataOnANamedVolumeAtItsLogDirWithAFixedClusterId() {
    Map<String, String> env = environment("kafka");

    String logDirs = env.get("KAFKA_LOG_DIRS");
    assertThat(logDirs).as("KAFKA_LOG_DIRS (the image's default is under /tmp)").isNotBlank();
    assertThat(namedVolumeTargets("kafka")).contains(logDirs);
    assertThat(Uuid.fromString(env.get("CLUSTER_ID")))
        .as("CLUSTER_ID is a Kafka cluster id")
        .isNotNull();
  }

  @Test
  void clickHouseKeepsItsDataOnANamedVolumeAtTheImagesDataPath() {
    assertThat(namedVolumeTargets("clickhouse")).contains("/var/lib/clickhouse");
  }

  @Test
  void kafkaAdvertisesAnInternalAndAHostListener() {
    Map<String, String> env = environment("kafka");
    List<String> advertised = List.of(env.get("KAFKA_ADVERTISED_LISTENERS").split(","));

    assertThat(advertised).hasSizeGreaterThanOrEqualTo(2);
    String internal = listenerOf(advertised, env.get("KAFKA_INTER_BROKER_LISTENER_NAME"));
    assertThat(internal).as("internal listener").contains("//kafka:");
    String internalAddress = internal.substring(internal.indexOf("//") + 2);
    String host = advertised.stream().filter(l -> !l.equals(internal)).findFirst().orElseThrow();
    String hostPort = host.substring(host.lastIndexOf(':') + 1);
    assertThat(ports("kafka"))
        .as("the host listener's port is published")
        .anyMatch(p -> p.endsWith(":" + hostPort + ":" + hostPort));
    for (String service : stageServices()) {
      String stage = service.substring(0, service.lastIndexOf('-'));
      if (!settingVariables(STAGES.get(stage))
          .contains(ConfigValues.envName("cab.kafka.bootstrap"))) {
        continue; // a stage without Kafka
      }
      assertThat(environment(service))
          .as(service + " uses the internal listener")
          .containsEntry(ConfigValues.envName("cab.kafka.bootstrap"), internalAddress);
    }
  }

  @Test
  void everyDependencyWaitsForAHealthyService() {
    int dependencies = 0;
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      Object dependsOn = s.getValue().get("depends_on");
      if (dependsOn == null) {
        continue;
      }
      assertThat(dependsOn)
          .as(s.getKey() + ".depends_on must name a condition")
          .isInstanceOf(Map.class);
      for (Map.Entry<?, ?> d : ((Map<?, ?>) dependsOn).entrySet()) {
        dependencies++;
        assertThat(((Map<?, ?>) d.getValue()).get("condition"))
            .as(s.getKey() + " -> " + d.getKey())
            .isEqualTo("service_healthy");
        assertThat(services.get((String) d.getKey()))
            .as(d.getKey() + " has a healthcheck")
            .containsKey("healthcheck");
      }
    }
    assertThat(dependencies).isGreaterThanOrEqualTo(12);
  }

  @Test
  void everyStageHasAHealthcheckThatAsksWhetherItIsReady() {
    for (String service : stageServices()) {
      Map<?, ?> healthcheck = (Map<?, ?>) services.get(service).get("healthcheck");
      assertThat(healthcheck).as(service + " has a healthcheck").isNotNull();
      assertThat(String.valueOf(healthcheck.get("test")))
          .as(service + "'s healthcheck asks a readiness endpoint for a 200")
          .contains("/health/ready")
          .contains("' 200 '");
    }
  }

  @Test
  void secretsHaveNoDefaultValue() {
    int secrets = 0;
    for (String service : services.keySet()) {
      for (Map.Entry<String, String> e : environment(service).entrySet()) {
        if (ConfigValues.isSecret(e.getKey().toLowerCase().replace('_', '.'))
            || e.getKey().contains("PASSWORD")) {
          secrets++;
          assertThat(e.getValue())
              .as(service + " " + e.getKey() + " must be a required variable ${VAR:?message}")
              .matches(REQUIRED_VARIABLE);
        }
      }
    }
    assertThat(secrets).isGreaterThanOrEqualTo(3);
  }

  @Test
  void portsArePublishedOnLoopbackUnlessAsked() {
    List<String> all = new ArrayList<>();
    for (String service : services.keySet()) {
      all.addAll(ports(service));
    }
    assertThat(all).isNotEmpty().allMatch(p -> LOOPBACK_PORT.matcher(p).matches());
  }

  @Test
  void twoInstancesOfEachStageRunImagesBuiltFromTheProject() throws IOException {
    for (String stage : STAGES.keySet()) {
      List<String> instances =
          stageServices().stream().filter(s -> s.startsWith(stage + "-")).toList();
      assertThat(instances)
          .as(stage + " instances")
          .hasSizeGreaterThanOrEqualTo(SINGLE_INSTANCE.contains(stage) ? 1 : 2);
      for (String service : instances) {
        Map<?, ?> build = (Map<?, ?>) services.get(service).get("build");
        assertThat(build).as(service + " is built from the project").isNotNull();
        Path dockerfile =
            root.resolve((String) build.get("context")).resolve((String) build.get("dockerfile"));
        assertThat(dockerfile).exists();
        assertThat(((Map<?, ?>) build.get("args")).get("STAGE"))
            .as(service + " builds the image of its own stage")
            .isEqualTo(stage);
        assertThat(Files.readString(dockerfile))
            .as(dockerfile + " builds the stage named by STAGE and runs its jar")
            .contains("-pl \"${STAGE}\" -am package")
            .contains("cp \"${STAGE}\"/target/cab-\"${STAGE}\"-*-all.jar /cab-stage.jar")
            .contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/cab-stage.jar\"]");
        assertThat(volumes(service))
            .as(service + " mounts no jar from the host")
            .noneMatch(v -> v.contains(".jar"));
      }
    }
  }

  @Test
  void everyVariableAStageSetsIsOneOfItsSettings() {
    for (String service : stageServices()) {
      String stage = service.substring(0, service.lastIndexOf('-'));
      Set<String> settings = settingVariables(STAGES.get(stage));
      for (String variable : environment(service).keySet()) {
        assertThat(JVM_VARIABLES.contains(variable) || settings.contains(variable))
            .as(
                "%s sets %s, which is no setting of the %s stage (%s knows %s)",
                service, variable, stage, STAGES.get(stage).getSimpleName(), settings)
            .isTrue();
      }
    }
  }

  @Test
  void grafanaPreinstallsTheClickHousePluginAndMountsTheProvisioning() throws IOException {
    Map<String, String> env = environment("grafana");
    assertThat(env).containsEntry("GF_PLUGINS_PREINSTALL_SYNC", "grafana-clickhouse-datasource");
    assertThat(volumes("grafana"))
        .contains(
            "./dashboards/grafana/provisioning:/etc/grafana/provisioning:ro",
            "./dashboards/grafana/dashboards:/var/lib/grafana/dashboards/cab:ro");
    for (String volume : volumes("grafana")) {
      if (volume.startsWith("./")) {
        assertThat(root.resolve(volume.substring(0, volume.indexOf(':')))).exists();
      }
    }
    // every ${VAR} the provisioned data sources read comes from the service's environment
    Matcher reads =
        Pattern.compile("\\$\\{(\\w+)}")
            .matcher(
                Files.readString(
                        root.resolve("dashboards/grafana/provisioning/datasources/cab.yaml"))
                    .replaceAll("(?m)^\\s*#.*$", ""));
    int variables = 0;
    while (reads.find()) {
      assertThat(env).as("grafana environment").containsKey(reads.group(1));
      variables++;
    }
    assertThat(variables).isEqualTo(3);
  }

  @Test
  void theKafkaImageIsTheVersionTheProjectBuildsAgainst() throws IOException {
    Matcher version =
        Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
            .matcher(Files.readString(root.resolve("pom.xml")));
    assertThat(version.find()).isTrue();

    assertThat(services.get("kafka").get("image")).isEqualTo("apache/kafka:" + version.group(1));
  }

  @Test
  void clickHouseSystemLogsGetTtls() throws IOException {
    String mount =
        volumes("clickhouse").stream()
            .filter(v -> v.contains("/etc/clickhouse-server/config.d/"))
            .findFirst()
            .orElseThrow();
    Path file = root.resolve(mount.substring(0, mount.indexOf(':')));

    assertThat(Files.readString(file))
        .contains("<query_log><ttl>event_date + INTERVAL")
        .contains("<metric_log><ttl>event_date + INTERVAL")
        .contains("<trace_log><ttl>event_date + INTERVAL");
  }

  // --- reading the file -------------------------------------------------------------------

  private static List<String> stageServices() {
    return services.keySet().stream()
        .filter(s -> s.contains("-") && STAGES.containsKey(s.substring(0, s.lastIndexOf('-'))))
        .sorted()
        .toList();
  }

  private static Map<String, String> environment(String service) {
    Object env = services.get(service).get("environment");
    Map<String, String> out = new java.util.TreeMap<>();
    if (env instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put((String) k, String.valueOf(v)));
    } else if (env instanceof List<?> list) {
      for (Object item : list) {
        String s = (String) item;
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return out;
  }

  private static List<String> ports(String service) {
    Object ports = services.get(service).get("ports");
    return ports == null ? List.of() : ((List<?>) ports).stream().map(String::valueOf).toList();
  }

  private static List<String> volumes(String service) {
    Object volumes = services.get(service).get("volumes");
    return volumes == null ? List.of() : ((List<?>) volumes).stream().map(String::valueOf).toList();
  }

  /** Container paths of the service's mounts whose source is a top-level named volume. */
  private static Set<String> namedVolumeTargets(String service) {
    Set<String> named =
        ((Map<?, ?>) compose.get("volumes"))
            .keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet());
    Set<String> out = new TreeSet<>();
    for (String v : volumes(service)) {
      String[] parts = v.split(":");
      if (named.contains(parts[0])) {
        out.add(parts[1]);
      }
    }
    return out;
  }

  private static String listenerOf(List<String> listeners, String name) {
    return listeners.stream()
        .filter(l -> l.startsWith(name + "://"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no advertised listener named " + name));
  }

  /** The environment variables that override a settings class's dotted keys. */
  private static Set<String> settingVariables(Class<?> settings) {
    Set<String> out = new TreeSet<>();
    for (Field f : settings.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m)
          && f.getType() == String.class
          && !f.getName().startsWith("DEFAULT_")) {
        try {
          String key = (String) f.get(null);
          if (key.matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+")) {
            out.add(ConfigValues.envName(key));
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    assertThat(out).as("settings keys of " + settings.getName()).isNotEmpty();
    return out;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a folder above the working directory holds docker-compose.yml").isNotNull();
    return dir;
  }
}
