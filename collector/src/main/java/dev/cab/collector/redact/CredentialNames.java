package dev.cab.collector.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Judges names (attribute keys, variables, flags) and values by the word lists of {@link
 * SecretRules}. A name is split into words at {@code . _ -}, spaces and camel case ({@code apiKey},
 * {@code APIKey}); English compounds put the head noun last, so the last word decides:
 *
 * <ul>
 *   <li>{@link Verdict#STRONG}: the last word is a credential word ({@code GITHUB_TOKEN}, {@code
 *       db.password}, {@code clientSecret}, also a word ending in one: {@code PGPASSWORD}), or
 *       {@code key} after a qualifier ({@code api_key}, {@code AccountKey}): the value is a
 *       credential whatever it looks like;
 *   <li>{@link Verdict#WEAK}: a credential or provider word elsewhere ({@code SECRET_KEY_BASE},
 *       {@code datadog.app}): the value is a credential only if it {@link #looksRandom looks
 *       random};
 *   <li>{@link Verdict#NONE}: anything else, and any name holding a count word ({@code
 *       token_count_msg}, {@code max_tokens}, {@code password_min_length}).
 * </ul>
 *
 * <p>Thread-safe; verdicts are cached for a bounded number of names.
 */
final class CredentialNames {
  /** How strongly a name says its value is a credential. */
  enum Verdict {
    NONE,
    WEAK,
    STRONG
  }

  private static final int CACHE_LIMIT = 10_000;

  /** Shortest value {@link #looksRandom} considers. */
  static final int RANDOM_MIN_LENGTH = 16;

  /** Shannon entropy per character above which a value looks random (hex tops out at 4.0). */
  static final double RANDOM_MIN_ENTROPY = 3.0;

  static final List<String> CREDENTIAL_SUFFIXES =
      List.of("password", "passwd", "passphrase", "secret", "token", "apikey");

  private final Set<String> credential;
  private final Set<String> keyQualifier;
  private final Set<String> provider;
  private final Set<String> notCredential;
  private final Map<String, Verdict> cache = new ConcurrentHashMap<>();

  CredentialNames(Map<String, Set<String>> words) {
    this.credential = words.get("credential");
    this.keyQualifier = words.get("key-qualifier");
    this.provider = words.get("provider");
    this.notCredential = words.get("not-credential");
  }

  Verdict verdict(String name) {
    if (name == null || name.isEmpty()) {
      return Verdict.NONE;
    }
    Verdict cached = cache.get(name);
    if (cached != null) {
      return cached;
    }
    Verdict v = judge(words(name));
    if (cache.size() < CACHE_LIMIT) {
      cache.put(name, v);
    }
    return v;
  }

  private Verdict judge(List<String> words) {
    if (words.isEmpty()) {
      return Verdict.NONE;
    }
    boolean any = false;
    for (String w : words) {
      if (notCredential.contains(w)) {
        return Verdict.NONE;
      }
      any |= isCredentialWord(w) || provider.contains(w);
    }
    String last = words.getLast();
    if (isCredentialWord(last)) {
      return Verdict.STRONG;
    }
    if (last.equals("key")
        && words.size() > 1
        && keyQualifier.contains(words.get(words.size() - 2))) {
      return Verdict.STRONG;
    }
    for (int i = 1; i < words.size(); i++) {
      any |= words.get(i).equals("key") && keyQualifier.contains(words.get(i - 1));
    }
    return any ? Verdict.WEAK : Verdict.NONE;
  }

  private boolean isCredentialWord(String w) {
    if (credential.contains(w)) {
      return true;
    }
    for (String suffix : CREDENTIAL_SUFFIXES) {
      if (w.length() > suffix.length() && w.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /** Splits at non-alphanumerics and camel-case boundaries, lower-cased. */
  static List<String> words(String name) {
    List<String> words = new ArrayList<>(4);
    int start = -1;
    int n = name.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? name.charAt(i) : ' ';
      boolean alnum = c < 128 && Character.isLetterOrDigit(c);
      boolean boundary = !alnum;
      if (alnum && start >= 0 && i > start) {
        char p = name.charAt(i - 1);
        // fooBar | FOOBar (the last capital starts the next word)
        boundary =
            Character.isUpperCase(c)
                && (Character.isLowerCase(p)
                    || Character.isDigit(p)
                    || (Character.isUpperCase(p)
                        && i + 1 < n
                        && Character.isLowerCase(name.charAt(i + 1))));
      }
      if (boundary && start >= 0) {
        words.add(name.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
      if (alnum && start < 0) {
        start = i;
      }
    }
    return words;
  }

  /**
   * Whether a value is a reference to a secret rather than one: {@code $VAR}, {@code ${VAR}},
   * {@code {{ secrets.X }}}, {@code <token>}, code such as {@code os.environ[...]} or {@code
   * getpass()}, a keyword ({@code null}, {@code true}, {@code required}) or a small number.
   */
  static boolean isPlaceholder(String value) {
    if (value.isEmpty()) {
      return true;
    }
    char first = value.charAt(0);
    if (first == '$' || first == '%' || first == '<' || first == '{' || first == '*') {
      return true;
    }
    if (value.indexOf('(') >= 0 || value.indexOf('[') >= 0) {
      return true;
    }
    if (value.length() <= 5 && value.chars().allMatch(Character::isDigit)) {
      return true;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "null", "none", "nil", "true", "false", "required", "optional", "redacted", "xxx" ->
          true;
      default -> false;
    };
  }

  /**
   * Whether a value looks like a random credential: long enough, letters with digits (or both
   * cases), high entropy, and not one of the random-looking identifiers runs are full of (hex
   * digests, git SHAs, trace ids, UUIDs) nor a path.
   */
  static boolean looksRandom(String value) {
    int n = value.length();
    if (n < RANDOM_MIN_LENGTH || n > 4096) {
      return false;
    }
    char first = value.charAt(0);
    if (first == '/' || first == '.' || first == '~') {
      return false;
    }
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean hexOnly = true;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c)) {
        return false;
      }
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
      digit |= c >= '0' && c <= '9';
      hexOnly &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
    }
    if (hexOnly && (n == 32 || n == 36 || n == 40 || n == 64)) {
      return false;
    }
    if (!((lower || upper) && digit) && !(lower && upper && n >= 20)) {
      return false;
    }
    return entropy(value) >= RANDOM_MIN_ENTROPY;
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    double n = s.length();
    for (int count : counts) {
      if (count > 0) {
        double p = count / n;
        h -= p * Math.log(p) / Math.log(2);
      }
    }
    if (other > 0) {
      double p = other / n;
      h -= p * Math.log(p) / Math.log(2);
    }
    return h;
  }
}
