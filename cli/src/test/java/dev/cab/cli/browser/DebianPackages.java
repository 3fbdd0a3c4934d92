package dev.cab.cli.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Debian programs the browser tests drive (Chromium, rsvg-convert): when one is missing it is
 * installed with {@code apt-get} when running as root, and otherwise the test fails with one line
 * saying what to install. A test that needs them never passes by being skipped.
 */
final class DebianPackages {
  private DebianPackages() {}

  /**
   * Makes sure every one of {@code binaries} exists, installing {@code packages} as root.
   *
   * @param need what needs them, for the error ("the browser tests need Chromium")
   */
  static synchronized void ensure(String need, List<Path> binaries, List<String> packages) {
    if (binaries.stream().allMatch(Files::isExecutable)) {
      return;
    }
    String install = "apt-get install -y " + String.join(" ", packages);
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(need + ": run `sudo " + install + "`");
    }
    run(List.of("apt-get", "update", "-q"));
    List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
    command.addAll(packages);
    run(command);
    if (!binaries.stream().allMatch(Files::isExecutable)) {
      throw new IllegalStateException(
          "apt-get did not install " + binaries + ": " + need + ", run `" + install + "`");
    }
  }

  private static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).inheritIO().start();
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }
}
