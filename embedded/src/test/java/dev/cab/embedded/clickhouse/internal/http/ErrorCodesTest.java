package dev.cab.embedded.clickhouse.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorCodesTest {

  @Test
  void mapsCodesToTheStatusClickHouseAnswers() {
    assertThat(ErrorCodes.httpStatus(60)).as("UNKNOWN_TABLE").isEqualTo(404);
    assertThat(ErrorCodes.httpStatus(81)).as("UNKNOWN_DATABASE").isEqualTo(404);
    assertThat(ErrorCodes.httpStatus(62)).as("SYNTAX_ERROR").isEqualTo(400);
    assertThat(ErrorCodes.httpStatus(27)).as("CANNOT_PARSE_INPUT_ASSERTION_FAILED").isEqualTo(400);
    assertThat(ErrorCodes.httpStatus(516)).as("AUTHENTICATION_FAILED").isEqualTo(403);
    assertThat(ErrorCodes.httpStatus(497)).as("ACCESS_DENIED").isEqualTo(403);
    assertThat(ErrorCodes.httpStatus(194)).as("REQUIRED_PASSWORD").isEqualTo(401);
    assertThat(ErrorCodes.httpStatus(229)).as("QUERY_IS_TOO_LARGE").isEqualTo(413);
    assertThat(ErrorCodes.httpStatus(159)).as("TIMEOUT_EXCEEDED").isEqualTo(408);
    // ClickHouse lists READONLY nowhere in its table: it answers 500.
    assertThat(ErrorCodes.httpStatus(164)).as("READONLY").isEqualTo(500);
    assertThat(ErrorCodes.httpStatus(1002)).isEqualTo(500);
  }

  @Test
  void namesTheCodesTheServerRaises() {
    assertThat(ErrorCodes.name(516)).isEqualTo("AUTHENTICATION_FAILED");
    assertThat(ErrorCodes.name(229)).isEqualTo("QUERY_IS_TOO_LARGE");
  }
}
