package dev.cab.embedded.clickhouse;

import static dev.cab.embedded.clickhouse.HttpCalls.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three ClickHouse roles of docs/OPERATIONS.md on the embedded server, from the same users file
 * a real server reads: {@code cab_admin} runs the migrations, {@code cab_writer} (the sink) may
 * insert into and read {@code cab} only, {@code cab_reader} (dashboards, Grafana, analysts) reads
 * {@code cab} only, read-only, with a query time and memory limit it cannot lift; and an owner of
 * {@code cab} ({@code GRANT ALL ON cab.*}) whose DDL cannot reach another database.
 */
class ClickHouseRolesIT {
  static final String USERS =
      """
      <clickhouse>
        <profiles>
          <default/>
          <cab_reader>
            <readonly>1</readonly>
            <max_execution_time>30</max_execution_time>
            <max_memory_usage>2000000000</max_memory_usage>
          </cab_reader>
        </profiles>
        <users>
          <cab_admin>
            <password>admin-pw</password>
            <grants><query>GRANT ALL ON *.*</query></grants>
          </cab_admin>
          <cab_writer>
            <password>writer-pw</password>
            <grants><query>GRANT INSERT, SELECT ON cab.*</query></grants>
          </cab_writer>
          <cab_owner>
            <password>owner-pw</password>
            <grants><query>GRANT ALL ON cab.*</query></grants>
          </cab_owner>
          <cab_reader>
            <password>reader-pw</password>
            <profile>cab_reader</profile>
            <grants><query>GRANT SELECT ON cab.*</query></grants>
          </cab_reader>
        </users>
      </clickhouse>
      """;

  @TempDir static Path dir;
  private static EmbeddedClickHouse clickhouse;
  private static HttpCalls http;

  @BeforeAll
  static void start() throws Exception {
    Path users = dir.resolve("users.xml");
    Files.writeString(users, USERS);
    clickhouse = EmbeddedClickHouse.builder().usersFile(users).build().start();
    http = new HttpCalls(clickhouse.url());
    // the admin runs the migrations
    for (String ddl :
        new String[] {
          "CREATE DATABASE cab",
          "CREATE TABLE cab.cells (id UInt32, v String) ENGINE = MergeTree ORDER BY id",
          "CREATE DATABASE other",
          "CREATE TABLE other.secrets (s String) ENGINE = MergeTree ORDER BY s",
          "INSERT INTO other.secrets VALUES ('not for readers')"
        }) {
      as("cab_admin", "admin-pw", ddl).ok();
    }
  }

  @AfterAll
  static void stop() {
    if (clickhouse != null) {
      clickhouse.stop();
    }
  }

  @Test
  void theWriterInsertsAndReadsCabButCannotDropAlterOrTouchOtherDatabases() {
    as("cab_writer", "writer-pw", "INSERT INTO cab.cells VALUES (1, 'a')").ok();
    as("cab_writer", "writer-pw", "INSERT INTO cab.cells FORMAT JSONEachRow {\"id\":2,\"v\":\"b\"}")
        .ok();
    assertThat(as("cab_writer", "writer-pw", "SELECT count() FROM cab.cells").ok()).isNotBlank();

    for (String refused :
        new String[] {
          "DROP TABLE cab.cells",
          "TRUNCATE TABLE cab.cells",
          "ALTER TABLE cab.cells DELETE WHERE 1",
          "CREATE TABLE cab.x (a UInt8) ENGINE = Memory",
          "RENAME TABLE cab.cells TO cab.c2",
          "DROP DATABASE cab",
          "INSERT INTO other.secrets VALUES ('x')",
          "SELECT * FROM other.secrets",
          "INSERT INTO FUNCTION file('out.tsv', 'TSV', 's String') VALUES ('x')"
        }) {
      assertDenied(as("cab_writer", "writer-pw", refused).send(), refused);
    }
    assertThat(as("cab_admin", "admin-pw", "EXISTS TABLE cab.cells").ok()).isEqualTo("1\n");
  }

