package dev.cab.embedded.clickhouse.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineErrorTest {

  @Test
  void keepsTheInnermostMessageOfANestedChdbError() {
    EngineError error =
        EngineError.parse(
            "Code: 73. DB::Exception: Code: 73. DB::Exception: Code: 73. DB::Exception: Unknown"
                + " format NoSuchFormat. Maybe you meant: []. (UNKNOWN_FORMAT) (version 26.5.1.1)."
                + " (UNKNOWN_FORMAT) (version 26.5.1.1). (UNKNOWN_FORMAT)");

    assertThat(error.code()).isEqualTo(73);
    assertThat(error.message())
        .isEqualTo("Unknown format NoSuchFormat. Maybe you meant: []. (UNKNOWN_FORMAT)");
    assertThat(error.toHttpBody("26.5.1.1"))
        .isEqualTo(
            "Code: 73. DB::Exception: Unknown format NoSuchFormat. Maybe you meant: []."
                + " (UNKNOWN_FORMAT) (version 26.5.1.1)\n");
  }

  @Test
  void parsesAPlainError() {
    EngineError error =
        EngineError.parse(
            "Code: 60. DB::Exception: Unknown table expression identifier 'nope'"
                + " in scope SELECT * FROM nope. (UNKNOWN_TABLE)\n");

    assertThat(error.code()).isEqualTo(60);
    assertThat(error.message()).endsWith("(UNKNOWN_TABLE)");
  }

  @Test
  void treatsTextWithoutACodeAsAnUnknownException() {
    EngineError error = EngineError.parse("std::bad_alloc");

    assertThat(error.code()).isEqualTo(1002);
    assertThat(error.message()).isEqualTo("std::bad_alloc");
  }
}
