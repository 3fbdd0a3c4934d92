package dev.cab.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ClickHouse accounts of {@code ./cab up} / {@code ./cab demo}: the users file the embedded
 * ClickHouse starts with, {@code <data dir>/clickhouse-users.xml} (mode 600), written once per data
 * directory with random passwords and read back on every later start. {@code default} (no password,
 * every privilege) stays for {@code ./cab sql}, {@code ./cab status} and tests on loopback; {@code
 * cab_admin} runs the sink's migrations, {@code cab_writer} is the sink (INSERT and SELECT on the
 * database), {@code cab_reader} the dashboards (SELECT on the database, {@code readonly = 1}, query
 * time and memory limits). See docs/OPERATIONS.md, "ClickHouse users per role".
 *
 * @param file the users file
 * @param adminPassword {@code cab_admin}'s password
 * @param writerPassword {@code cab_writer}'s password
 * @param readerPassword {@code cab_reader}'s password
 */
record LocalClickHouseUsers(
    Path file, String adminPassword, String writerPassword, String readerPassword) {

  static final String FILE_NAME = "clickhouse-users.xml";
  static final String ADMIN = "cab_admin";
  static final String WRITER = "cab_writer";
  static final String READER = "cab_reader";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Placeholder accounts for checking the settings before anything starts. */
  static LocalClickHouseUsers placeholder(Path dataDir) {
    return new LocalClickHouseUsers(dataDir.resolve(FILE_NAME), "-", "-", "-");
  }

  /**
   * The accounts of {@code dataDir}: read from its users file, or created with new random passwords
   * when it has none.
   *
   * @throws UncheckedIOException when the file cannot be written or read
   * @throws IllegalStateException when the file lacks one of the accounts
   */
  static LocalClickHouseUsers ensure(Path dataDir, String database) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        LocalClickHouseUsers users =
            new LocalClickHouseUsers(file, password(), password(), password());
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(
              file,
              users.xml(database),
              StandardCharsets.UTF_8,
              StandardOpenOption.TRUNCATE_EXISTING);
          return users;
        } catch (FileAlreadyExistsException raced) {
          // another start wrote it first: read that one
        }
      }
      String xml = Files.readString(file, StandardCharsets.UTF_8);
      return new LocalClickHouseUsers(
          file,
          passwordOf(xml, ADMIN, file),
          passwordOf(xml, WRITER, file),
          passwordOf(xml, READER, file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write or read " + file, e);
    }
  }

  private static String password() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String passwordOf(String xml, String user, Path file) {
    Matcher m = Pattern.compile("<" + user + ">\\s*<password>([0-9a-f]+)</password>").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException(
          file + " has no <" + user + "><password>: delete it to have it written again");
    }
    return m.group(1);
  }

  /** The users file (ClickHouse's users.xml format, as the embedded HTTP layer reads it). */
  String xml(String database) {
    return """
        <!-- Written by ./cab up once for this data directory; the passwords are random. -->
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
            <default><no_password/></default>
            <cab_admin>
              <password>%s</password>
              <grants><query>GRANT ALL ON *.*</query></grants>
            </cab_admin>
            <cab_writer>
              <password>%s</password>
              <grants><query>GRANT INSERT, SELECT ON %s.*</query></grants>
            </cab_writer>
            <cab_reader>
              <password>%s</password>
              <profile>cab_reader</profile>
              <grants><query>GRANT SELECT ON %s.*</query></grants>
            </cab_reader>
          </users>
        </clickhouse>
        """
        .formatted(adminPassword, writerPassword, database, readerPassword, database);
  }
}
