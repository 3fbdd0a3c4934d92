package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.ServerException;
import dev.cab.sink.clickhouse.ClickHouseErrors.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClickHouseErrorsTest {

  private static SQLException server(int code) {
    ServerException cause =
        new ServerException(code, "Code: " + code + ". DB::Exception: something", 500, "q1");
    return new SQLException(cause.getMessage(), "22000", code, cause);
  }

  @ParameterizedTest
  @ValueSource(ints = {159, 202, 209, 210, 241, 252, 319})
  void retriesServerOverloadAndNetworkCodes(int code) {
    assertThat(ClickHouseErrors.classify(server(code))).isEqualTo(Kind.RETRIABLE);
  }

  @ParameterizedTest
  @ValueSource(ints = {27, 53, 6, 26, 41, 69, 70, 72, 117, 130, 469})
  void splitsOnDataErrors(int code) {
    assertThat(ClickHouseErrors.classify(server(code))).isEqualTo(Kind.DATA);
  }

  @ParameterizedTest
  @ValueSource(ints = {60, 16, 62, 516, 497})
  void stopsOnSchemaSyntaxAndAuthErrors(int code) {
    assertThat(ClickHouseErrors.classify(server(code))).isEqualTo(Kind.FATAL);
  }

  @Test
  void retriesIoAnywhereInTheCauseChain() {
    SQLException wrapped =
        new SQLException("client error", new RuntimeException(new ConnectException("refused")));
    assertThat(ClickHouseErrors.classify(wrapped)).isEqualTo(Kind.RETRIABLE);
    assertThat(ClickHouseErrors.classify(new SQLException(new SocketTimeoutException("read"))))
        .isEqualTo(Kind.RETRIABLE);
    assertThat(ClickHouseErrors.classify(new SQLException(new IOException("reset"))))
        .isEqualTo(Kind.RETRIABLE);
  }

  @Test
  void ioWinsOverADataCodeInTheSameChain() {
    SQLException e = server(27);
    e.addSuppressed(new IOException("connection reset while reading the answer"));
    assertThat(ClickHouseErrors.classify(e)).isEqualTo(Kind.RETRIABLE);
  }

  @Test
  void readsTheCodeFromTheMessageWhenNothingElseCarriesIt() {
    SQLException e = new SQLException("Code: 27. DB::Exception: Cannot parse input");
    assertThat(ClickHouseErrors.serverCode(e)).hasValue(27);
    assertThat(ClickHouseErrors.classify(e)).isEqualTo(Kind.DATA);
  }

  @Test
  void treatsUnknownClientFailuresAsFatal() {
    assertThat(ClickHouseErrors.classify(new SQLException("Statement is closed")))
        .isEqualTo(Kind.FATAL);
  }

  @Test
  void recognisesAuthenticationFailures() {
    assertThat(ClickHouseErrors.isAuthentication(server(516))).isTrue();
    assertThat(ClickHouseErrors.isAuthentication(server(27))).isFalse();
  }
}
