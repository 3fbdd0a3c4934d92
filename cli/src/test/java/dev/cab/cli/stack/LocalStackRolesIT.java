package dev.cab.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code ./cab up} the embedded ClickHouse enforces one account per role ({@link
 * LocalClickHouseUsers}): the sink migrated as {@code cab_admin} and wrote as {@code cab_writer},
 * the dashboards answer reading as {@code cab_reader}; the writer cannot drop or alter a table, the
 * reader cannot insert nor read another database; the passwords live in a mode-600 file of the data
 * directory and are the same on the next start.
 */
class LocalStackRolesIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theSinksUserCannotDropTablesAndTheDashboardsUserCannotInsert(@TempDir Path dataDir)
      throws Exception {
    try (LocalStack stack = TestStacks.start(dataDir, Map.of(), line -> {})) {
      Path file = dataDir.resolve(LocalClickHouseUsers.FILE_NAME);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      LocalClickHouseUsers users = LocalClickHouseUsers.ensure(dataDir, "cab");
      assertThat(users.writerPassword())
          .hasSize(36)
          .isNotEqualTo(users.readerPassword())
          .isNotEqualTo(users.adminPassword());
      // the sink writes as cab_writer and migrates as cab_admin, the dashboards read as cab_reader
      String effective = Files.readString(dataDir.resolve("effective-settings.txt"));
      assertThat(effective)
          .contains("sink settings:")
          .contains("  cab.clickhouse.user = cab_writer\n")
          .contains("  sink.migrations.user = cab_admin\n")
          .contains("  dashboards.clickhouse.user = cab_reader\n")
          .doesNotContain(users.writerPassword())
          .doesNotContain(users.adminPassword())
          .doesNotContain(users.readerPassword());
      String url = stack.clickhouseUrl();
      String writer = users.writerPassword();
      String reader = users.readerPassword();

      // the sink started: migrations as cab_admin, model prices inserted as cab_writer
      assertThat(call(url, "cab_writer", writer, "SELECT count() > 0 FROM cab.model_prices").body())
          .isEqualTo("1\n");
      // the writer inserts and reads cab, and can neither drop, truncate nor alter
      assertThat(
              call(
                      url,
                      "cab_writer",
                      writer,
                      "INSERT INTO cab.model_prices (price_version, model) VALUES ('roles-it', 'm')")
                  .statusCode())
          .isEqualTo(200);
      for (String ddl :
          new String[] {
            "DROP TABLE cab.cells",
            "TRUNCATE TABLE cab.spans",
            "ALTER TABLE cab.cells DELETE WHERE 1",
            "CREATE TABLE cab.x (a UInt8) ENGINE = Memory"
          }) {
        assertDenied(call(url, "cab_writer", writer, ddl), ddl);
      }
      assertThat(call(url, "default", "", "EXISTS TABLE cab.cells").body()).isEqualTo("1\n");

      // the reader reads cab, and can neither insert nor read another database
      assertThat(call(url, "cab_reader", reader, "SELECT count() >= 0 FROM cab.cells").body())
          .isEqualTo("1\n");
      call(url, "default", "", "CREATE DATABASE IF NOT EXISTS other");
      call(url, "default", "", "CREATE TABLE other.t (s String) ENGINE = Memory");
      for (String refused :
          new String[] {
            "INSERT INTO cab.model_prices (price_version, model) VALUES ('reader', 'm')",
            "DROP TABLE cab.cells",
            "SELECT * FROM other.t"
          }) {
        assertDenied(call(url, "cab_reader", reader, refused), refused);
      }
      // a wrong password is refused
      assertThat(call(url, "cab_writer", "wrong", "SELECT 1").statusCode()).isNotEqualTo(200);

      // and the dashboards, reading as cab_reader, answer
      HttpResponse<String> sweeps =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(stack.dashboardsUrl() + "/api/sweeps"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sweeps.statusCode()).as(sweeps.body()).isEqualTo(200);
    }
    // the next start of the same data directory keeps the passwords
    String before = Files.readString(dataDir.resolve(LocalClickHouseUsers.FILE_NAME));
    LocalClickHouseUsers again = LocalClickHouseUsers.ensure(dataDir, "cab");
    assertThat(before).contains(again.writerPassword(), again.readerPassword());
  }

  private static void assertDenied(HttpResponse<String> response, String what) {
    assertThat(response.statusCode()).as("%s: %s", what, response.body()).isIn(403, 500);
    assertThat(response.headers().firstValue("X-ClickHouse-Exception-Code"))
        .as("%s: %s", what, response.body())
        .hasValueSatisfying(code -> assertThat(code).isIn("497", "164"));
  }

  /**
   * One query with {@code cab} as the current database, so a DDL is checked against cab's grants.
   */
  private static HttpResponse<String> call(String url, String user, String password, String sql)
      throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url + "/?database=cab"))
            .header("Authorization", "Basic " + basic)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(sql))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
