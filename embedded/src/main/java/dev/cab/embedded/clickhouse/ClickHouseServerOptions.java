package dev.cab.embedded.clickhouse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to run the embedded ClickHouse server ({@link ClickHouseServerMain}'s command line).
 *
 * @param port the loopback port of the HTTP interface; 0 picks a free one
 * @param dataDir where the engine keeps its tables; survives restarts
 * @param usersFile a users file (subset of ClickHouse's users.xml), or null for a stock {@code
 *     default} user without password
 * @param maxBodyBytes the largest request body accepted, before and after decompression (413)
 * @param displayName sent as {@code X-ClickHouse-Server-Display-Name}
 * @param libchdb the engine library to load, or null to fetch the pinned one into the cache
 * @param exitOnStdinEof stop when standard input closes (a child whose parent died)
 */
public record ClickHouseServerOptions(
    int port,
    Path dataDir,
    Path usersFile,
    long maxBodyBytes,
    String displayName,
    Path libchdb,
    boolean exitOnStdinEof) {

  public static final int DEFAULT_PORT = 8123;
  public static final Path DEFAULT_DATA_DIR = Path.of(".cab", "clickhouse");

  /** 1 GiB: large enough for any batch the pipeline sends, small enough to fail fast on junk. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 30;

  public static final String DEFAULT_DISPLAY_NAME = "cab-embedded-clickhouse";

  static final String USAGE =
      """
      usage: ClickHouseServerMain [--port N] [--data-dir DIR] [--users-file FILE]
                                  [--max-body-bytes N] [--display-name NAME]
                                  [--libchdb FILE] [--exit-on-stdin-eof]
        --port N             loopback port of the ClickHouse HTTP interface (default 8123, 0: any)
        --data-dir DIR       where tables live (default .cab/clickhouse)
        --users-file FILE    users, passwords and read-only profiles (ClickHouse users.xml subset)
        --max-body-bytes N   largest accepted request body (default 1073741824)
        --display-name NAME  X-ClickHouse-Server-Display-Name (default cab-embedded-clickhouse)
        --libchdb FILE       engine library (default: fetched into ~/.cache/cab-telemetry)
        --exit-on-stdin-eof  stop when standard input is closed
      """;

  public ClickHouseServerOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(displayName, "displayName");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, not " + port);
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, not " + maxBodyBytes);
    }
  }

  /** The defaults: port 8123, data in .cab/clickhouse, user {@code default}, 1 GiB bodies. */
  public static ClickHouseServerOptions defaults() {
    return new ClickHouseServerOptions(
        DEFAULT_PORT,
        DEFAULT_DATA_DIR,
        null,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_DISPLAY_NAME,
        null,
        false);
  }

  public ClickHouseServerOptions withPort(int newPort) {
    return new ClickHouseServerOptions(
        newPort, dataDir, usersFile, maxBodyBytes, displayName, libchdb, exitOnStdinEof);
  }

  public ClickHouseServerOptions withDataDir(Path newDataDir) {
    return new ClickHouseServerOptions(
        port, newDataDir, usersFile, maxBodyBytes, displayName, libchdb, exitOnStdinEof);
  }

  public ClickHouseServerOptions withUsersFile(Path newUsersFile) {
    return new ClickHouseServerOptions(
        port, dataDir, newUsersFile, maxBodyBytes, displayName, libchdb, exitOnStdinEof);
  }

  public ClickHouseServerOptions withMaxBodyBytes(long newMaxBodyBytes) {
    return new ClickHouseServerOptions(
        port, dataDir, usersFile, newMaxBodyBytes, displayName, libchdb, exitOnStdinEof);
  }

  public ClickHouseServerOptions withDisplayName(String newDisplayName) {
    return new ClickHouseServerOptions(
        port, dataDir, usersFile, maxBodyBytes, newDisplayName, libchdb, exitOnStdinEof);
  }

  public ClickHouseServerOptions withLibchdb(Path newLibchdb) {
    return new ClickHouseServerOptions(
        port, dataDir, usersFile, maxBodyBytes, displayName, newLibchdb, exitOnStdinEof);
  }

  /**
   * Parses a command line ({@code --name value} or {@code --name=value}).
   *
   * @throws IllegalArgumentException listing every problem, followed by the usage
   */
  public static ClickHouseServerOptions parse(String... args) {
    int port = DEFAULT_PORT;
    Path dataDir = DEFAULT_DATA_DIR;
    Path usersFile = null;
    long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    String displayName = DEFAULT_DISPLAY_NAME;
    Path libchdb = null;
    boolean exitOnStdinEof = false;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (name.equals("--exit-on-stdin-eof")) {
        exitOnStdinEof = true;
        continue;
      }
      if (!List.of(
              "--port",
              "--data-dir",
              "--users-file",
              "--max-body-bytes",
              "--display-name",
              "--libchdb")
          .contains(name)) {
        problems.add("unknown argument '" + arg + "'");
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          problems.add(name + " needs a value");
          continue;
        }
        value = args[++i];
      }
      switch (name) {
        case "--port" -> {
          try {
            port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
              problems.add("--port must be 0..65535, not " + value);
            }
          } catch (NumberFormatException e) {
            problems.add("--port must be a number, not '" + value + "'");
          }
        }
        case "--data-dir" -> dataDir = Path.of(value);
        case "--users-file" -> usersFile = Path.of(value);
        case "--max-body-bytes" -> {
          try {
            maxBodyBytes = Long.parseLong(value);
            if (maxBodyBytes <= 0) {
              problems.add("--max-body-bytes must be positive, not " + value);
            }
          } catch (NumberFormatException e) {
            problems.add("--max-body-bytes must be a number, not '" + value + "'");
          }
        }
        case "--display-name" -> displayName = value;
        case "--libchdb" -> libchdb = Path.of(value);
        default -> throw new AssertionError(name);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid arguments:\n  - " + String.join("\n  - ", problems) + "\n" + USAGE);
    }
    return new ClickHouseServerOptions(
        port, dataDir, usersFile, maxBodyBytes, displayName, libchdb, exitOnStdinEof);
  }

  /** The command line that {@link #parse} turns back into these options. */
  public List<String> toArgs() {
    List<String> args = new ArrayList<>();
    args.add("--port=" + port);
    args.add("--data-dir=" + dataDir);
    if (usersFile != null) {
      args.add("--users-file=" + usersFile);
    }
    args.add("--max-body-bytes=" + maxBodyBytes);
    args.add("--display-name=" + displayName);
    if (libchdb != null) {
      args.add("--libchdb=" + libchdb);
    }
    if (exitOnStdinEof) {
      args.add("--exit-on-stdin-eof");
    }
    return args;
  }
}
