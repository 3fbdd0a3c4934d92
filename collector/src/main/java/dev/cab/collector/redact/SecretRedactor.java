package dev.cab.collector.redact;

import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in span and scorer-event text before anything reaches Kafka or a log line.
 *
 * <p>What a secret looks like is data, not code: {@code secret-rules.txt} beside this class ({@link
 * SecretRules}) holds every rule with the synthetic sample that motivates it: provider key formats
 * (the gitleaks default rule set's providers: cloud, LLM, chat, CI, package registries...), webhook
 * URLs, URL and connection-string credentials, PEM private keys, JWTs, authorization values, and
 * the values of credential names in {@code key=value}, {@code KEY: value}, {@code "key": "value"},
 * {@code --flag value} shapes. One Aho-Corasick pass over each string finds the rules whose
 * keywords occur; only those run, their regexes compiled once.
 *
 * <p>Attribute values are judged by their key too ({@link CredentialNames}): a string under a key
 * whose last word is a credential word ({@code github.token}, {@code db.password}) is masked
 * wholesale; under a key that merely holds such a word ({@code token_count_msg}) it is scanned like
 * any text, and masked whole only if it is one random-looking token. In a string array the element
 * after a credential-named flag element ({@code "--api-key", "..."}) is masked the same way.
 * Numbers and booleans are kept (a count is not a secret).
 *
 * <p>The replacement is {@link #MASK}, after the fixed, non-secret prefix of the key format ({@code
 * sk-[REDACTED]}, {@code Bearer [REDACTED]}) so a reader still sees what kind of secret leaked.
 *
 * <p>Pure and thread-safe: every method returns new values and the number of masks applied.
 */
public final class SecretRedactor {
  /** What a secret is replaced with. */
  public static final String MASK = "[REDACTED]";

  /** A redacted value and how many secrets were masked in it. */
  public record Result<T>(T value, int redactions) {}

  /** Strings shorter than this hold no secret worth a scan (a masked value is longer). */
  private static final int MIN_TEXT = 6;

  private static final SecretRedactor DEFAULT = new SecretRedactor(SecretRules.defaults());

  private final List<SecretRules.Rule> rules;
  private final boolean[] hasSecretGroup;
  private final KeywordIndex index;
  private final CredentialNames names;

  /**
   * Every word a credential name can hold (credential and provider words, {@code key}): a named
   * rule masks only under a name whose verdict is not NONE, and such a name holds one of these
   * words, so a text holding none of them is left to the other rules. The named rules' keywords
   * ({@code =}, {@code :}, {@code -}) are in nearly every string, and their regexes were most of
   * the collector's redaction time (docs/PERFORMANCE.md). Null: no gate (tests compare both).
   */
  private final KeywordIndex nameWords;

  /** The redactor of the collector's own rules. */
  public SecretRedactor() {
    this(SecretRules.defaults());
  }

  /** A redactor of the given rules. */
  public SecretRedactor(SecretRules rules) {
    this(rules, true);
  }

  /** A redactor of the given rules; without the gate every named rule runs on every keyword hit. */
  SecretRedactor(SecretRules rules, boolean gateNamedRules) {
    this.rules = rules.rules();
    this.hasSecretGroup = new boolean[this.rules.size()];
    for (int i = 0; i < this.rules.size(); i++) {
      hasSecretGroup[i] = this.rules.get(i).pattern().namedGroups().containsKey("secret");
    }
    this.index = new KeywordIndex(this.rules.stream().map(SecretRules.Rule::keywords).toList());
    this.names = new CredentialNames(rules.words());
    this.nameWords = gateNamedRules ? new KeywordIndex(List.of(nameWords(rules))) : null;
  }

  private static List<String> nameWords(SecretRules rules) {
    List<String> words = new ArrayList<>(rules.words().get("credential"));
    words.addAll(rules.words().get("provider"));
    words.addAll(CredentialNames.CREDENTIAL_SUFFIXES);
    words.add("key");
    return words;
  }

  /**
   * Whether a key, flag or variable name names a credential so strongly that its value is masked
   * whatever it looks like (see {@link CredentialNames}).
   */
  public static boolean isCredentialName(String name) {
    return DEFAULT.names.verdict(name) == CredentialNames.Verdict.STRONG;
  }

  /** Masks every secret in a free-text string. */
  public Result<String> redactText(String text) {
    int[] count = {0};
    String out = text(text, count);
    return new Result<>(out, count[0]);
  }

  /** Masks an attribute value (string, list, map or scalar) stored under {@code key}. */
  public Result<Object> redactAttribute(String key, Object value) {
    int[] count = {0};
    Object out = value(key, value, count);
    return new Result<>(out, count[0]);
  }

