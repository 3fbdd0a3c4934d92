package dev.cab.embedded.kafka.broker;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry point of one embedded Kafka node: the child JVM that {@code EmbeddedKafka} launches.
 *
 * <p>Usage: {@code BrokerMain --parent-pid <pid> [--format <cluster-id>] <server.properties>}.
 *
 * <p>With {@code --format} it first formats the node's storage in this same JVM ({@code
 * kafka.tools.StorageTool format -t <cluster-id> -c <server.properties> --ignore-formatted}), which
 * saves starting a second JVM per node. It then runs {@code kafka.Kafka}, which blocks until the
 * broker stops.
 *
 * <p>Promise: this process never outlives its parent. It exits (gracefully, then by {@link
 * Runtime#halt} after {@value #HALT_AFTER_SECONDS} s) as soon as either its standard input reaches
 * end-of-file (the parent holds the write end of that pipe; the kernel closes it when the parent
 * dies, even by {@code kill -9}) or the parent process is seen to have exited.
 */
public final class BrokerMain {

  /** Exit code when formatting the storage fails. */
  public static final int EXIT_FORMAT_FAILED = 3;

  /** Exit code when the arguments are wrong. */
  public static final int EXIT_USAGE = 2;

  private static final int HALT_AFTER_SECONDS = 20;

  private static final AtomicBoolean EXITING = new AtomicBoolean();

  private BrokerMain() {}

  /**
   * Formats (optionally) and runs the broker.
   *
   * @param args {@code --parent-pid <pid> [--format <cluster-id>] <server.properties>}
   */
  public static void main(String[] args) {
    long parentPid = -1;
    String clusterId = null;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--parent-pid" -> parentPid = Long.parseLong(args[++i]);
        case "--format" -> clusterId = args[++i];
        default -> rest.add(args[i]);
      }
    }
    if (rest.size() != 1) {
      System.err.println(
          "usage: BrokerMain --parent-pid <pid> [--format <cluster-id>] <server.properties>");
      System.exit(EXIT_USAGE);
    }
    String serverProperties = rest.getFirst();
    if (System.getProperty("log4j2.configurationFile") == null) {
      // Our log4j2 config lives beside this class, not at the classpath root, so it cannot leak
      // into other JVMs that have this jar on their classpath.
      System.setProperty(
          "log4j2.configurationFile",
          String.valueOf(BrokerMain.class.getResource("log4j2.properties")));
    }
    watchParent(parentPid);

    if (clusterId != null) {
      format(clusterId, serverProperties);
    }
    kafka.Kafka.main(new String[] {serverProperties});
  }

  private static void format(String clusterId, String serverProperties) {
    String[] formatArgs = {"format", "-t", clusterId, "-c", serverProperties, "--ignore-formatted"};
    int code;
    try {
      code = kafka.tools.StorageTool.execute(formatArgs, System.out);
    } catch (RuntimeException e) {
      System.err.println("Formatting the storage failed: " + e);
      e.printStackTrace();
      code = EXIT_FORMAT_FAILED;
    }
    if (code != 0) {
      System.err.println("Formatting the storage failed with exit code " + code);
      System.exit(EXIT_FORMAT_FAILED);
    }
  }

  private static void watchParent(long parentPid) {
    Thread stdinWatch =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[256];
              try {
                while (in.read(buffer) >= 0) {
                  // The parent never writes; anything it does write is ignored.
                }
              } catch (IOException e) {
                // A broken pipe means the same as end-of-file: the parent is gone.
              }
              exit("standard input closed: the parent process is gone");
            },
            "cab-parent-stdin-watch");
    stdinWatch.setDaemon(true);
    stdinWatch.start();

    if (parentPid > 0) {
      Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
      if (parent.isEmpty()) {
        exit("parent process " + parentPid + " is not running");
      }
      // Backs up the stdin watch for the case where some other process inherited the pipe.
      parent.get().onExit().thenRun(() -> exit("parent process " + parentPid + " has exited"));
    }
  }

  private static void exit(String reason) {
    if (!EXITING.compareAndSet(false, true)) {
      return;
    }
    System.err.println("[cab] Stopping the broker: " + reason);
    Thread halter =
        new Thread(
            () -> {
              try {
                Thread.sleep(Duration.ofSeconds(HALT_AFTER_SECONDS));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              System.err.println(
                  "[cab] The broker did not stop within " + HALT_AFTER_SECONDS + " s: halting");
              Runtime.getRuntime().halt(1);
            },
            "cab-halt-timer");
    halter.setDaemon(true);
    halter.start();
    // Runs Kafka's own shutdown hook, which stops the broker cleanly.
    new Thread(() -> System.exit(0), "cab-exit").start();
  }
}
