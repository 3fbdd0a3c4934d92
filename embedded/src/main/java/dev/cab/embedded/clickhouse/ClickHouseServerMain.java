package dev.cab.embedded.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedded ClickHouse server in the foreground of this JVM: the child process of {@link
 * EmbeddedClickHouse}, and what {@code cab clickhouse} runs. Needs {@code
 * --enable-native-access=ALL-UNNAMED}.
 *
 * <p>Once the server answers, prints exactly one line to standard output, {@code
 * CLICKHOUSE_URL=http://127.0.0.1:<port>}; logs go to standard error. Stops gracefully on
 * SIGTERM/Ctrl-C (a shutdown hook closes the engine), on interruption of the running thread, and
 * with {@code --exit-on-stdin-eof} when standard input closes.
 */
public final class ClickHouseServerMain {

  private static final Logger log = LoggerFactory.getLogger(ClickHouseServerMain.class);

  /** The prefix of the one line printed on standard output once the server is ready. */
  public static final String URL_LINE_PREFIX = "CLICKHOUSE_URL=";

  private ClickHouseServerMain() {}

  public static void main(String[] args) {
    ClickHouseServerOptions options;
    try {
      options = ClickHouseServerOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(options);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.error("the embedded ClickHouse server failed", e);
      System.exit(1);
    }
  }

  /**
   * Runs the server until SIGTERM, Ctrl-C, interruption of the calling thread, or (with {@code
   * exitOnStdinEof}) the end of standard input; returns once the engine is closed.
   */
  public static void run(ClickHouseServerOptions options) throws Exception {
    ClickHouseHttpServer server = ClickHouseHttpServer.start(options);
    Thread hook = new Thread(server::close, "clickhouse-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println(URL_LINE_PREFIX + server.url());
    System.out.flush();
    if (options.exitOnStdinEof()) {
      Thread.ofPlatform()
          .daemon()
          .name("clickhouse-stdin-watch")
          .start(
              () -> {
                waitForEof(System.in);
                log.info("standard input closed: stopping");
                server.close();
              });
    }
    try {
      server.awaitClose();
    } catch (InterruptedException e) {
      server.close();
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running, which is fine.
      }
    }
  }

  private static void waitForEof(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // Whatever the parent writes is ignored; only the end of the stream counts.
      }
    } catch (IOException e) {
      // A broken pipe is an end of input too.
    }
  }
}
