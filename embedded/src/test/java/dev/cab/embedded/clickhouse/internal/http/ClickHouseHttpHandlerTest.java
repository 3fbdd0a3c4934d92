package dev.cab.embedded.clickhouse.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClickHouseHttpHandlerTest {

  @Test
  void quotesSettingValuesUnlessTheyAreNumbers() {
    assertThat(ClickHouseHttpHandler.literal("4")).isEqualTo("4");
    assertThat(ClickHouseHttpHandler.literal("-1.5")).isEqualTo("-1.5");
    assertThat(ClickHouseHttpHandler.literal("best_effort")).isEqualTo("'best_effort'");
    assertThat(ClickHouseHttpHandler.literal("it's \\ x")).isEqualTo("'it\\'s \\\\ x'");
    assertThat(ClickHouseHttpHandler.literal("1; DROP TABLE t")).isEqualTo("'1; DROP TABLE t'");
  }

  @Test
  void backQuotesDatabaseNames() {
    assertThat(ClickHouseHttpHandler.identifier("db")).isEqualTo("`db`");
    assertThat(ClickHouseHttpHandler.identifier("a`b")).isEqualTo("`a\\`b`");
  }

  @Test
  void prefersGzipThenDeflateAndHonoursQZero() {
    assertThat(ClickHouseHttpHandler.chooseEncoding("gzip, deflate, br")).isEqualTo("gzip");
    assertThat(ClickHouseHttpHandler.chooseEncoding("deflate")).isEqualTo("deflate");
    assertThat(ClickHouseHttpHandler.chooseEncoding("gzip;q=0, deflate")).isEqualTo("deflate");
    assertThat(ClickHouseHttpHandler.chooseEncoding("br, zstd")).isNull();
    assertThat(ClickHouseHttpHandler.chooseEncoding(null)).isNull();
  }

  @Test
  void decodesUrlParametersKeepingTheFirstOfRepeatedNames() throws Exception {
    UrlParameters p = UrlParameters.parse("query=SELECT+1%2B1&database=db&query=ignored&flag");

    assertThat(p.get("query")).isEqualTo("SELECT 1+1");
    assertThat(p.get("database")).isEqualTo("db");
    assertThat(p.get("flag")).isEmpty();
    assertThat(p.values()).containsOnlyKeys("query", "database", "flag");
  }

  @Test
  void rejectsUndecodableUrlParametersAsBadArguments() {
    assertThatThrownBy(() -> UrlParameters.parse("query=%zz"))
        .isInstanceOf(RequestFailure.class)
        .extracting(e -> ((RequestFailure) e).code())
        .isEqualTo(ErrorCodes.BAD_ARGUMENTS);
  }

  @Test
  void validatesSessionTimeouts() throws Exception {
    assertThat(SessionRegistry.parseTimeout(null)).isEqualTo(60);
    assertThat(SessionRegistry.parseTimeout("3600")).isEqualTo(3600);
    assertThatThrownBy(() -> SessionRegistry.parseTimeout("3601"))
        .isInstanceOf(RequestFailure.class)
        .extracting(e -> ((RequestFailure) e).code())
        .isEqualTo(ErrorCodes.INVALID_SESSION_TIMEOUT);
    assertThatThrownBy(() -> SessionRegistry.parseTimeout("soon"))
        .isInstanceOf(RequestFailure.class);
  }
}
