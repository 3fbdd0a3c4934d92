package dev.cab.model.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.model.config.ManagementConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ManagementServerIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(ManagementServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesEveryStageOfTheProcessOnOnePortWithAStageLabel() throws Exception {
    try (ManagementServer server = ManagementServer.start(new ManagementConfig("127.0.0.1", 0))) {
      StageManagement sink = server.stage("sink");
      StageManagement streams = server.stage("streams");
      sink.registry().counter("cab.rows.inserted", "table", "cells").increment(3);
      streams.registry().counter("cab.rows.inserted", "table", "cells").increment(5);

      HttpResponse<String> metrics = get(server, "/metrics");

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
      assertThat(metrics.body())
          .contains("cab_rows_inserted_total{stage=\"sink\",table=\"cells\"} 3.0")
          .contains("cab_rows_inserted_total{stage=\"streams\",table=\"cells\"} 5.0")
          .contains("jvm_memory_used_bytes");

      sink.close();
      assertThat(get(server, "/metrics").body())
          .doesNotContain("stage=\"sink\"")
          .contains("stage=\"streams\"");
    }
  }

  @Test
  void isReadyOnlyWhenEveryCheckOfEveryStagePasses() throws Exception {
    try (ManagementServer server = ManagementServer.start(new ManagementConfig("127.0.0.1", 0))) {
      assertThat(get(server, "/health/ready").statusCode())
          .as("no stage registered yet")
          .isEqualTo(503);
      StageManagement sink = server.stage("sink");
      sink.readiness("kafka", timeout -> {});
      boolean[] clickhouseUp = {false};
      sink.readiness(
          "clickhouse",
          timeout -> {
            if (!clickhouseUp[0]) {
              throw new IllegalStateException("connection refused");
            }
          });

      HttpResponse<String> down = get(server, "/health/ready");
      clickhouseUp[0] = true;
      HttpResponse<String> up = get(server, "/health/ready");

      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body())
          .contains("\"status\":\"DOWN\"")
          .contains("\"sink/clickhouse\":\"DOWN: IllegalStateException: connection refused\"")
          .contains("\"sink/kafka\":\"UP\"");
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
    }
  }
}
