package dev.cab.collector.auth;

/**
 * Who sent a request, from its bearer token, and which sweeps it may write.
 *
 * @param name the tenant's name (from the tokens file; {@code open} when no tokens are configured)
 * @param sweepPrefix the prefix every sweep id it writes must start with; empty for any sweep
 */
public record Tenant(String name, String sweepPrefix) {
  /** The tenant of every request when no tokens file is configured: any sweep, no token. */
  public static final Tenant OPEN = new Tenant("open", "");

  /** Whether this tenant may write a record of sweep {@code sweepId} (null: none given). */
  public boolean mayWrite(String sweepId) {
    return sweepPrefix.isEmpty() || (sweepId != null && sweepId.startsWith(sweepPrefix));
  }
}
