package dev.cab.embedded.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several clients at once, a busy engine, and clients that vanish mid-response. */
@ExtendWith(ClickHouseExtension.class)
class ClickHouseConcurrencyIT {

  private final ClickHouseTestServer server;
  private final HttpCalls http;

  ClickHouseConcurrencyIT(ClickHouseTestServer server) {
    this.server = server;
    this.http = new HttpCalls(server.url());
  }

  @BeforeAll
  static void createTable(ClickHouseTestServer server) {
    server.query("CREATE TABLE events (client UInt8, n UInt32) ENGINE = MergeTree ORDER BY client");
  }

  @Test
  void servesEightConcurrentClients() throws Exception {
    int clients = 8;
    int batches = 25;
    int rowsPerBatch = 100;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        results.add(
            pool.submit(
                () -> {
                  for (int b = 0; b < batches; b++) {
                    StringBuilder rows = new StringBuilder();
                    for (int r = 0; r < rowsPerBatch; r++) {
                      rows.append(client).append('\t').append(b * rowsPerBatch + r).append('\n');
                    }
                    http.call()
                        .param("database", server.database())
                        .param("query", "INSERT INTO events FORMAT TSV")
                        .body(rows.toString())
                        .ok();
                    http.call().path("/ping").get().ok();
                  }
                  return Long.parseLong(
                      http.query(
                              server.database(),
                              "SELECT count() FROM events WHERE client = " + client)
                          .strip());
                }));
      }
      for (Future<Long> result : results) {
        assertThat(result.get(2, TimeUnit.MINUTES)).isEqualTo((long) batches * rowsPerBatch);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.query("SELECT count(), uniqExact(client) FROM events"))
        .isEqualTo(clients * batches * rowsPerBatch + "\t" + clients + "\n");
  }

  @Test
  void answersPingWhileTheEngineIsBusy() throws Exception {
    CompletableFuture<String> slow =
        CompletableFuture.supplyAsync(() -> http.call().body("SELECT sleep(2), 'slept'").ok());
    int pingsDuringQuery = 0;
    long worstPingMillis = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!slow.isDone() && System.nanoTime() < deadline) {
      long started = System.nanoTime();
      assertThat(http.call().path("/ping").get().ok()).isEqualTo("Ok.\n");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (!slow.isDone()) {
        pingsDuringQuery++;
        worstPingMillis = Math.max(worstPingMillis, millis);
      }
    }

    assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo("0\tslept\n");
    assertThat(pingsDuringQuery).isGreaterThan(5);
    assertThat(worstPingMillis).isLessThan(1000);
  }

  @Test
  void keepsServingAfterClientsDisconnectMidResponse() throws Exception {
    URI url = URI.create(server.url());
    byte[] sql =
        "SELECT number, repeat('x', 200) FROM numbers(300000) FORMAT TSV"
            .getBytes(StandardCharsets.UTF_8);
    for (int attempt = 0; attempt < 3; attempt++) {
      try (Socket socket = new Socket(url.getHost(), url.getPort())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + sql.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(sql);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] some = in.readNBytes(64 * 1024);
        assertThat(new String(some, 0, 15, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
        // Closing now leaves about 60 MB unsent: the server's writes fail.
      }
    }

    assertThat(http.call().path("/ping").get().ok()).isEqualTo("Ok.\n");
    assertThat(http.call().body("SELECT count() FROM numbers(300000)").ok()).isEqualTo("300000\n");
  }

  @Test
  void keepsServingAfterAClientSendsGarbage() throws Exception {
    URI url = URI.create(server.url());
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.getOutputStream().write("NONSENSE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.getInputStream().readAllBytes();
    }
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      // Announces a body it never sends, then goes away.
      socket
          .getOutputStream()
          .write(
              "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nSELECT"
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }

    assertThat(http.call().body("SELECT 'fine'").ok()).isEqualTo("fine\n");
  }
}
