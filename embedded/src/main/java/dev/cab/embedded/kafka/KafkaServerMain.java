package dev.cab.embedded.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code cab kafka}: runs Kafka in the foreground until Ctrl-C or SIGTERM.
 *
 * <pre>
 * KafkaServerMain [--port 9092] [--data-dir .cab/kafka] [--nodes 1] [--heap 512m]
 * </pre>
 *
 * <p>Stdout gets exactly one line, {@code KAFKA_BOOTSTRAP=127.0.0.1:9092[,...]}, once every broker
 * is ready; everything else goes to stderr. Ctrl-C or SIGTERM stops every node gracefully (the JVM
 * then exits with its usual 130 or 143). Other exit codes: 1 if Kafka failed or a node died, 2 for
 * bad arguments or a port in use (one line naming the port and {@code --port}).
 */
public final class KafkaServerMain {

  /** Default data folder, relative to the working directory (git-ignored). */
  public static final Path DEFAULT_DATA_DIR = Path.of(".cab", "kafka");

  private static final String USAGE =
      "usage: cab kafka [--port <first port, default 9092; 0 = free ports>]"
          + " [--data-dir <folder, default .cab/kafka>] [--nodes <1 or 3, default 1>]"
          + " [--heap <per broker, default 512m>]";

  private KafkaServerMain() {}

  /**
   * Runs until stopped; exits the JVM with the code above.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    System.exit(run(List.of(args), System.err));
  }

  /**
   * Parses {@code args}, runs Kafka in the foreground and returns the exit code.
   *
   * @param err where messages for humans go
   */
  public static int run(List<String> args, PrintStream err) {
    EmbeddedKafka.Builder builder;
    try {
      builder = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("cab kafka: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (builder == null) {
      err.println(USAGE);
      return 0;
    }
    try {
      return EmbeddedKafka.runForeground(builder);
    } catch (EmbeddedKafka.PortInUseException e) {
      err.println("cab kafka: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("cab kafka: Kafka failed: " + e.getMessage());
      return 1;
    }
  }

  /** The builder for {@code args}, or null when help was asked for. */
  static EmbeddedKafka.Builder parse(List<String> args) {
    EmbeddedKafka.Builder builder =
        EmbeddedKafka.builder().port(EmbeddedKafka.DEFAULT_CLI_PORT).dataDir(DEFAULT_DATA_DIR);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        return null;
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      switch (name) {
        case "--port" -> builder.port(integer(name, value));
        case "--nodes" -> builder.nodes(integer(name, value));
        case "--data-dir" -> builder.dataDir(Path.of(value));
        case "--heap" -> builder.heap(value);
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    return builder;
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, not " + value, e);
    }
  }
}