  /** Masks a whole attribute map (keys are kept, values masked by key and content). */
  public Result<Map<String, Object>> redactAttributes(Map<String, Object> attributes) {
    int[] count = {0};
    Map<String, Object> out = map(attributes, count);
    return new Result<>(out, count[0]);
  }

  /** Masks a span: name, status message, identity, span and resource attributes. */
  public Result<SpanRecord> redactSpan(SpanRecord span) {
    int[] count = {0};
    SpanRecord out =
        span.withCell(identity(span.cell(), count))
            .withName(text(span.name(), count))
            .withKind(text(span.kind(), count))
            .withStatusMessage(text(span.statusMessage(), count))
            .withAttributes(map(span.attributes(), count))
            .withResource(map(span.resource(), count));
    return new Result<>(out, count[0]);
  }

  /** Masks a scorer event: identity, label, explanation, breakdown and attributes. */
  public Result<ScoreEvent> redactScore(ScoreEvent event) {
    int[] count = {0};
    ScoreEvent out =
        event
            .withCell(identity(event.cell(), count))
            .withAxis(text(event.axis(), count))
            .withScoreLabel(text(event.scoreLabel(), count))
            .withExplanation(text(event.explanation(), count))
            .withBreakdown(map(event.breakdown(), count))
            .withAttributes(map(event.attributes(), count));
    return new Result<>(out, count[0]);
  }

  private CellIdentity identity(CellIdentity cell, int[] count) {
    if (cell == null) {
      return null;
    }
    return new CellIdentity(
        text(cell.cellId(), count),
        text(cell.sweepId(), count),
        text(cell.tui(), count),
        text(cell.model(), count),
        text(cell.task(), count),
        text(cell.category(), count));
  }

  private Map<String, Object> map(Map<String, Object> in, int[] count) {
    if (in == null || in.isEmpty()) {
      return in;
    }
    Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
    for (Map.Entry<String, Object> e : in.entrySet()) {
      out.put(e.getKey(), value(e.getKey(), e.getValue(), count));
    }
    return Collections.unmodifiableMap(out);
  }

  private Object value(String key, Object value, int[] count) {
    return value(key == null ? CredentialNames.Verdict.NONE : names.verdict(key), value, count);
  }

  /** A value judged by the verdict on its name. */
  private Object value(CredentialNames.Verdict verdict, Object value, int[] count) {
    if (verdict == CredentialNames.Verdict.STRONG) {
      return wholesale(value, count);
    }
    return switch (value) {
      case String s
          when verdict == CredentialNames.Verdict.WEAK && CredentialNames.looksRandom(s) -> {
        count[0]++;
        yield MASK;
      }
      case String s -> text(s, count);
      case List<?> list -> list(list, count);
      case Map<?, ?> m -> nestedMap(m, count);
      case null, default -> value;
    };
  }

  /** Masks every string under a credential name; numbers, booleans and placeholders are kept. */
  private Object wholesale(Object value, int[] count) {
    return switch (value) {
      case String s when isMasked(s) || CredentialNames.isPlaceholder(s) -> s;
      case String s -> {
        count[0]++;
        yield MASK;
      }
      case List<?> list -> {
        List<Object> out = new ArrayList<>(list.size());
        for (Object o : list) {
          out.add(wholesale(o, count));
        }
        yield Collections.unmodifiableList(out);
      }
      case Map<?, ?> m -> {
        Map<String, Object> out = new LinkedHashMap<>(m.size() * 2);
        m.forEach((k, v) -> out.put(String.valueOf(k), wholesale(v, count)));
        yield Collections.unmodifiableMap(out);
      }
      case null, default -> value;
    };
  }

