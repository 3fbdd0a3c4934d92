package dev.cab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./cab} as the launcher tests run it: in this JVM through {@link Cab#execute}, and, for a
 * command that starts the local stack ({@code up}, {@code demo}), in a data directory of the test's
 * own with every port it opens chosen free by the system, so that a stack or a {@code ./cab up} on
 * the default ports cannot fail a test.
 */
final class InProcessCab {
  private InProcessCab() {}

  /** What the launcher printed on its own output and error streams, and its exit code. */
  record Run(int exitCode, String out, String err) {}

  /** Runs {@code ./cab args}, capturing the launcher's output and error streams. */
  static Run cab(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cab.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * The arguments of {@code ./cab command args} with the stack in {@code dataDir} and each of its
   * ports (Kafka, ClickHouse, OTLP/HTTP, OTLP/gRPC, dashboards, management) 0: free.
   */
  static String[] onFreePorts(Path dataDir, String command, String... args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--data-dir",
            dataDir.toString(),
            "--kafka-port",
            "0",
            "--clickhouse-port",
            "0",
            "--otlp-http-port",
            "0",
            "--otlp-grpc-port",
            "0",
            "--dashboard-port",
            "0",
            "--management-port",
            "0"));
    return all.toArray(String[]::new);
  }
}
