package dev.cab.cli.command;

import java.util.concurrent.CountDownLatch;

/** Keeps a foreground command alive until Ctrl-C/SIGTERM, then runs its stop action once. */
final class Foreground {
  private Foreground() {}

  static void awaitShutdown(Runnable stop) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    stop.run();
                  } finally {
                    stopped.countDown();
                  }
                },
                "cab-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
