package dev.cab.embedded.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a child process in a session of its own ({@code setsid}), out of the terminal's process
 * group: Ctrl-C (or {@code timeout}, which signals the whole group) then reaches only the parent,
 * whose shutdown hook stops the stages first and the Kafka and ClickHouse children after them,
 * instead of every stage logging a screen of "connection refused" while its broker is already gone.
 *
 * <p>A child still dies with its parent: each one watches its stdin (the parent's lifeline) and
 * exits when it closes. {@code setsid} does not fork when the caller is not a process-group leader
 * (a child of the JVM never is), so the child's pid is the one {@link Process#pid()} reports.
 * Without {@code setsid} (not Linux), the command runs as it is.
 */
public final class OwnSession {
  private static final Path SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream()
          .filter(Files::isExecutable)
          .findFirst()
          .orElse(null);

  private OwnSession() {}

  /** {@code command}, prefixed with {@code setsid} where there is one. */
  public static List<String> command(List<String> command) {
    if (SETSID == null) {
      return command;
    }
    List<String> out = new ArrayList<>(command.size() + 1);
    out.add(SETSID.toString());
    out.addAll(command);
    return out;
  }
}
