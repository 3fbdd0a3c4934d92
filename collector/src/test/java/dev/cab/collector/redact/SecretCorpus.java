package dev.cab.collector.redact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The two corpora of the secrets judgement, test resources beside this class: {@code
 * secrets-corpus.tsv} (synthetic credentials of the gitleaks default rule set's providers, each in
 * the text a runner would send) and {@code lookalikes-corpus.tsv} (text that resembles a secret and
 * must survive).
 */
public final class SecretCorpus {
  private SecretCorpus() {}

  /**
   * A planted credential.
   *
   * @param provider the rule or provider it stands for
   * @param text the text a runner sends, the secret inside
   * @param secret the part that must not survive
   */
  public record Planted(String provider, String text, String secret) {
    /** Whether any piece of the secret (12 characters, or all of a shorter one) is in {@code s}. */
    public boolean leaksInto(String s) {
      int w = Math.min(12, secret.length());
      for (int i = 0; i + w <= secret.length(); i++) {
        if (s.contains(secret.substring(i, i + w))) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * A look-alike.
   *
   * @param category what it is (image digest, git SHA, UUID...)
   * @param key the attribute key it travels under, empty for a neutral one
   * @param text the text
   */
  public record LookAlike(String category, String key, String text) {}

  public static List<Planted> secrets() {
    List<Planted> out = new ArrayList<>();
    for (String[] f : rows("secrets-corpus.tsv", 3)) {
      out.add(new Planted(f[0], unescape(f[1]), f[2]));
    }
    return out;
  }

  public static List<LookAlike> lookAlikes() {
    List<LookAlike> out = new ArrayList<>();
    for (String[] f : rows("lookalikes-corpus.tsv", 3)) {
      out.add(new LookAlike(f[0], f[1], unescape(f[2])));
    }
    return out;
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n");
  }

  private static List<String[]> rows(String resource, int fields) {
    try (InputStream in = SecretCorpus.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      List<String[]> rows = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != fields) {
          throw new IllegalStateException(resource + ": not " + fields + " fields: " + line);
        }
        rows.add(f);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
