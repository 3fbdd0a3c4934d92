package dev.cab.embedded.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClickHouseServerOptionsTest {

  @Test
  void parsesBothArgumentStyles() {
    ClickHouseServerOptions options =
        ClickHouseServerOptions.parse(
            "--port",
            "0",
            "--data-dir=/tmp/d",
            "--users-file",
            "u.xml",
            "--max-body-bytes=1024",
            "--display-name",
            "test",
            "--exit-on-stdin-eof");

    assertThat(options.port()).isZero();
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/d"));
    assertThat(options.usersFile()).isEqualTo(Path.of("u.xml"));
    assertThat(options.maxBodyBytes()).isEqualTo(1024);
    assertThat(options.displayName()).isEqualTo("test");
    assertThat(options.exitOnStdinEof()).isTrue();
    assertThat(options.libchdb()).isNull();
  }

  @Test
  void defaultsToPort8123AndTheLocalDataDirectory() {
    ClickHouseServerOptions options = ClickHouseServerOptions.parse();

    assertThat(options).isEqualTo(ClickHouseServerOptions.defaults());
    assertThat(options.port()).isEqualTo(8123);
    assertThat(options.dataDir()).isEqualTo(Path.of(".cab", "clickhouse"));
  }

  @Test
  void reportsEveryProblemWithTheUsage() {
    assertThatThrownBy(
            () ->
                ClickHouseServerOptions.parse(
                    "--port", "x", "--max-body-bytes=-1", "--bogus", "--data-dir"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--port must be a number")
        .hasMessageContaining("--max-body-bytes must be positive")
        .hasMessageContaining("unknown argument '--bogus'")
        .hasMessageContaining("--data-dir needs a value")
        .hasMessageContaining("usage:");
  }

  @Test
  void roundTripsThroughItsCommandLine() {
    ClickHouseServerOptions options =
        ClickHouseServerOptions.defaults()
            .withPort(0)
            .withDataDir(Path.of("/data"))
            .withUsersFile(Path.of("/u.xml"))
            .withMaxBodyBytes(77)
            .withDisplayName("n")
            .withLibchdb(Path.of("/lib.so"));

    assertThat(ClickHouseServerOptions.parse(options.toArgs().toArray(String[]::new)))
        .isEqualTo(options);
  }
}
