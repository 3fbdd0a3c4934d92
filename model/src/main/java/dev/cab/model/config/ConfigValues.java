package dev.cab.model.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads typed settings from dotted lower-case keys ({@code sink.batch.max.rows}), each overridable
 * by an environment variable of the same name upper-cased with dots as underscores ({@code
 * SINK_BATCH_MAX_ROWS}). Explicit properties win over the environment, the environment over the
 * defaults. Every problem is collected; {@link #validate(String)} then fails once with all of them.
 * {@link #effective()} lists what was used, secrets masked, for the start-up log.
 *
 * <p>Not thread-safe: build a settings record with it, then drop it.
 */
public final class ConfigValues {
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(password|secret|token|credential|api[._-]?key|\\.key)$");

  private final Map<String, String> properties;
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> effective = new TreeMap<>();

  private ConfigValues(Map<String, String> properties, Map<String, String> env) {
    this.properties = Map.copyOf(properties);
    this.env = Map.copyOf(env);
  }

  /**
   * @param properties explicit settings (command-line, tests), by dotted key
   * @param env the process environment ({@code System.getenv()})
   */
  public static ConfigValues of(Map<String, String> properties, Map<String, String> env) {
    return new ConfigValues(properties, env);
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
    String v = properties.get(key);
    if (v == null) {
      v = env.get(envName(key));
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  private String where(String key) {
    return key + " (env " + envName(key) + ")";
  }

  private void record(String key, Object value) {
    effective.put(key, value == null ? "" : isSecret(key) ? "******" : String.valueOf(value));
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

  /** A duration in milliseconds (plain number) or ISO-8601 ({@code PT5S}). */
  public Duration duration(String key, Duration defaultValue) {
    String v = raw(key);
    Duration result = defaultValue;
    if (v != null) {
      try {
        result =
            v.startsWith("P") || v.startsWith("p")
                ? Duration.parse(v)
                : Duration.ofMillis(Long.parseLong(v.replace("_", "")));
      } catch (RuntimeException e) {
        problems.add(where(key) + " must be milliseconds or ISO-8601 like PT5S, not '" + v + "'");
      }
    }
    if (result.isNegative()) {
      problems.add(where(key) + " must not be negative");
    }
    record(key, result.toMillis() + "ms");
    return result;
  }

  /** Adds a problem found by cross-field validation. */
  public void problem(String message) {
    problems.add(message);
  }

  /** Every problem so far. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * Fails once with every problem collected.
   *
   * @throws InvalidConfigException listing each problem on its own line
   */
  public void validate(String component) {
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(component, problems);
    }
  }

  /** The settings as used, secrets masked, sorted by key: for the start-up log. */
  public Map<String, String> effective() {
    return Map.copyOf(effective);
  }
}
