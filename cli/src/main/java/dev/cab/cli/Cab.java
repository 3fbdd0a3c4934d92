package dev.cab.cli;

import dev.cab.cli.command.BenchCommand;
import dev.cab.cli.command.ClickHouseCommand;
import dev.cab.cli.command.DemoCommand;
import dev.cab.cli.command.KafkaCommand;
import dev.cab.cli.command.ServiceCommands;
import dev.cab.cli.command.SimulateCommand;
import dev.cab.cli.command.SqlCommand;
import dev.cab.cli.command.StatusCommand;
import dev.cab.cli.command.UpCommand;
import java.io.PrintWriter;
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

  /** Runs the launcher and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Cab());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UserError) {
            PrintWriter err = commandLine.getErr();
            err.println("cab " + commandLine.getCommandName() + ": " + e.getMessage());
            err.flush();
            return 2;
          }
          throw e;
        });
    return cli.execute(args);
  }
}
