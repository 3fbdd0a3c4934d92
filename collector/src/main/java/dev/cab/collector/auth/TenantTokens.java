package dev.cab.collector.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bearer tokens the collector accepts, read from the file named by {@code
 * collector.auth.tokens.file}: one line per token, {@code <tenant> <sha256 hex of the token>
 * <sweep-id prefix>}, {@code #} starts a comment. The prefix {@code *} lets a tenant write any
 * sweep. Only hashes are kept, so the file holds no secret: create a line with {@code printf %s
 * "$TOKEN" | sha256sum}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TenantTokens {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

  private final Map<String, Tenant> byHash;

  private TenantTokens(Map<String, Tenant> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  /**
   * Reads a tokens file.
   *
   * @throws IllegalArgumentException naming every bad line (the file's name and line numbers)
   * @throws IOException when the file cannot be read
   */
  public static TenantTokens load(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses the lines of a tokens file.
   *
   * @param source named in problems
   * @throws IllegalArgumentException naming every bad line
   */
  public static TenantTokens parse(List<String> lines, String source) {
    Map<String, Tenant> byHash = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (content.isEmpty()) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      String[] f = content.split("\\s+");
      if (f.length != 3) {
        problems.add(where + "want '<tenant> <sha256 hex of the token> <sweep-id prefix>'");
        continue;
      }
      if (!NAME.matcher(f[0]).matches()) {
        problems.add(where + "tenant '" + f[0] + "' is not a name ([A-Za-z0-9_.-], 64 at most)");
      }
      if (!SHA256_HEX.matcher(f[1]).matches()) {
        // never echo the field: it may be a token pasted by mistake
        problems.add(where + "the second field is not 64 hex digits (the SHA-256 of the token)");
        continue;
      }
      Tenant tenant = new Tenant(f[0], f[2].equals("*") ? "" : f[2]);
      if (byHash.put(f[1].toLowerCase(Locale.ROOT), tenant) != null) {
        problems.add(where + "the same token hash appears twice");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    if (byHash.isEmpty()) {
      throw new IllegalArgumentException(source + ": no token lines");
    }
    return new TenantTokens(byHash);
  }

  /** The tenant of a bearer token, or null for an unknown one. */
  public Tenant tenantOf(String token) {
    return byHash.get(sha256Hex(token));
  }

  /** How many tokens are accepted. */
  public int size() {
    return byHash.size();
  }

  /** The lower-case hex SHA-256 of a token's UTF-8 bytes, as the tokens file wants it. */
  public static String sha256Hex(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
