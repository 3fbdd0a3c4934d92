package dev.cab.cli;

import dev.cab.cli.command.AlertsEvalCommand;
import dev.cab.cli.command.BenchCommand;
import dev.cab.cli.command.ClickHouseCommand;
import dev.cab.cli.command.DemoCommand;
import dev.cab.cli.command.KafkaCommand;
import dev.cab.cli.command.ServiceCommands;
import dev.cab.cli.command.SimulateCommand;
import dev.cab.cli.command.SqlCommand;
import dev.cab.cli.command.StatusCommand;
import dev.cab.cli.command.UpCommand;
import dev.cab.model.config.InvalidConfigException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./cab} launcher: the composition root that wires the embedded servers and the pipeline
 * stages. Each subcommand is its own class in {@code dev.cab.cli.command}. A user error ({@link
 * UserError}) prints one line and exits 2; anything else is a bug and prints its trace.
 */
@Command(
    name = "cab",
    mixinStandardHelpOptions = true,
    version = "cab-telemetry 0.1.0",
    description = "cab-telemetry: telemetry pipeline for coding-agent benchmarks.",
    subcommands = {
      KafkaCommand.class,
      ClickHouseCommand.class,
      UpCommand.class,
      DemoCommand.class,
      SimulateCommand.class,
      SqlCommand.class,
      StatusCommand.class,
      BenchCommand.class,
      ServiceCommands.Collector.class,
      ServiceCommands.Streams.class,
      ServiceCommands.Sink.class,
      ServiceCommands.Dashboards.class,
      ServiceCommands.Alerts.class,
      AlertsEvalCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Cab implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the launcher and returns its exit code. */
  public static int execute(String... args) {
    return execute(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  /** Runs the launcher with the given streams (tests capture them) and returns its exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Cab());
    cli.setOut(out);
    cli.setErr(err);
    // Enum options take their values as users type them: --world wide, --scenario clean.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // A wrong argument: one line saying what and where to read more, not the whole usage.
    cli.setParameterExceptionHandler(
        (e, a) -> {
          CommandLine c = e.getCommandLine();
          c.getErr()
              .println(
                  "cab "
                      + c.getCommandName()
                      + ": "
                      + e.getMessage()
                      + " (see ./cab "
                      + (c.getParent() == null ? "" : c.getCommandName() + " ")
                      + "--help)");
          c.getErr().flush();
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UserError) {
            commandLine
                .getErr()
                .println("cab " + commandLine.getCommandName() + ": " + e.getMessage());
            commandLine.getErr().flush();
            return 2;
          }
          if (e instanceof InvalidConfigException) {
            commandLine
                .getErr()
                .println("cab " + commandLine.getCommandName() + ": " + e.getMessage());
            commandLine.getErr().flush();
            return 2;
          }
          throw e;
        });
    return cli.execute(args);
  }
}
