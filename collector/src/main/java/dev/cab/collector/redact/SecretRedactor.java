package dev.cab.collector.redact;

import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in span and scorer-event text before anything reaches Kafka or a log line.
 *
 * <p>What it masks:
 *
 * <ul>
 *   <li>provider API keys by format anywhere in a string: OpenAI/Anthropic/DeepSeek-style {@code
 *       sk-...} (incl. {@code sk-proj-}, {@code sk-ant-}), Stripe {@code sk_live_}/{@code rk_}, AWS
 *       access key ids ({@code AKIA...}), GitHub ({@code ghp_}, {@code gho_}, {@code github_pat_}),
 *       GitLab ({@code glpat-}), Google ({@code AIza...}), Slack ({@code xoxb-}...), Hugging Face
 *       ({@code hf_}), npm ({@code npm_}), JWTs and PEM private-key blocks;
 *   <li>the credential of {@code Bearer}/{@code Basic} authorization values and of URLs ({@code
 *       scheme://user:secret@host});
 *   <li>the value of credential-named assignments and command-line flags ({@code
 *       OPENAI_API_KEY=...}, {@code --token=...}, {@code "password": "..."}, {@code --api-key X}),
 *       and in a string array the element that follows a credential-named flag element;
 *   <li>string values (also nested in lists and maps) under credential-named keys, wholesale.
 * </ul>
 *
 * <p>A name is a credential name when one of its words (split at {@code . _ -}, spaces and camel
 * case) is password, passwd, passphrase, secret, token, credential(s), authorization, apikey, or
 * when it holds the pair api+key, private+key, access+key or secret+key. Plural {@code tokens} is
 * deliberately not one: {@code gen_ai.usage.input_tokens} and {@code prompt_tokens} are counts.
 * Numbers and booleans under credential names are kept (a count is not a secret).
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

  private static final Set<String> CREDENTIAL_WORDS =
      Set.of(
          "password",
          "passwd",
          "passphrase",
          "secret",
          "secrets",
          "token",
          "credential",
          "credentials",
          "authorization",
          "apikey",
          "privatekey");

  private static final Set<String> CREDENTIAL_QUALIFIED_KEY = Set.of("api", "private", "access");

  /** Provider key formats; group 1 is the non-secret prefix that is kept. */
  private static final Pattern PROVIDER_KEY =
      Pattern.compile(
          // the lookahead rejects most positions with one character test before the alternation
          "(?<![A-Za-z0-9_])(?=[sSrwAghxnpe])(?:"
              + String.join(
                  "|",
                  // OpenAI, Anthropic, DeepSeek, OpenRouter... (sk-proj-, sk-ant-api03-, sk-or-v1-)
                  // (with a digit, or long: "sk-learn-..." in prose is not a key)
                  "(sk-)(?:(?=[A-Za-z0-9_\\-]*[0-9])[A-Za-z0-9][A-Za-z0-9_\\-]{15,}"
                      + "|[A-Za-z0-9][A-Za-z0-9_\\-]{31,})",
                  // Stripe secret and restricted keys, webhook secrets
                  "((?:sk|rk)_(?:live|test)_)[A-Za-z0-9]{10,}",
                  "(whsec_)[A-Za-z0-9]{16,}",
                  // AWS access key ids
                  "((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA))[A-Z0-9]{16}(?![A-Za-z0-9])",
                  // GitHub tokens and fine-grained PATs
                  "(gh[pousr]_)[A-Za-z0-9]{30,}",
                  "(github_pat_)[A-Za-z0-9_]{22,}",
                  // GitLab
                  "(glpat-)[A-Za-z0-9_\\-]{20,}",
                  // Google API keys
                  "(AIza)[0-9A-Za-z_\\-]{35}",
                  // Slack bot/user/app tokens
                  "(xox[abposre]-)[A-Za-z0-9\\-]{10,}",
                  "(xapp-)[A-Za-z0-9\\-]{10,}",
                  // Hugging Face, npm, PyPI, Groq, Replicate, xAI
                  "(hf_)[A-Za-z0-9]{30,}",
                  "(npm_)[A-Za-z0-9]{36}",
                  "(pypi-)[A-Za-z0-9_\\-]{50,}",
                  "(gsk_)[A-Za-z0-9]{40,}",
                  "(r8_)[A-Za-z0-9]{30,}",
                  "(xai-)[A-Za-z0-9]{40,}",
                  // JWTs: header.payload.signature, header and payload base64url JSON
                  "()eyJ[A-Za-z0-9_\\-]{5,}\\.eyJ[A-Za-z0-9_\\-]{5,}\\.[A-Za-z0-9_\\-]{8,}")
              + ")");

  private static final Pattern PRIVATE_KEY_BLOCK =
      Pattern.compile(
          "(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\\s\\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)");

  /**
   * {@code Bearer x}, {@code Basic x}: the scheme is kept, the credential masked. In free text the
   * credential must look like one (8+ characters with a digit or symbol, or 16+ letters), so that
   * prose such as "Basic functionality" survives; after an {@code Authorization} name any value is
   * masked by {@link #ASSIGNMENT}.
   */
  private static final Pattern AUTH_SCHEME =
      Pattern.compile(
          "(?i)(?<![A-Za-z0-9])((?:bearer|basic)\\s+)"
              + "((?:(?=[A-Za-z0-9\\-._~+/]*[0-9+/._~\\-])[A-Za-z0-9\\-._~+/]{8,}"
              + "|[A-Za-z0-9\\-._~+/]{16,})=*)");

  /** {@code scheme://user:password@host}. */
  private static final Pattern URL_CREDENTIALS =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^\\s/:@]*:)([^\\s/@]+)(@)");

  /**
   * {@code name=value}, {@code name: value}, {@code "name": "value"}, {@code --name=value}: groups
   * name, separator, optional auth scheme, value. The name is checked by {@link #isCredentialName}.
   */
  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "(?<![A-Za-z0-9_.])([A-Za-z][A-Za-z0-9_.\\-]*+)(\"?'?\\s*[=:]\\s*[\"']?)"
              + "((?i:bearer|basic|token)\\s+)?([^\\s\"'&,;}\\]]+)");

  /** {@code --name value} in one command-line string. */
  private static final Pattern FLAG_WITH_VALUE =
      Pattern.compile(
          "(?<![A-Za-z0-9_])(--?[A-Za-z][A-Za-z0-9_.\\-]*+)(\\s+)([\"']?)([^\\s\"'-][^\\s\"']*)");

  /** A command-line flag element of an argv array: {@code --api-key}, {@code -token}. */
  private static final Pattern FLAG_ELEMENT = Pattern.compile("--?([A-Za-z][A-Za-z0-9_.\\-]*)");

  /** Attribute keys and flag names repeat endlessly: remember the verdict for a bounded set. */
  private static final int NAME_CACHE_LIMIT = 10_000;

  private static final Map<String, Boolean> NAME_CACHE = new ConcurrentHashMap<>();

  /** Whether a key, flag or variable name names a credential (see the class comment). */
  public static boolean isCredentialName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    Boolean cached = NAME_CACHE.get(name);
    if (cached != null) {
      return cached;
    }
    boolean verdict = scanWords(name);
    if (NAME_CACHE.size() < NAME_CACHE_LIMIT) {
      NAME_CACHE.put(name, verdict);
    }
    return verdict;
  }

  /**
   * Splits at non-alphanumerics and camel-case boundaries ({@code apiKey}, {@code APIKey}) and
   * looks for a credential word or pair.
   */
  private static boolean scanWords(String name) {
    String previous = "";
    int start = -1;
    int n = name.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? name.charAt(i) : ' ';
      boolean alnum = c < 128 && Character.isLetterOrDigit(c);
      boolean boundary = !alnum;
      if (alnum && start >= 0 && i > start) {
        char p = name.charAt(i - 1);
        boolean upper = Character.isUpperCase(c);
        // fooBar | FOOBar (the last capital starts the next word)
        boundary =
            upper
                && (Character.isLowerCase(p)
                    || Character.isDigit(p)
                    || (Character.isUpperCase(p)
                        && i + 1 < n
                        && Character.isLowerCase(name.charAt(i + 1))));
      }
      if (boundary && start >= 0) {
        String word = name.substring(start, i).toLowerCase(Locale.ROOT);
        if (CREDENTIAL_WORDS.contains(word)) {
          return true;
        }
        if (word.equals("key")
            && (CREDENTIAL_QUALIFIED_KEY.contains(previous) || previous.equals("secret"))) {
          return true;
        }
        previous = word;
        start = -1;
      }
      if (alnum && start < 0) {
        start = i;
      }
    }
    return false;
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
        new SpanRecord(
            span.schemaVersion(),
            identity(span.cell(), count),
            span.traceId(),
            span.spanId(),
            span.parentSpanId(),
            text(span.name(), count),
            text(span.kind(), count),
            span.startTime(),
            span.endTime(),
            span.statusCode(),
            text(span.statusMessage(), count),
            map(span.attributes(), count),
            map(span.resource(), count));
    return new Result<>(out, count[0]);
  }

  /** Masks a scorer event: identity, label, explanation, breakdown and attributes. */
  public Result<ScoreEvent> redactScore(ScoreEvent event) {
    int[] count = {0};
    ScoreEvent out =
        new ScoreEvent(
            event.schemaVersion(),
            identity(event.cell(), count),
            event.traceId(),
            event.spanId(),
            text(event.axis(), count),
            event.scoreValue(),
            text(event.scoreLabel(), count),
            text(event.explanation(), count),
            map(event.breakdown(), count),
            map(event.attributes(), count),
            event.time());
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
    if (key != null && isCredentialName(key)) {
      return wholesale(value, count);
    }
    return switch (value) {
      case String s -> text(s, count);
      case List<?> list -> list(list, count);
      case Map<?, ?> m -> nestedMap(m, count);
      case null, default -> value;
    };
  }

  /** Masks every string under a credential-named key; numbers and booleans are kept. */
  private Object wholesale(Object value, int[] count) {
    return switch (value) {
      case String s when s.isEmpty() || s.equals(MASK) -> s;
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
   * ({@code "--api-key", "sk-..."}) is masked wholesale, whatever its format.
   */
  private List<Object> list(List<?> in, int[] count) {
    List<Object> out = new ArrayList<>(in.size());
    boolean maskNext = false;
    for (Object element : in) {
      if (maskNext && element instanceof String s && !s.startsWith("--")) {
        out.add(wholesale(s, count));
        maskNext = false;
        continue;
      }
      maskNext = false;
      if (element instanceof String s && s.startsWith("-")) {
        Matcher flag = FLAG_ELEMENT.matcher(s);
        if (flag.matches() && isCredentialName(flag.group(1))) {
          maskNext = true;
        }
      }
      out.add(value(null, element, count));
    }
    return Collections.unmodifiableList(out);
  }

  private String text(String s, int[] count) {
    if (s == null || s.length() < 6) {
      return s;
    }
    // cheap character checks decide which patterns can match at all: most attribute strings
    // (paths, names, prose) skip most scans
    boolean hasDash = s.indexOf('-') >= 0;
    boolean hasAssign = s.indexOf('=') >= 0 || s.indexOf(':') >= 0;
    String out = s;
    if (hasDash && s.contains("PRIVATE KEY")) {
      out = replace(PRIVATE_KEY_BLOCK, out, count, m -> m.group(1) + MASK + m.group(2));
    }
    if (hasKeyLikeRun(out)) {
      out = replace(PROVIDER_KEY, out, count, m -> firstGroup(m) + MASK);
    }
    if (containsIgnoreCase(out, "bearer") || containsIgnoreCase(out, "basic")) {
      out = replace(AUTH_SCHEME, out, count, m -> m.group(1) + MASK);
    }
    if (out.contains("://") && out.indexOf('@') >= 0) {
      out = replace(URL_CREDENTIALS, out, count, m -> m.group(1) + MASK + m.group(3));
    }
    if (hasAssign) {
      out =
          replace(
              ASSIGNMENT,
              out,
              count,
              m ->
                  isCredentialName(m.group(1)) && !isMasked(m.group(4))
                      ? m.group(1) + m.group(2) + nullToEmpty(m.group(3)) + MASK
                      : null);
    }
    if (hasDash && hasWhitespace(out)) {
      out =
          replace(
              FLAG_WITH_VALUE,
              out,
              count,
              m ->
                  isCredentialName(m.group(1)) && !isMasked(m.group(4))
                      ? m.group(1) + m.group(2) + m.group(3) + MASK
                      : null);
    }
    return out;
  }

  /** Shortest provider key: {@code xoxb-} and 10 characters. */
  private static final int SHORTEST_KEY = 15;

  /** Whether {@code s} has a run of key characters long enough to hold a provider key. */
  private static boolean hasKeyLikeRun(String s) {
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.') {
        if (++run >= SHORTEST_KEY) {
          return true;
        }
      } else {
        run = 0;
      }
    }
    return false;
  }

  private static boolean hasWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsIgnoreCase(String s, String lowerNeedle) {
    int n = lowerNeedle.length();
    for (int i = 0; i + n <= s.length(); i++) {
      if (s.regionMatches(true, i, lowerNeedle, 0, n)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMasked(String value) {
    // the value pattern stops at ']', so a masked value reads "[REDACTED" or "sk-[REDACTED"
    return value.contains("[REDACTED");
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String firstGroup(Matcher m) {
    for (int g = 1; g <= m.groupCount(); g++) {
      if (m.group(g) != null) {
        return m.group(g);
      }
    }
    return "";
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
