package dev.cab.embedded.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.cab.embedded.clickhouse.internal.install.LibchdbInstaller;
import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official Node.js client, {@code @clickhouse/client}, against the server: ping, DDL,
 * JSONEachRow inserts, typed query parameters, a large result and error parsing, with gzip
 * responses, gzip both ways and no compression. Installed once with npm into the cache directory;
 * skipped where node/npm are missing.
 */
@ExtendWith(ClickHouseExtension.class)
class NodeClickHouseClientIT {

  private static final String CLIENT_VERSION = "1.23.1";

  @Test
  void officialNodeClientWorksInEveryCompressionMode(ClickHouseTestServer server) throws Exception {
    assumeThat(runs("node", "--version")).as("node is installed").isTrue();
    assumeThat(runs("npm", "--version")).as("npm is installed").isTrue();
    assumeThat(server.password()).as("the script connects as default").isEmpty();
    Path dir = installClient();
    Path script = dir.resolve("node-client-check.mjs");
    try (InputStream in = getClass().getResourceAsStream("node-client-check.mjs")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }

    Process node =
        new ProcessBuilder("node", script.toString(), server.url(), server.database())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    for (String mode : List.of("gzipResponses", "gzipBothWays", "plain")) {
      assertThat(output)
          .as(mode)
          .contains(
              "\""
                  + mode
                  + "\":{\"ping\":true,\"rows\":[{\"id\":1,\"s\":\"two\\n\\nlines\","
                  + "\"ts\":\"2026-11-23 12:00:00.123\"},{\"id\":2,\"s\":\"ü\","
                  + "\"ts\":\"2026-11-23 12:00:01.000\"}],\"bigRows\":200000,"
                  + "\"error\":{\"code\":\"60\",\"type\":\"UNKNOWN_TABLE\"}}");
    }
  }

  private static Path installClient() throws IOException, InterruptedException {
    Path dir =
        LibchdbInstaller.cacheRoot().resolve("npm").resolve("clickhouse-client-" + CLIENT_VERSION);
    if (Files.isDirectory(dir.resolve("node_modules/@clickhouse/client"))) {
      return dir;
    }
    Files.createDirectories(dir);
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                "@clickhouse/client@" + CLIENT_VERSION)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(npm.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assumeThat(npm.exitValue()).as("npm install @clickhouse/client: " + output).isZero();
    return dir;
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
