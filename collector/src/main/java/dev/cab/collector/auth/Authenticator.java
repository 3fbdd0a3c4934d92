package dev.cab.collector.auth;

import java.util.Locale;

/**
 * Maps the {@code Authorization} header (HTTP) or metadata entry (gRPC) of a request to its tenant:
 * {@code Bearer <token>}, what {@code OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer ...} sends.
 * Without a tokens file every request is the {@link Tenant#OPEN} tenant. Thread-safe.
 */
public final class Authenticator {
  private static final String BEARER = "bearer ";

  private final TenantTokens tokens;

  private Authenticator(TenantTokens tokens) {
    this.tokens = tokens;
  }

  /** No authentication: every request is {@link Tenant#OPEN}. */
  public static Authenticator open() {
    return new Authenticator(null);
  }

  /** Requests need one of these tokens. */
  public static Authenticator requiring(TenantTokens tokens) {
    return new Authenticator(tokens);
  }

  /** Whether requests need a token. */
  public boolean required() {
    return tokens != null;
  }

  /**
   * The tenant of a request.
   *
   * @param authorization the header's value, null when absent
   * @throws AuthenticationException when tokens are required and this is not one of them
   */
  public Tenant authenticate(String authorization) throws AuthenticationException {
    if (tokens == null) {
      return Tenant.OPEN;
    }
    if (authorization == null || authorization.isBlank()) {
      throw new AuthenticationException(
          "missing bearer token: send the header 'Authorization: Bearer <token>'");
    }
    String value = authorization.strip();
    if (value.length() <= BEARER.length()
        || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw new AuthenticationException(
          "the Authorization header is not a bearer token: send 'Authorization: Bearer <token>'");
    }
    Tenant tenant = tokens.tenantOf(value.substring(BEARER.length()).strip());
    if (tenant == null) {
      throw new AuthenticationException("unknown bearer token");
    }
    return tenant;
  }
}
