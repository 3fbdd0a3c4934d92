package dev.cab.cli.command;

import dev.cab.cli.CabPaths;
import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cab clickhouse}: the real ClickHouse engine behind its HTTP interface until Ctrl-C. */
@Command(
    name = "clickhouse",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the real ClickHouse engine (libchdb) behind the ClickHouse HTTP interface.",
      "Prints CLICKHOUSE_URL=<url> when ready; Ctrl-C stops it cleanly."
    })
public final class ClickHouseCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      defaultValue = "${env:CAB_CLICKHOUSE_PORT:-8123}",
      description = "HTTP port (env CAB_CLICKHOUSE_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      description = "Where tables live (env CAB_DATA_DIR/clickhouse; default .cab/clickhouse).")
  Path dataDir;

  @Option(
      names = "--users-file",
      description =
          "Users with passwords and read-only flags (default: user 'default', no password).")
  Path usersFile;

  @Override
  public Integer call() {
    Ports.requireFree(port, "ClickHouse", "--port", "CAB_CLICKHOUSE_PORT");
    Path dir = dataDir != null ? dataDir : CabPaths.dataRoot().resolve("clickhouse");
    EmbeddedClickHouse.Builder builder = EmbeddedClickHouse.builder().port(port).dataDir(dir);
    if (usersFile != null) {
      builder.usersFile(usersFile);
    }
    EmbeddedClickHouse clickhouse = builder.build().start();
    System.out.println("CLICKHOUSE_URL=" + clickhouse.url());
    System.out.flush();
    Foreground.awaitShutdown(clickhouse::close);
    return 0;
  }
}
