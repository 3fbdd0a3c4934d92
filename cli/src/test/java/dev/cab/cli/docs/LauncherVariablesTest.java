package dev.cab.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.config.ConfigValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code CAB_*} environment variable the project reads or documents (the {@code ./cab}
 * script, the CLI's options, the jars' logback.xml, docker-compose.yml, README.md and docs/) is
 * either a shared setting or a launcher variable, so an operator who exports it never gets a
 * stage's "is not a setting" warning for it.
 */
class LauncherVariablesTest {

  private static final Pattern VARIABLE = Pattern.compile("\\bCAB_[A-Z0-9_]*[A-Z0-9]\\b");

  private static final List<String> STAGES =
      List.of("collector", "streams", "sink", "alerts", "dashboards");

  @Test
  void noStageWarnsAboutAVariableTheProjectItselfUses() throws IOException {
    Set<String> used = variablesNamedIn(repositoryRoot());
    assertThat(used).as("the scan found the launcher's variables").contains("CAB_DASHBOARD_PORT");

    for (String stage : STAGES) {
      ConfigValues values =
          ConfigValues.of(
              Map.of(),
              used.stream().collect(java.util.stream.Collectors.toMap(name -> name, name -> "1")));
      assertThat(values.warnings(stage)).as("warnings of " + stage).isEmpty();
    }
  }

  @Test
  void aMisspeltVariableStillWarns() {
    ConfigValues values = ConfigValues.of(Map.of(), Map.of("CAB_DASHBORD_PORT", "8080"));

    assertThat(values.warnings("dashboards"))
        .singleElement()
        .asString()
        .contains("CAB_DASHBORD_PORT is not a setting of dashboards");
  }

  private static Set<String> variablesNamedIn(Path root) throws IOException {
    Set<String> names = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
              .filter(
                  p -> {
                    String rel = root.relativize(p).toString();
                    return rel.equals("cab")
                        || rel.equals("docker-compose.yml")
                        || rel.equals("README.md")
                        || (rel.startsWith("docs/") && rel.endsWith(".md"))
                        || rel.endsWith("src/main/resources/logback.xml")
                        || (rel.startsWith("cli/src/main/java/") && rel.endsWith(".java"));
                  })
              .toList();
    }
    for (Path file : files) {
      Matcher m = VARIABLE.matcher(Files.readString(file));
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("repository root above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }
}
