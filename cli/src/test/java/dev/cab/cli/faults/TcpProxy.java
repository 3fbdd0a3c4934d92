package dev.cab.cli.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that can stall: while {@link #stall() stalled} it keeps every connection
 * open and keeps accepting new ones, but forwards no byte in either direction (a network partition
 * as a client sees it: no error, just silence); {@link #resume()} forwards what was held. Thread
 * per direction of each connection (virtual threads). Thread-safe.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String upstreamHost;
  private final int upstreamPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private final AtomicLong heldChunks = new AtomicLong();
  private volatile boolean stalled;
  private volatile boolean closed;

  private TcpProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
  }

  /** A proxy to {@code host:port}, accepting from now on. */
  static TcpProxy to(String host, int port) {
    try {
      TcpProxy proxy = new TcpProxy(host, port);
      Thread.ofVirtual().name("proxy-accept").start(proxy::accept);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding; connections stay open. */
  void stall() {
    stalled = true;
  }

  /** Forwards again, the held bytes first. */
  void resume() {
    synchronized (gate) {
      stalled = false;
      gate.notifyAll();
    }
  }

  /** Chunks of bytes that had to wait for a {@link #resume()}. */
  long heldChunks() {
    return heldChunks.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("[faults] proxy: " + e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        awaitOpen();
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed or reset: close the other below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void awaitOpen() throws InterruptedException {
    if (!stalled) {
      return;
    }
    heldChunks.incrementAndGet();
    synchronized (gate) {
      while (stalled && !closed) {
        gate.wait(100);
      }
    }
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    resume();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    sockets.forEach(this::closeQuietly);
  }
}
