package dev.cab.cli;

import java.nio.file.Path;

/**
 * Where the launcher keeps things: {@code CAB_DATA_DIR} or {@code ./.cab} for server data, one
 * folder per server.
 */
public final class CabPaths {
  private CabPaths() {}

  /** The data root: {@code $CAB_DATA_DIR}, else {@code .cab} in the working directory. */
  public static Path dataRoot() {
    String env = System.getenv("CAB_DATA_DIR");
    return (env == null || env.isBlank() ? Path.of(".cab") : Path.of(env)).toAbsolutePath();
  }

  /** An int from the environment, or the default. */
  public static int envPort(String name, int defaultPort) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      return defaultPort;
    }
    try {
      int port = Integer.parseInt(v.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UserError(name + " must be a port number (0-65535), not '" + v + "'");
    }
  }
}
