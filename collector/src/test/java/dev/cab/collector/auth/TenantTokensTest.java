package dev.cab.collector.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantTokensTest {
  private static final String TOKEN = "s3cr3t-token-of-team-a";

  @Test
  void mapsATokenToItsTenantByItsSha256() {
    TenantTokens tokens =
        TenantTokens.parse(
            List.of(
                "# tenants of the benchmark cluster",
                "",
                "team-a " + TenantTokens.sha256Hex(TOKEN) + " team-a-   # trailing comment",
                "ops    " + TenantTokens.sha256Hex("ops-token") + " *"),
            "tokens");
    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.tenantOf(TOKEN)).isEqualTo(new Tenant("team-a", "team-a-"));
    assertThat(tokens.tenantOf("ops-token").mayWrite("anything")).isTrue();
    assertThat(tokens.tenantOf("other")).isNull();
    assertThat(TenantTokens.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void namesEveryBadLineWithoutEchoingWhatMayBeAToken() {
    assertThatThrownBy(
            () ->
                TenantTokens.parse(
                    List.of("team-a " + TOKEN + " team-a-", "team-b abc", "ok"), "tokens.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokens.txt line 1: the second field is not 64 hex digits")
        .hasMessageContaining("tokens.txt line 2: want")
        .hasMessageContaining("tokens.txt line 3: want")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> TenantTokens.parse(List.of("# nothing"), "empty"))
        .hasMessageContaining("no token lines");
  }

  @Test
  void authenticatesBearerHeadersOnly() throws Exception {
    Authenticator auth =
        Authenticator.requiring(
            TenantTokens.parse(List.of("a " + TenantTokens.sha256Hex(TOKEN) + " a-"), "t"));
    assertThat(auth.authenticate("Bearer " + TOKEN).name()).isEqualTo("a");
    assertThat(auth.authenticate("bearer   " + TOKEN + " ").name()).isEqualTo("a");
    assertThatThrownBy(() -> auth.authenticate(null)).hasMessageContaining("missing bearer token");
    assertThatThrownBy(() -> auth.authenticate("Basic eDp5")).hasMessageContaining("not a bearer");
    assertThatThrownBy(() -> auth.authenticate("Bearer nope")).hasMessage("unknown bearer token");
    assertThat(Authenticator.open().authenticate(null)).isEqualTo(Tenant.OPEN);
  }

  @Test
  void tenantSweepPrefixes() {
    Tenant a = new Tenant("a", "team-a-");
    assertThat(a.mayWrite("team-a-2026-12")).isTrue();
    assertThat(a.mayWrite("team-b-2026-12")).isFalse();
    assertThat(a.mayWrite(null)).isFalse();
    assertThat(Tenant.OPEN.mayWrite(null)).isTrue();
  }

  @Test
  void limitsEachTenantsRequestAndByteRateSeparately() {
    AtomicLong now = new AtomicLong();
    TenantLimits limits = new TenantLimits(2, 1000, 500, now::get);
    Tenant a = new Tenant("a", "");
    Tenant b = new Tenant("b", "");
    // a burst of one second's worth passes, then the rate holds
    assertThat(limits.admitRequest(a)).isZero();
    assertThat(limits.admitRequest(a)).isZero();
    assertThat(limits.admitRequest(a)).isEqualTo(1);
    assertThat(limits.admitRequest(b)).isZero();
    now.addAndGet(500_000_000L);
    assertThat(limits.admitRequest(a)).isZero();
    // bytes: 1000/s, a full bucket takes the largest request
    assertThat(limits.admitBytes(a, 900)).isZero();
    assertThat(limits.admitBytes(a, 500)).isEqualTo(1);
    now.addAndGet(3_000_000_000L);
    assertThat(limits.admitBytes(a, 1000)).isZero();
    assertThat(TenantLimits.none().admitRequest(a)).isZero();
  }
}
