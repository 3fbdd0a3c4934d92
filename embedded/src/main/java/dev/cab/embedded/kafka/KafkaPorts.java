package dev.cab.embedded.kafka;

import static dev.cab.embedded.kafka.EmbeddedKafka.LOOPBACK;

import dev.cab.embedded.kafka.EmbeddedKafka.PortInUseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** The ports of an embedded cluster: which ones, and whether a fixed one is free. */
final class KafkaPorts {
  private KafkaPorts() {}

  /**
   * {@code 2 * nodeCount} ports on loopback: client listeners first, then controller listeners.
   * With {@code firstPort} 0 the free ports the OS hands out (held open together, so distinct);
   * otherwise {@code firstPort, firstPort + 1, ...}, each checked to be free.
   *
   * @throws EmbeddedKafka.PortInUseException when a fixed port is taken
   */
  static int[] allocate(int nodeCount, int firstPort) {
    int count = 2 * nodeCount;
    int[] ports = new int[count];
    if (firstPort == 0) {
      // Hold all sockets open at once so that the picks are distinct.
      List<ServerSocket> held = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
          held.add(s);
          ports[i] = s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find free ports on " + LOOPBACK, e);
      } finally {
        held.forEach(KafkaPorts::closeQuietly);
      }
      return ports;
    }
    for (int i = 0; i < count; i++) {
      ports[i] = firstPort + i;
      String role =
          i < nodeCount
              ? "client listener of node " + i
              : "controller listener of node " + (i - nodeCount);
      checkFree(ports[i], role, firstPort, firstPort + count - 1);
    }
    return ports;
  }

  private static void checkFree(int port, String role, int first, int last) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as Kafka does: sockets in TIME_WAIT do not count as taken
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
    } catch (BindException e) {
      throw new PortInUseException(port, role, first, last);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check port " + port, e);
    }
  }

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // A probe socket: nothing depends on closing it cleanly.
    }
  }
}
