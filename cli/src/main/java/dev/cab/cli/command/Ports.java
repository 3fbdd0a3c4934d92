package dev.cab.cli.command;

import dev.cab.cli.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Fails early, with a line saying what to do, when a port the user asked for is taken. */
final class Ports {
  private Ports() {}

  static void requireFree(int port, String what, String flag, String env) {
    if (port == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new UserError(
          what
              + " port "
              + port
              + " is already in use: stop what holds it, or choose another with "
              + flag
              + " N (or "
              + env
              + "=N)");
    }
  }
}
