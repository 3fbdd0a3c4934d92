package dev.cab.embedded.clickhouse;

import static dev.cab.embedded.clickhouse.HttpCalls.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server configured with a users file and a 1 MiB body limit: authentication (516), read-only
 * users (164), database restrictions (291) and oversized bodies (413).
 */
class ClickHouseAuthAndLimitsIT {

  private static final long MAX_BODY = 1 << 20;

  @TempDir static Path dir;
  private static EmbeddedClickHouse clickhouse;
  private static HttpCalls http;

  @BeforeAll
  static void start() throws Exception {
    Path users = dir.resolve("users.xml");
    Files.writeString(
        users,
        """
        <clickhouse>
          <profiles>
            <default/>
            <readonly><readonly>1</readonly></readonly>
          </profiles>
          <users>
            <writer><password_sha256_hex>%s</password_sha256_hex></writer>
            <reader>
              <password>r-secret</password>
              <profile>readonly</profile>
              <allow_databases><database>shared</database></allow_databases>
            </reader>
          </users>
        </clickhouse>
        """
            .formatted(sha256("w-secret")));
    clickhouse =
        EmbeddedClickHouse.builder().usersFile(users).maxBodyBytes(MAX_BODY).build().start();
    http = new HttpCalls(clickhouse.url());
    asWriter(http.call().body("CREATE DATABASE shared")).ok();
    asWriter(http.call().body("CREATE TABLE shared.t (id UInt32) ENGINE = MergeTree ORDER BY id"))
        .ok();
  }

  @AfterAll
  static void stop() {
    if (clickhouse != null) {
      clickhouse.stop();
    }
  }

  @Test
  void rejectsUnknownUsersAndWrongPasswordsWith516() {
    for (HttpCalls.Call call :
        new HttpCalls.Call[] {
          http.call().body("SELECT 1"), // no credentials: user default, which is not configured
          basic(http.call(), "nobody", "x").body("SELECT 1"),
          basic(http.call(), "writer", "wrong").body("SELECT 1"),
          http.call()
              .header("X-ClickHouse-User", "writer")
              .header("X-ClickHouse-Key", "nope")
              .body("SELECT 1"),
          http.call().param("user", "writer").param("password", "nope").body("SELECT 1"),
          http.call().header("Authorization", "Bearer abc").body("SELECT 1")
        }) {
      HttpResponse<byte[]> response = call.send();
      assertThat(response.statusCode()).as(text(response)).isEqualTo(403);
      assertThat(response.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("516");
      assertThat(text(response)).startsWith("Code: 516. DB::Exception: ");
    }
  }

  @Test
  void acceptsCredentialsFromBasicAuthHeadersOrUrlParameters() {
    assertThat(asWriter(http.call().body("SELECT 0")).ok()).isEqualTo("0\n");
    assertThat(
            http.call()
                .header("X-ClickHouse-User", "writer")
                .header("X-ClickHouse-Key", "w-secret")
                .body("SELECT 1")
                .ok())
        .isEqualTo("1\n");
    assertThat(
            http.call().param("user", "writer").param("password", "w-secret").body("SELECT 2").ok())
        .isEqualTo("2\n");
  }

  @Test
  void letsAReadOnlyUserReadButNotWrite() {
    assertThat(asReader(http.call().param("database", "shared").body("SELECT count() FROM t")).ok())
        .isEqualTo("0\n");

    for (String write :
        new String[] {
          "INSERT INTO t VALUES (1)",
          "CREATE TABLE t2 (x UInt8) ENGINE = Memory",
          "DROP TABLE t",
          "SELECT 1 SETTINGS readonly = 0",
        }) {
      HttpResponse<byte[]> response =
          asReader(http.call().param("database", "shared").body(write)).send();
      assertThat(response.headers().firstValue("X-ClickHouse-Exception-Code"))
          .as(write)
          .hasValue("164");
    }
    HttpResponse<byte[]> viaSetting =
        asReader(http.call().param("database", "shared").param("readonly", "0").body("SELECT 1"))
            .send();
    assertThat(viaSetting.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("164");
    assertThat(asWriter(http.call().body("EXISTS TABLE shared.t")).ok()).isEqualTo("1\n");
  }

  @Test
  void surfacesReadOnlyRefusalsThroughJdbc() throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:clickhouse:" + clickhouse.url() + "/shared", "reader", "r-secret");
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t VALUES (1)"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(164));
    }
  }

  @Test
  void keepsUsersToTheirAllowedDatabases() {
    HttpResponse<byte[]> response =
        asReader(http.call().param("database", "default").body("SELECT 1")).send();

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("291");
    assertThat(asReader(http.call().body("SELECT currentDatabase()")).ok()).isEqualTo("shared\n");
  }

  @Test
  void refusesABodyAboveTheLimitWith413() {
    byte[] big = new byte[(int) MAX_BODY + 1];

    HttpResponse<byte[]> response = asWriter(http.call().body(big)).send();

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("229");
    assertThat(text(response)).contains("larger than the server's limit of " + MAX_BODY);
    assertThat(asWriter(http.call().body("SELECT 'after 413'")).ok()).isEqualTo("after 413\n");
  }

  @Test
  void refusesAChunkedBodyThatGrowsAboveTheLimit() throws IOException {
    URI url = URI.create(clickhouse.url());
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("POST /?query=INSERT%20INTO%20shared.t%20FORMAT%20TSV HTTP/1.1\r\nHost: x\r\n"
                  + "Authorization: "
                  + basicHeader("writer", "w-secret")
                  + "\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "1\n".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
      try {
        for (long sent = 0; sent <= 2 * MAX_BODY; sent += chunk.length) {
          out.write(
              (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // The server may close the connection while we still send: the answer is still there.
      }
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 413").contains("Code: 229.");
    }
    assertThat(asWriter(http.call().body("SELECT count() FROM shared.t")).ok()).isEqualTo("0\n");
  }

  @Test
  void refusesAGzipBodyThatInflatesAboveTheLimit() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(compressed)) {
      gz.write("SELECT 1 -- ".getBytes(StandardCharsets.US_ASCII));
      gz.write(new byte[(int) (3 * MAX_BODY)]);
    }
    assertThat((long) compressed.size()).isLessThan(MAX_BODY);

    HttpResponse<byte[]> response =
        asWriter(http.call().header("Content-Encoding", "gzip").body(compressed.toByteArray()))
            .send();

    assertThat(response.statusCode()).isEqualTo(413);
  }

  private static HttpCalls.Call asWriter(HttpCalls.Call call) {
    return basic(call, "writer", "w-secret");
  }

  private static HttpCalls.Call asReader(HttpCalls.Call call) {
    return basic(call, "reader", "r-secret");
  }

  private static HttpCalls.Call basic(HttpCalls.Call call, String user, String password) {
    return call.header("Authorization", basicHeader(user, password));
  }

  private static String basicHeader(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
