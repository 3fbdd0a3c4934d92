package dev.cab.embedded.clickhouse.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {

  @TempDir Path dir;

  @Test
  void defaultsToAStockDefaultUserWithoutPassword() {
    Users users = Users.defaults();

    assertThat(users.authenticate("default", "")).isPresent();
    assertThat(users.authenticate("default", "x")).isEmpty();
    assertThat(users.authenticate("alice", "")).isEmpty();
  }

  @Test
  void readsPasswordsHashesProfilesAndDatabasesFromAUsersXmlSubset() throws Exception {
    Path file = dir.resolve("users.xml");
    Files.writeString(
        file,
        """
        <clickhouse>
          <profiles>
            <default><max_threads>2</max_threads></default>
            <readonly><readonly>1</readonly></readonly>
          </profiles>
          <users>
            <default><no_password/></default>
            <writer>
              <password_sha256_hex>%s</password_sha256_hex>
              <networks><ip>::/0</ip></networks>
            </writer>
            <reader>
              <password>secret</password>
              <profile>readonly</profile>
              <allow_databases><database>cab</database></allow_databases>
            </reader>
          </users>
        </clickhouse>
        """
            .formatted(Users.sha256Hex("w-pass")));

    Users users = Users.load(file);

    assertThat(users.names()).containsExactlyInAnyOrder("default", "writer", "reader");
    assertThat(users.authenticate("default", "")).isPresent();
    assertThat(users.authenticate("writer", "w-pass"))
        .get()
        .extracting(Users.User::readonly)
        .isEqualTo(0);
    assertThat(users.authenticate("writer", "wrong")).isEmpty();
    Users.User reader = users.authenticate("reader", "secret").orElseThrow();
    assertThat(reader.readonly()).isEqualTo(1);
    assertThat(reader.mayUse("cab")).isTrue();
    assertThat(reader.mayUse("default")).isFalse();
    assertThat(reader.toString()).doesNotContain(Users.sha256Hex("secret"));
  }

  @Test
  void reportsEveryProblemOfAnInvalidFileAtOnce() throws Exception {
    Path file = dir.resolve("users.xml");
    Files.writeString(
        file,
        """
        <clickhouse>
          <profiles><odd><readonly>7</readonly></odd></profiles>
          <users>
            <a><password>x</password><password_sha256_hex>00</password_sha256_hex></a>
            <b><password_sha256_hex>nothex</password_sha256_hex></b>
            <c><profile>missing</profile></c>
          </users>
        </clickhouse>
        """);

    assertThatThrownBy(() -> Users.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("<readonly> must be 0, 1 or 2")
        .hasMessageContaining("user a has both")
        .hasMessageContaining("user b: <password_sha256_hex> must be 64 hex digits")
        .hasMessageContaining("user c names profile missing");
  }

  @Test
  void rejectsMalformedXmlAndForeignRoots() throws Exception {
    Path broken = dir.resolve("broken.xml");
    Files.writeString(broken, "<clickhouse><users>");
    Path foreign = dir.resolve("foreign.xml");
    Files.writeString(foreign, "<config><users><u/></users></config>");

    assertThatThrownBy(() -> Users.load(broken)).hasMessageContaining("not valid XML");
    assertThatThrownBy(() -> Users.load(foreign)).hasMessageContaining("root element");
  }
}