  @Test
  void anOwnerOfCabChangesCabOnlyWhateverTheCurrentDatabase() {
    // DDL is checked against the database the statement names, not the request's database
    HttpCalls.Call ownerInCab =
        basic(http.call(), "cab_owner", "owner-pw").param("database", "cab");
    ownerInCab.body("CREATE TABLE cab.owned (a UInt8) ENGINE = Memory").ok();
    basic(http.call(), "cab_owner", "owner-pw")
        .param("database", "cab")
        .body("CREATE TABLE owned2 (a UInt8) ENGINE = Memory")
        .ok();
    as("cab_owner", "owner-pw", "DROP TABLE cab.owned2").ok();
    for (String refused :
        new String[] {
          "CREATE TABLE other.x (a UInt8) ENGINE = Memory",
          "DROP TABLE other.secrets",
          "DROP TABLE IF EXISTS cab.owned, other.secrets",
          "TRUNCATE TABLE other.secrets",
          "ALTER TABLE other.secrets DELETE WHERE 1",
          "RENAME TABLE cab.owned TO other.stolen",
          "DROP DATABASE other",
          "CREATE DATABASE other2",
          "CREATE VIEW cab.leak AS SELECT * FROM other.secrets",
          "SYSTEM DROP MARK CACHE",
        }) {
      assertDenied(
          basic(http.call(), "cab_owner", "owner-pw").param("database", "cab").body(refused).send(),
          refused);
    }
    assertThat(as("cab_admin", "admin-pw", "SELECT count() FROM other.secrets").ok())
        .isEqualTo("1\n");
    assertThat(as("cab_admin", "admin-pw", "EXISTS TABLE cab.owned").ok()).isEqualTo("1\n");
  }

  @Test
  void theReaderReadsCabOnlyAndCannotWrite() {
    assertThat(as("cab_reader", "reader-pw", "SELECT count() >= 0 FROM cab.cells").ok())
        .isEqualTo("1\n");
    assertThat(
            as(
                    "cab_reader",
                    "reader-pw",
                    "SELECT count() FROM (SELECT id FROM cab.cells AS c JOIN cab.cells AS d USING id)")
                .ok())
        .isNotBlank();
    for (String refused :
        new String[] {
          "SELECT * FROM other.secrets",
          "SELECT * FROM cab.cells WHERE v IN (SELECT s FROM other.secrets)",
          "SELECT * FROM cab.cells AS c JOIN other.secrets AS s ON c.v = s.s",
          "WITH x AS (SELECT s FROM other.secrets) SELECT * FROM x",
          "SELECT * FROM file('/etc/passwd', 'LineAsString')",
          "INSERT INTO cab.cells VALUES (9, 'z')",
          "DROP TABLE cab.cells",
        }) {
      assertDenied(as("cab_reader", "reader-pw", refused).send(), refused);
    }
    // unqualified names resolve in the current database
    HttpResponse<byte[]> other =
        basic(http.call(), "cab_reader", "reader-pw")
            .param("database", "other")
            .body("SELECT * FROM secrets")
            .send();
    assertDenied(other, "SELECT * FROM secrets in database other");
  }

  @Test
  void theReaderHasQueryTimeAndMemoryLimitsItCannotLift() {
    assertThat(
            as(
                    "cab_reader",
                    "reader-pw",
                    "SELECT getSetting('max_execution_time'), getSetting('max_memory_usage')")
                .ok())
        .isEqualTo("30\t2000000000\n");
    HttpResponse<byte[]> lift =
        as("cab_reader", "reader-pw", "SELECT 1 SETTINGS max_execution_time = 0").send();
    assertThat(lift.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("164");
    HttpResponse<byte[]> viaUrl =
        basic(http.call(), "cab_reader", "reader-pw")
            .param("max_memory_usage", "0")
            .body("SELECT 1")
            .send();
    assertThat(viaUrl.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("164");
  }

  private static void assertDenied(HttpResponse<byte[]> response, String what) {
    assertThat(response.statusCode()).as("%s: %s", what, text(response)).isIn(403, 500);
    assertThat(response.headers().firstValue("X-ClickHouse-Exception-Code"))
        .as("%s: %s", what, text(response))
        .hasValueSatisfying(code -> assertThat(code).isIn("497", "164"));
    assertThat(text(response)).as(what).doesNotContain("not for readers").doesNotContain("\n\n");
  }

  private static HttpCalls.Call as(String user, String password, String sql) {
    return basic(http.call(), user, password).body(sql);
  }

  private static HttpCalls.Call basic(HttpCalls.Call call, String user, String password) {
    return call.header(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }
}
