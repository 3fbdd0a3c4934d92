package dev.cab.collector.auth;

import dev.cab.model.config.ConfigValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The collector's doors: who may send (bearer tokens), how much (per-tenant rates) and over what
 * (TLS). Part of {@code CollectorSettings}; every key is overridable by its environment variable.
 *
 * @param tokens {@code collector.auth.tokens.file}: the accepted tokens; null = no authentication
 *     (every request is the open tenant)
 * @param requestsPerSecond {@code collector.tenant.max.requests.per.second}: export requests per
 *     second and tenant (0 = unlimited); over it: 429 / RESOURCE_EXHAUSTED with a retry delay
 * @param bytesPerSecond {@code collector.tenant.max.bytes.per.second}: request bytes per second and
 *     tenant (0 = unlimited); over it: 429 / RESOURCE_EXHAUSTED with a retry delay
 * @param keystore {@code collector.tls.keystore.file}: a PKCS#12 (or JKS) keystore with the
 *     server's certificate and key; null = plain text
 * @param keystorePassword {@code collector.tls.keystore.password} (masked in logs)
 */
public record AuthSettings(
    TenantTokens tokens,
    double requestsPerSecond,
    long bytesPerSecond,
    Path keystore,
    String keystorePassword) {
  public static final String TOKENS_FILE = "collector.auth.tokens.file";
  public static final String REQUESTS_PER_SECOND = "collector.tenant.max.requests.per.second";
  public static final String BYTES_PER_SECOND = "collector.tenant.max.bytes.per.second";
  public static final String TLS_KEYSTORE = "collector.tls.keystore.file";
  public static final String TLS_KEYSTORE_PASSWORD = "collector.tls.keystore.password";

  /** 50 requests/s: a runner's SDK batches every 5 s (spans) or 1 s (logs); many runners share. */
  public static final double DEFAULT_REQUESTS_PER_SECOND = 50;

  /** 32 MiB/s per tenant: two full-size requests a second. */
  public static final long DEFAULT_BYTES_PER_SECOND = 32L * 1024 * 1024;

  /** No tokens, no limits, no TLS (tests). */
  public static AuthSettings open() {
    return new AuthSettings(null, 0, 0, null, "");
  }

  /** Reads the keys; problems go to {@code values}. */
  public static AuthSettings from(ConfigValues values) {
    String tokensFile = values.string(TOKENS_FILE, "");
    TenantTokens tokens = null;
    if (!tokensFile.isEmpty()) {
      try {
        tokens = TenantTokens.load(Path.of(tokensFile));
      } catch (IOException e) {
        values.problem(TOKENS_FILE, "'" + tokensFile + "' cannot be read: " + e);
      } catch (IllegalArgumentException e) {
        values.problem(TOKENS_FILE, e.getMessage());
      }
    }
    double requests = values.doubleValue(REQUESTS_PER_SECOND, DEFAULT_REQUESTS_PER_SECOND);
    long bytes = values.longValue(BYTES_PER_SECOND, DEFAULT_BYTES_PER_SECOND, 0, Long.MAX_VALUE);
    if (requests < 0) {
      values.problem(REQUESTS_PER_SECOND, "must be 0 (unlimited) or more, not " + requests);
    }
    String keystore = values.string(TLS_KEYSTORE, "");
    String password = values.string(TLS_KEYSTORE_PASSWORD, "");
    if (!keystore.isEmpty() && !Files.isReadable(Path.of(keystore))) {
      values.problem(TLS_KEYSTORE, "'" + keystore + "' is not a readable file");
    }
    return new AuthSettings(
        tokens, requests, bytes, keystore.isEmpty() ? null : Path.of(keystore), password);
  }

  /** The authenticator these settings ask for. */
  public Authenticator authenticator() {
    return tokens == null ? Authenticator.open() : Authenticator.requiring(tokens);
  }

  /**
   * The per-tenant limits, for requests of at most {@code maxRequestBytes}; none without tokens
   * (there are no tenants then: the collector-wide in-flight limits still hold).
   */
  public TenantLimits limits(long maxRequestBytes) {
    return tokens == null
        ? TenantLimits.none()
        : new TenantLimits(requestsPerSecond, bytesPerSecond, maxRequestBytes, System::nanoTime);
  }

  /** Whether TLS is on. */
  public boolean tls() {
    return keystore != null;
  }

  @Override
  public String toString() {
    return "AuthSettings[tokens="
        + (tokens == null ? "none" : tokens.size())
        + ", requestsPerSecond="
        + requestsPerSecond
        + ", bytesPerSecond="
        + bytesPerSecond
        + ", keystore="
        + keystore
        + "]";
  }
}
