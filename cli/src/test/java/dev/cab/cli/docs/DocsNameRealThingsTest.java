package dev.cab.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.Cab;
import dev.cab.model.config.ConfigValues;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The docs name only things that exist: every setting, topic, attribute or header key, every
 * ClickHouse table and every {@code ./cab} command named in README.md and docs/*.md is found in the
 * code. A failure lists each missing name with the file and line that names it.
 *
 * <p>"Found in the code": a dotted key or topic is a string literal in some module's main sources,
 * or the value of a string constant of a production class (for keys built from a prefix); a table
 * is created by a sink migration; a command is a subcommand of {@link Cab}.
 */
class DocsNameRealThingsTest {

  /** A dotted name in our namespaces: a setting, topic, attribute or header. */
  private static final Pattern DOTTED =
      Pattern.compile(
          "(?<![\\w.$/-])((?:cab|collector|streams|sink|alerts|dashboards)(?:\\.[a-z0-9_]+)+)"
              + "(?![\\w*(-]|\\.[*a-z0-9_{])");

  /** A shorthand continuing the previous key on the line: {@code `.password`}. */
  private static final Pattern SHORTHAND = Pattern.compile("`(\\.[a-z0-9_]+(?:\\.[a-z0-9_]+)*)`");

  /** An environment variable that overrides a stage setting: {@code SINK_BATCH_MAX_MS}. */
  private static final Pattern STAGE_VARIABLE =
      Pattern.compile("(?<![\\w$])((?:COLLECTOR|STREAMS|SINK)_[A-Z0-9_]+)(?![\\w*])");

  private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");

  private static final Pattern COMMAND = Pattern.compile("(?<![\\w/])(?:\\./)?cab ([a-z][a-z-]*)");

  private static final Pattern FROM_TABLE =
      // SQL keywords in capitals, as the docs write queries; prose says "from".
      Pattern.compile("\\b(?:FROM|JOIN|INTO)\\s+(?:cab\\.)?([a-z_][a-z0-9_]*)\\b(?![.(])");

  private static final Pattern CREATED =
      Pattern.compile(
          "(?i)CREATE\\s+(?:TABLE|VIEW|MATERIALIZED VIEW)\\s+IF NOT EXISTS\\s+\\$\\{database}\\."
              + "([a-z_][a-z0-9_]*)");

  // Unrolled (runs of plain characters between escapes): an alternation under * recurses once a
  // character and overflows the stack on a long match (CanonicalJson's '"' starts one).
  private static final Pattern STRING_LITERAL =
      Pattern.compile("\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"");

  private static Path root;
  private static Set<String> codeStrings;
  private static Set<String> tables;
  private static Set<String> commands;

  @BeforeAll
  static void readTheCode() throws IOException {
    root = repositoryRoot();
    codeStrings = new TreeSet<>();
    List<Path> sources;
    try (Stream<Path> files = Files.walk(root)) {
      sources =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> root.relativize(p).toString().contains("/src/main/java/"))
              .toList();
    }
    for (Path source : sources) {
      Matcher m = STRING_LITERAL.matcher(Files.readString(source));
      while (m.find()) {
        codeStrings.add(m.group(1));
      }
      codeStrings.addAll(constantsOf(source));
    }
    // Build properties the docs name (-Dcab.long=true): the parent pom's <properties>.
    Matcher property =
        Pattern.compile("<([a-z][a-z0-9.-]*)>[^<]*</\\1>")
            .matcher(Files.readString(root.resolve("pom.xml")));
    while (property.find()) {
      codeStrings.add(property.group(1));
    }
    tables = new TreeSet<>(Set.of("schema_migrations"));
    Path migrations = root.resolve("sink/src/main/resources/dev/cab/sink/migrations");
    try (Stream<Path> files = Files.list(migrations)) {
      for (Path sql : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
        Matcher m = CREATED.matcher(Files.readString(sql));
        while (m.find()) {
          tables.add(m.group(1));
        }
      }
    }
    commands = new CommandLine(new Cab()).getSubcommands().keySet();
  }

  @Test
  void theCodeWasRead() {
    assertThat(codeStrings).contains("sink.batch.max.ms", "cab.spans.v1");
    assertThat(tables).contains("cells", "spans", "score_events", "cells_latest");
    assertThat(commands).contains("up", "demo", "sql", "status");
  }

