package dev.cab.cli.faults;

import java.io.IOException;
import java.util.Arrays;

/**
 * Runs a stage's {@code main} in a child JVM that dies with the test JVM: {@code java -cp
 * <classpath> dev.cab.cli.faults.ParentWatch dev.cab.sink.SinkMain}. The stage's main runs
 * unmodified; a daemon thread reads standard input (a pipe from the test JVM) and halts this JVM
 * when it closes, so a killed test run leaves no stage behind.
 */
public final class ParentWatch {
  private ParentWatch() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: ParentWatch <main class> [args...]");
      System.exit(2);
    }
    Thread.ofPlatform()
        .daemon()
        .name("parent-watch")
        .start(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing is ever sent; only end of stream matters
                }
              } catch (IOException e) {
                // the pipe broke: the parent is gone as well
              }
              Runtime.getRuntime().halt(137);
            });
    Class.forName(args[0])
        .getMethod("main", String[].class)
        .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}
