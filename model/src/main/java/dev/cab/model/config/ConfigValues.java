package dev.cab.model.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads typed settings from dotted lower-case keys ({@code sink.batch.max.rows}), the one
 * configuration model of every stage. A key is looked up, first match wins, in: the explicit
 * properties ({@code --set key=value} of {@code ./cab up}, {@code -Dkey=value}, tests), the
 * environment variable of the same name upper-cased with dots as underscores ({@code
 * SINK_BATCH_MAX_ROWS}), the settings file named by {@value CommonSettings#CONFIG_FILE} (a Java
 * properties file), then the default (a named constant of the stage's settings record).
 *
 * <p>Every problem is collected; {@link #validate(String)} then fails once with all of them, one
 * line each naming the key and its environment variable, including keys in the explicit properties
 * or the file that the stage does not know (typos). Unknown environment variables with the stage's
 * prefix are only {@linkplain #warnings() warnings} naming the closest key: the environment is
 * shared with other programs. {@link #describe(String)} renders what was used, secrets masked, for
 * the one start-up log line of each stage.
 *
 * <p>Not thread-safe: build a settings record with it, then drop it.
 */
public final class ConfigValues {
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(password|secret|token|credential|api[._-]?key|\\.key)$");
  private static final String MASK = "******";

  private final Map<String, String> properties;
  private final Map<String, String> env;
  private final Map<String, String> file;
  private final String fileName;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> effective = new TreeMap<>();
  private final Set<String> read = new HashSet<>();

  private ConfigValues(
      Map<String, String> properties,
      Map<String, String> env,
      Map<String, String> file,
      String fileName) {
    this.properties = Map.copyOf(properties);
    this.env = Map.copyOf(env);
    this.file = Map.copyOf(file);
    this.fileName = fileName;
  }

  /**
   * Settings from explicit properties over an environment; no settings file, no {@code -D}.
   *
   * @param properties explicit settings (command-line, tests), by dotted key
   * @param env the process environment ({@code System.getenv()}) or a test's map
   */
  public static ConfigValues of(Map<String, String> properties, Map<String, String> env) {
    return new ConfigValues(properties, env, Map.of(), null);
  }

  /**
   * What a stage process reads: {@code overrides} (e.g. {@code ./cab up --set}), then {@code -D}
   * system properties with the stage's prefix or {@code cab.}, then the environment, then the
   * settings file named by {@value CommonSettings#CONFIG_FILE} (or {@code CAB_CONFIG_FILE}).
   *
   * @param stage the stage name and key prefix, e.g. {@code sink}
   * @param overrides settings that win over everything else
   */
  public static ConfigValues fromProcess(String stage, Map<String, String> overrides) {
    return fromProcess(stage, overrides, System.getenv(), System.getProperties());
  }

  /** {@link #fromProcess(String, Map)} with the environment and system properties given. */
  public static ConfigValues fromProcess(
      String stage,
      Map<String, String> overrides,
      Map<String, String> env,
      Properties systemProperties) {
    Map<String, String> explicit = new HashMap<>();
    for (String name : systemProperties.stringPropertyNames()) {
      if ((name.startsWith(stage + ".") || name.startsWith("cab."))
          && !CommonSettings.LAUNCHER_PROPERTIES.contains(name)) {
        explicit.put(name, systemProperties.getProperty(name));
      }
    }
    explicit.putAll(overrides);
    String fileName = explicit.get(CommonSettings.CONFIG_FILE);
    if (fileName == null) {
      fileName = env.get(envName(CommonSettings.CONFIG_FILE));
    }
    Map<String, String> file = new HashMap<>();
    String fileProblem = null;
    if (fileName != null && !fileName.isBlank()) {
      Path path = Path.of(fileName.trim());
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(path)) {
        p.load(r);
        p.stringPropertyNames().forEach(k -> file.put(k.trim(), p.getProperty(k)));
      } catch (IOException | IllegalArgumentException e) {
        fileProblem = "cannot read it: " + e;
      }
    }
    ConfigValues values =
        new ConfigValues(explicit, env, file, fileName == null ? null : fileName.trim());
    values.string(CommonSettings.CONFIG_FILE, "");
    if (fileProblem != null) {
      values.problem(CommonSettings.CONFIG_FILE, "'" + fileName + "': " + fileProblem);
    }
    return values;
  }

  /** The environment variable that overrides a dotted key. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Whether a key names a secret whose value must never be logged. */
  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  private String raw(String key) {
    read.add(key);
    String v = properties.get(key);
    if (v == null) {
      v = env.get(envName(key));
    }
    if (v == null) {
      v = file.get(key);
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** Whether a value for the key was given anywhere (properties, environment or file). */
  public boolean isSet(String key) {
    String v = properties.get(key);
    if (v == null) {
      v = env.get(envName(key));
    }
    if (v == null) {
      v = file.get(key);
    }
    return v != null && !v.isBlank();
  }

  /** How a problem names a key: {@code sink.batch.max.ms (env SINK_BATCH_MAX_MS)}. */
  public static String where(String key) {
    return key + " (env " + envName(key) + ")";
  }

  private void record(String key, Object value) {
    effective.put(key, value == null ? "" : isSecret(key) ? MASK : String.valueOf(value));
  }

  public String string(String key, String defaultValue) {
    String v = raw(key);
    String result = v == null ? defaultValue : v;
    record(key, result);
    return result;
  }

  /** A setting without a default: missing is a problem. */
  public String required(String key, String meaning) {
    String v = raw(key);
    if (v == null) {
      problems.add(where(key) + " is not set: " + meaning);
    }
    record(key, v);
    return v;
  }

  public int intValue(String key, int defaultValue, int min, int max) {
    return (int) longValue(key, defaultValue, min, max);
  }

  public long longValue(String key, long defaultValue, long min, long max) {
    String v = raw(key);
    long result = defaultValue;
    if (v != null) {
      try {
        result = Long.parseLong(v.replace("_", ""));
      } catch (NumberFormatException e) {
        problems.add(where(key) + " must be a whole number, not '" + v + "'");
      }
    }
    if (result < min || result > max) {
      problems.add(where(key) + " must be between " + min + " and " + max + ", not " + result);
      result = defaultValue;
    }
    record(key, result);
    return result;
  }

  public double doubleValue(String key, double defaultValue) {
    String v = raw(key);
    double result = defaultValue;
    if (v != null) {
      try {
        result = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        problems.add(where(key) + " must be a number, not '" + v + "'");
      }
    }
    record(key, result);
    return result;
  }

  public boolean bool(String key, boolean defaultValue) {
    String v = raw(key);
    boolean result = defaultValue;
    if (v != null) {
      switch (v.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on" -> result = true;
        case "false", "no", "0", "off" -> result = false;
        default -> problems.add(where(key) + " must be true or false, not '" + v + "'");
      }
    }
    record(key, result);
    return result;
  }

  /**
   * A duration in milliseconds; ISO-8601 ({@code PT5S}) is accepted too. Duration keys end in
   * {@code .ms} so the unit is in the name.
   *
   * @throws IllegalArgumentException if {@code key} does not end in {@code .ms} (a programming
   *     error, caught by every stage's settings tests)
   */
  public Duration duration(String key, Duration defaultValue) {
    if (!key.endsWith(".ms")) {
      throw new IllegalArgumentException(
          "duration setting " + key + " must end in .ms so its unit is in its name");
    }
    String v = raw(key);
    Duration result = defaultValue;
    if (v != null) {
      try {
        result =
            v.startsWith("P") || v.startsWith("p")
                ? Duration.parse(v)
                : Duration.ofMillis(Long.parseLong(v.replace("_", "")));
      } catch (RuntimeException e) {
        problems.add(where(key) + " must be milliseconds (or ISO-8601 like PT5S), not '" + v + "'");
      }
    }
    if (result.isNegative()) {
      problems.add(where(key) + " must not be negative, not " + result.toMillis());
      result = defaultValue;
    }
    record(key, result.toMillis());
    return result;
  }

  /** Adds a problem about one key found by cross-field validation; the line names its variable. */
  public void problem(String key, String message) {
    problems.add(where(key) + " " + message);
  }

  /** Adds a problem found by cross-field validation, worded by the caller. */
  public void problem(String message) {
    problems.add(message);
  }

  /** Every problem so far. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * Fails once with every problem collected, after adding one for each key given explicitly or in
   * the settings file that the stage did not read although it owns its prefix ({@code
   * <component>.}) or that is not a shared {@code cab.} key.
   *
   * @throws InvalidConfigException listing each problem on its own line
   */
  public void validate(String component) {
    List<String> all = new ArrayList<>(problems);
    for (String key : new TreeSet<>(properties.keySet())) {
      unknownKey(component, key, "").ifPresent(all::add);
    }
    for (String key : new TreeSet<>(file.keySet())) {
      unknownKey(component, key, " in " + fileName).ifPresent(all::add);
    }
    if (!all.isEmpty()) {
      throw new InvalidConfigException(component, all);
    }
  }

  private java.util.Optional<String> unknownKey(String component, String key, String where) {
    if (read.contains(key) || !owns(component, key)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        where(key) + where + " is not a setting of " + component + closestHint(key));
  }

  private static boolean owns(String component, String key) {
    return key.startsWith(component + ".")
        || (key.startsWith("cab.")
            && !CommonSettings.KEYS.contains(key)
            && !CommonSettings.LAUNCHER_PROPERTIES.contains(key));
  }

  /**
   * Environment variables with the prefix of {@code component} (or {@code CAB_}) that name no
   * setting: likely typos, but the environment is shared, so they are warnings, not problems. Call
   * after every setting has been read.
   */
  public List<String> warnings(String component) {
    String prefix = envName(component) + "_";
    Set<String> known = new HashSet<>();
    read.forEach(k -> known.add(envName(k)));
    CommonSettings.KEYS.forEach(k -> known.add(envName(k)));
    List<String> out = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      boolean ours =
          name.startsWith(prefix)
              || (name.startsWith("CAB_") && !CommonSettings.LAUNCHER_VARIABLES.contains(name));
      if (ours && !known.contains(name)) {
        out.add(
            "environment variable "
                + name
                + " is not a setting of "
                + component
                + " and is ignored"
                + closestHint(name));
      }
    }
    return out;
  }

  private String closestHint(String keyOrEnv) {
    Set<String> candidates = new LinkedHashSet<>(read);
    candidates.addAll(CommonSettings.KEYS);
    String target = envName(keyOrEnv);
    return candidates.stream()
        .min(
            Comparator.comparingInt((String k) -> distance(envName(k), target))
                .thenComparing(k -> k))
        .map(k -> "; closest: " + where(k))
        .orElse("");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The settings as used, secrets masked, sorted by key. */
  public Map<String, String> effective() {
    return Map.copyOf(effective);
  }

  /** The keys read so far: the stage's settings. */
  public Set<String> keys() {
    return Set.copyOf(read);
  }

  /**
   * The one start-up log format of every stage: a header, then {@code key = value} per line,
   * sorted, secrets masked.
   */
  public String describe(String component) {
    return describe(component, effective);
  }

  /** {@link #describe(String)} for an effective map kept by a settings record. */
  public static String describe(String component, Map<String, String> effective) {
    StringBuilder sb = new StringBuilder(component).append(" settings:");
    new TreeMap<>(effective)
        .forEach(
            (k, v) ->
                sb.append("\n  ")
                    .append(k)
                    .append(" = ")
                    .append(isSecret(k) && !v.isEmpty() ? MASK : v));
    return sb.toString();
  }
}