  @Test
  void everyNamedSettingTopicAndAttributeExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      List<String> lines = Files.readAllLines(doc);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        String previous = null;
        Matcher code = INLINE_CODE.matcher(line);
        while (code.find()) {
          String span = code.group(1);
          Matcher shorthand = SHORTHAND.matcher("`" + span + "`");
          if (shorthand.matches() && previous != null) {
            if (!anyExpansionExists(previous, shorthand.group(1))) {
              missing.add(where(doc, i) + ": `" + span + "` (after `" + previous + "`)");
            }
            continue;
          }
          Matcher dotted = DOTTED.matcher(span);
          while (dotted.find()) {
            String name = dotted.group(1);
            previous = name;
            if (!codeStrings.contains(name) && !isTable(name)) {
              missing.add(where(doc, i) + ": `" + name + "`");
            }
          }
        }
      }
    }
    assertThat(missing)
        .as("settings, topics, attributes and headers named in the docs but not in the code")
        .isEmpty();
  }

  @Test
  void everyNamedStageVariableIsASetting() throws IOException {
    Set<String> variables = new TreeSet<>();
    for (String s : codeStrings) {
      if (DOTTED.matcher(s).matches()) {
        variables.add(ConfigValues.envName(s));
      }
    }
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      List<String> lines = Files.readAllLines(doc);
      for (int i = 0; i < lines.size(); i++) {
        Matcher variable = STAGE_VARIABLE.matcher(lines.get(i));
        while (variable.find()) {
          if (!variables.contains(variable.group(1))) {
            missing.add(where(doc, i) + ": `" + variable.group(1) + "`");
          }
        }
      }
    }
    assertThat(missing)
        .as("stage environment variables named in the docs that override no setting")
        .isEmpty();
  }

  @Test
  void everyNamedTableExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      List<String> lines = Files.readAllLines(doc);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        Matcher from = FROM_TABLE.matcher(line);
        while (from.find()) {
          String table = from.group(1);
          if (!tables.contains(table) && !table.equals("system") && !table.equals("numbers")) {
            missing.add(where(doc, i) + ": table `" + table + "`");
          }
        }
        // The rows of a table of tables: | `cells` | ReplacingMergeTree | ...
        Matcher row =
            Pattern.compile("^\\| `([a-z_]+)` \\| [A-Za-z]*(MergeTree|[Vv]iew)").matcher(line);
        if (row.find() && !tables.contains(row.group(1))) {
          missing.add(where(doc, i) + ": table `" + row.group(1) + "`");
        }
      }
    }
    assertThat(missing).as("tables named in the docs that no migration creates").isEmpty();
  }

  @Test
  void everyNamedCommandExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      List<String> lines = Files.readAllLines(doc);
      for (int i = 0; i < lines.size(); i++) {
        Matcher command = COMMAND.matcher(lines.get(i));
        while (command.find()) {
          if (!commands.contains(command.group(1))) {
            missing.add(where(doc, i) + ": `./cab " + command.group(1) + "`");
          }
        }
      }
    }
    assertThat(missing)
        .as("./cab commands named in the docs that Cab does not have (it has %s)", commands)
        .isEmpty();
  }

  @Test
  void aMadeUpNameIsReported() {
    Matcher dotted = DOTTED.matcher("sink.batch.max.rowz");
    assertThat(dotted.find()).isTrue();
    assertThat(codeStrings).doesNotContain(dotted.group(1));
    assertThat(anyExpansionExists("sink.retry.backoff.initial.ms", ".max.ms")).isTrue();
    assertThat(anyExpansionExists("sink.retry.backoff.initial.ms", ".min.ms")).isFalse();
  }

  /** {@code cab.clickhouse.user} + {@code .password}: the suffix replaces a tail of the key. */
  private static boolean anyExpansionExists(String previous, String suffix) {
    String[] parts = previous.split("\\.");
    for (int keep = parts.length - 1; keep >= 1; keep--) {
      String candidate = String.join(".", List.of(parts).subList(0, keep)) + suffix;
      if (codeStrings.contains(candidate)) {
        return true;
      }
    }
    return false;
  }

  /** {@code cab.schema_migrations}: a table in the default database. */
  private static boolean isTable(String name) {
    return name.startsWith("cab.") && tables.contains(name.substring(4));
  }

  private static List<Path> docs() throws IOException {
    List<Path> out = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> files = Files.list(root.resolve("docs"))) {
      out.addAll(files.filter(p -> p.toString().endsWith(".md")).sorted().toList());
    }
    return out;
  }

  private static String where(Path doc, int lineIndex) {
    return root.relativize(doc) + ":" + (lineIndex + 1);
  }

  /** String constants of the class in {@code source}, when it loads (computed keys count too). */
  private static Set<String> constantsOf(Path source) {
    String path = source.toString();
    String className =
        path.substring(path.indexOf("/src/main/java/") + "/src/main/java/".length())
            .replace(".java", "")
            .replace('/', '.');
    Set<String> out = new TreeSet<>();
    if (!className.matches(".*(Settings|Config|Topics|Attributes|Headers)")) {
      return out; // loading a class runs its static initialiser: only the ones that hold names
    }
    try {
      Class<?> type =
          Class.forName(className, false, DocsNameRealThingsTest.class.getClassLoader());
      for (Class<?> c :
          Stream.concat(Stream.of(type), Stream.of(type.getDeclaredClasses())).toList()) {
        for (Field f : c.getDeclaredFields()) {
          int m = f.getModifiers();
          if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
            f.setAccessible(true);
            Object value = f.get(null);
            if (value != null) {
              out.add((String) value);
            }
          }
        }
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // Not on cli's classpath (a module cli does not depend on): its literals still count.
    }
    return out;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a folder above the working directory holds docs/").isNotNull();
    return dir;
  }
}
