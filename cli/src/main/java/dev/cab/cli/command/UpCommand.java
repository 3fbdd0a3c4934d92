package dev.cab.cli.command;

import dev.cab.cli.stack.LocalStack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cab up}: the whole pipeline on the embedded default, in the foreground. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the embedded Kafka broker and ClickHouse plus collector, streams and sink in the",
      "foreground. Point runners at OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318.",
      "Ctrl-C stops everything cleanly; data stays in .cab/ for the next start."
    })
public final class UpCommand implements Callable<Integer> {

  @Mixin StackOptions stackOptions;

  @Override
  public Integer call() {
    LocalStack stack = LocalStack.start(stackOptions.toStackOptions(), System.err::println);
    System.out.println("KAFKA_BOOTSTRAP=" + stack.bootstrapServers());
    System.out.println("CLICKHOUSE_URL=" + stack.clickhouseUrl());
    System.out.println("OTEL_EXPORTER_OTLP_ENDPOINT=" + stack.otlpHttpEndpoint());
    System.out.println("DASHBOARDS=" + stack.dashboardsUrl() + "/");
    System.out.flush();
    System.err.println(
        "cab up: ready. Try ./cab simulate, then ./cab sql \"SELECT * FROM cells FINAL LIMIT 5\"."
            + " Ctrl-C to stop.");
    Foreground.awaitShutdown(stack::close);
    return 0;
  }
}
