package dev.cab.collector.redact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The secret rules as data: {@code secret-rules.txt} beside this class, read once. The file's
 * header documents the format; each rule carries the synthetic sample that motivates it.
 *
 * @param rules in file order (the order they apply in)
 * @param words the named word lists ({@code credential}, {@code key-qualifier}, {@code provider},
 *     {@code not-credential})
 */
public record SecretRules(List<Rule> rules, Map<String, Set<String>> words) {
  /** The resource the default rules are read from. */
  public static final String RESOURCE = "secret-rules.txt";

  /** How a rule's match is judged. */
  public enum Kind {
    /** The {@code secret} group (or the whole match) is masked. */
    MASK,
    /** The {@code secret} group is masked when the {@code name} group names a credential. */
    NAMED
  }

  /**
   * One rule.
   *
   * @param id its name (most follow gitleaks' rule ids)
   * @param kind how a match is judged
   * @param keywords lower-case; the regex runs only on a text holding one
   * @param pattern compiled once
   * @param sample a synthetic text the rule must mask
   */
  public record Rule(String id, Kind kind, List<String> keywords, Pattern pattern, String sample) {}

  public SecretRules {
    rules = List.copyOf(rules);
    words = Map.copyOf(words);
  }

  private static volatile SecretRules defaults;

  /** The rules shipped with the collector. */
  public static SecretRules defaults() {
    SecretRules d = defaults;
    if (d == null) {
      try (InputStream in = SecretRules.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCE);
        }
        d = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE, e);
      }
      defaults = d;
    }
    return d;
  }

  /**
   * Parses the rule format.
   *
   * @throws IllegalArgumentException naming the line of the first problem
   */
  public static SecretRules parse(String text) {
    List<Rule> rules = new ArrayList<>();
    Map<String, Set<String>> words = new LinkedHashMap<>();
    Map<String, String> block = new HashMap<>();
    int blockLine = 0;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i <= lines.length; i++) {
      String line = i < lines.length ? lines[i].strip() : "";
      if (line.startsWith("#")) {
        continue;
      }
      if (line.isEmpty()) {
        if (!block.isEmpty()) {
          rules.add(rule(block, blockLine));
          block.clear();
        }
        continue;
      }
      int space = line.indexOf(' ');
      String field = space < 0 ? line : line.substring(0, space);
      String value = space < 0 ? "" : line.substring(space + 1).strip();
      if (field.equals("words")) {
        String[] list = value.split("\\s+");
        words.put(
            list[0],
            Set.copyOf(Arrays.stream(list).skip(1).map(w -> w.toLowerCase(Locale.ROOT)).toList()));
        continue;
      }
      if (block.isEmpty()) {
        blockLine = i + 1;
      }
      if (block.put(field, value) != null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": field '" + field + "' twice");
      }
    }
    for (String list : List.of("credential", "key-qualifier", "provider", "not-credential")) {
      if (!words.containsKey(list)) {
        throw new IllegalArgumentException("missing word list '" + list + "'");
      }
    }
    return new SecretRules(rules, words);
  }

  private static Rule rule(Map<String, String> block, int line) {
    for (String field : block.keySet()) {
      if (!Set.of("rule", "kind", "keywords", "regex", "sample").contains(field)) {
        throw new IllegalArgumentException("line " + line + ": unknown field '" + field + "'");
      }
    }
    String id = require(block, "rule", line);
    String where = "rule " + id + " (line " + line + ")";
    Kind kind =
        switch (block.getOrDefault("kind", "mask")) {
          case "mask" -> Kind.MASK;
          case "named" -> Kind.NAMED;
          default -> throw new IllegalArgumentException(where + ": kind is mask or named");
        };
    List<String> keywords =
        Arrays.stream(require(block, "keywords", line).split(","))
            .map(k -> k.strip().toLowerCase(Locale.ROOT))
            .filter(k -> !k.isEmpty())
            .toList();
    if (keywords.isEmpty()) {
      throw new IllegalArgumentException(where + ": no keywords");
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(require(block, "regex", line));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(where + ": bad regex: " + e.getMessage(), e);
    }
    boolean hasSecret = pattern.pattern().contains("(?<secret>");
    if (kind == Kind.NAMED && (!hasSecret || !pattern.pattern().contains("(?<name>"))) {
      throw new IllegalArgumentException(where + ": a named rule needs groups 'name' and 'secret'");
    }
    String sample = require(block, "sample", line).replace("\\n", "\n");
    return new Rule(id, kind, keywords, pattern, sample);
  }

  private static String require(Map<String, String> block, String field, int line) {
    String v = block.get(field);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("line " + line + ": missing field '" + field + "'");
    }
    return v;
  }
}