  private Map<String, Object> nestedMap(Map<?, ?> in, int[] count) {
    Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
    in.forEach((k, v) -> out.put(String.valueOf(k), value(String.valueOf(k), v, count)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * A list is an argv when it holds flags: the element after a credential-named flag element
   * ({@code "--api-key", "sk-..."}) is judged as the value of that name.
   */
  private List<Object> list(List<?> in, int[] count) {
    List<Object> out = new ArrayList<>(in.size());
    CredentialNames.Verdict flag = CredentialNames.Verdict.NONE;
    int flagAt = -2;
    for (int i = 0; i < in.size(); i++) {
      Object element = in.get(i);
      if (flagAt == i - 1 && element instanceof String s && !s.startsWith("-")) {
        if (flag != CredentialNames.Verdict.NONE) {
          out.add(value(flag, s, count));
          flagAt = -1;
          continue;
        }
        if (maskedInCommandLine(in, i, count)) {
          out.add(MASK);
          flagAt = -1;
          continue;
        }
      }
      flagAt = -1;
      if (element instanceof String s && isFlagElement(s)) {
        flag = names.verdict(s);
        flagAt = i;
      }
      out.add(value(CredentialNames.Verdict.NONE, element, count));
    }
    return Collections.unmodifiableList(out);
  }

  /** How many elements before a flag's value give the rules their context ("docker login -p"). */
  private static final int ARGV_WINDOW = 8;

  /** {@code -p}, {@code --user}, {@code Authorization:}: an element naming the next one. */
  private static boolean isFlagElement(String s) {
    int n = s.length();
    return n > 1
        && ((s.charAt(0) == '-' && s.indexOf('=') < 0)
            || (s.charAt(n - 1) == ':' && s.indexOf(' ') < 0));
  }

  /**
   * Whether the rules mask the value after a flag whose name says nothing ({@code docker login -u
   * bot -p VALUE}, {@code curl -u user:VALUE}): the command line up to the value is scanned as one
   * text, so every rule of the file applies to argv arrays as well.
   */
  private boolean maskedInCommandLine(List<?> in, int valueAt, int[] count) {
    StringBuilder line = new StringBuilder();
    for (int j = Math.max(0, valueAt - ARGV_WINDOW); j <= valueAt; j++) {
      if (!(in.get(j) instanceof String s)) {
        return false;
      }
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(s);
    }
    String value = (String) in.get(valueAt);
    if (isMasked(value)) {
      return false;
    }
    int[] scratch = {0};
    String out = text(line.toString(), scratch);
    if (out.endsWith(value)) {
      return false;
    }
    count[0]++;
    return true;
  }

  private String text(String s, int[] count) {
    if (s == null || s.length() < MIN_TEXT) {
      return s;
    }
    BitSet hits = index.matches(s);
    if (hits == null) {
      return s;
    }
    String out = s;
    String gated = null; // the text the gate last judged (rules may have changed it since)
    boolean mayNameCredential = true;
    for (int r = hits.nextSetBit(0); r >= 0; r = hits.nextSetBit(r + 1)) {
      if (nameWords != null && rules.get(r).kind() == SecretRules.Kind.NAMED) {
        if (gated != out) {
          mayNameCredential = nameWords.matches(out) != null;
          gated = out;
        }
        if (!mayNameCredential) {
          continue;
        }
      }
      out = apply(r, out, count);
    }
    return out;
  }

  private String apply(int r, String in, int[] count) {
    SecretRules.Rule rule = rules.get(r);
    if (rule.kind() == SecretRules.Kind.NAMED) {
      return replace(
          rule.pattern(),
          in,
          count,
          m -> {
            String secret = m.group("secret");
            if (isMasked(secret) || !maskNamed(m.group("name"), secret)) {
              return null;
            }
            return maskGroup(in, m, "secret");
          });
    }
    boolean group = hasSecretGroup[r];
    return replace(
        rule.pattern(),
        in,
        count,
        m -> {
          if (!group) {
            return isMasked(m.group()) ? null : MASK;
          }
          String secret = m.group("secret");
          return secret == null || secret.isEmpty() || isMasked(secret)
              ? null
              : maskGroup(in, m, "secret");
        });
  }

  private boolean maskNamed(String name, String value) {
    return switch (names.verdict(name)) {
      case STRONG -> !CredentialNames.isPlaceholder(value);
      case WEAK -> CredentialNames.looksRandom(value);
      case NONE -> false;
    };
  }

  /** The match with its group masked and the rest kept. */
  private static String maskGroup(String in, Matcher m, String group) {
    return in.substring(m.start(), m.start(group)) + MASK + in.substring(m.end(group), m.end());
  }

  private static boolean isMasked(String value) {
    // a value pattern may stop at ']', so a masked value reads "[REDACTED" or "sk-[REDACTED"
    return value.contains("[REDACTED");
  }

  private interface Replacer {
    /** The replacement text, or null to keep the match. */
    String apply(Matcher m);
  }

  private static String replace(Pattern pattern, String in, int[] count, Replacer replacer) {
    Matcher m = pattern.matcher(in);
    StringBuilder sb = null;
    int last = 0;
    int from = 0;
    while (from <= in.length() && m.find(from)) {
      String replacement = replacer.apply(m);
      if (replacement == null) {
        // a kept match may hide a secret that starts inside it ("a: password=x"): look again
        // from the next character, not from the end of the match
        from = m.start() + 1;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(in.length());
      }
      sb.append(in, last, m.start()).append(replacement);
      last = m.end();
      from = Math.max(m.end(), m.start() + 1);
      count[0]++;
    }
    if (sb == null) {
      return in;
    }
    return sb.append(in, last, in.length()).toString();
  }
}
