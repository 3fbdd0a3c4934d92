package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.collector.CollectorService;
import dev.cab.collector.config.CollectorSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./cab up --listen 0.0.0.0} (the setting {@code cab.listen.address}) makes the collector
 * reachable on the machine's own network address, for runners in containers or on other hosts, and
 * without collector tokens says so in one warning line; a collector on the default address
 * (loopback) cannot be reached there.
 */
class ListenAddressIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void listeningBeyondLoopbackWithoutTokensWarnsAndAnswersOnTheMachinesAddress(
      @TempDir Path dataDir) throws Exception {
    // given the machine's own (non-loopback) address
    InetAddress external = nonLoopbackAddress();
    List<String> printed = new CopyOnWriteArrayList<>();

    // when the stack starts with --listen 0.0.0.0 and no collector tokens
    try (LocalStack stack =
        TestStacks.start(dataDir, Map.of("cab.listen.address", "0.0.0.0"), printed::add)) {

      // then one warning line names the address and the setting that closes the door
      assertThat(printed)
          .filteredOn(line -> line.contains("WARNING"))
          .singleElement()
          .asString()
          .contains("listens on 0.0.0.0")
          .contains("collector.auth.tokens.file")
          .doesNotContain("\n");
      // and a runner reaching the machine's address is answered
      int port = URI.create(stack.otlpHttpEndpoint()).getPort();
      assertThat(postEmptyTraces(external, port)).isEqualTo(200);

      // while a collector on the default address answers on loopback only
      try (CollectorService local =
          CollectorService.start(
              CollectorSettings.of(
                  Map.of(
                      CollectorSettings.KAFKA_BOOTSTRAP, stack.bootstrapServers(),
                      CollectorSettings.HTTP_PORT, "0",
                      CollectorSettings.GRPC_PORT, "-1")))) {
        assertThat(postEmptyTraces(InetAddress.getLoopbackAddress(), local.httpPort()))
            .isEqualTo(200);
        assertThatThrownBy(() -> postEmptyTraces(external, local.httpPort()))
            .isInstanceOf(ConnectException.class);
      }
    }
  }

  private static int postEmptyTraces(InetAddress address, int port)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://" + address.getHostAddress() + ":" + port + "/v1/traces");
    return HTTP.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** An IPv4 address of an interface that is up and not loopback (eth0 on a CI machine). */
  private static InetAddress nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a;
          }
        }
      }
    }
    throw new AssertionError(
        "this machine has no non-loopback IPv4 address: the test needs one (e.g. eth0)");
  }
}
