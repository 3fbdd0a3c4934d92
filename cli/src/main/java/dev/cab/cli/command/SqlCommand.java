package dev.cab.cli.command;

import dev.cab.cli.clickhouse.ClickHouseHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cab sql "<query>"}: runs one query on ClickHouse and streams the result to stdout as TSV
 * with a header line.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a query on ClickHouse (database cab) and prints the result as TSV.",
      "Example: ./cab sql \"SELECT tui, model, round(avg(composite), 3) FROM cells FINAL GROUP BY ALL\""
    })
public final class SqlCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL to run.")
  String query;

  @Option(
      names = "--url",
      description =
          "ClickHouse HTTP URL (env CAB_CLICKHOUSE_URL, else http://127.0.0.1:CAB_CLICKHOUSE_PORT;"
              + " default port 8123).")
  String url;

  @Option(
      names = "--format",
      defaultValue = "TSVWithNames",
      description = "Output format (default ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() {
    ClickHouseHttp clickhouse = ClickHouseHttp.fromEnv();
    if (url != null) {
      clickhouse = clickhouse.withUrl(url);
    }
    clickhouse.stream(
        query,
        format,
        body -> {
          try {
            body.transferTo(System.out);
            System.out.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return 0;
  }
}
