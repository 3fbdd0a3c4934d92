package dev.cab.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cab.alerts.config.AlertsSettings;
import dev.cab.embedded.junit.KafkaExtension;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.config.ManagementConfig;
import dev.cab.model.management.ManagementServer;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.AlertRecord;
import dev.cab.model.wire.CellOutcome;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.CellStatus;
import dev.cab.model.wire.SweepPlan;
import dev.cab.testing.AlertmanagerProcess;
import dev.cab.testing.Await;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts stage on the real embedded Kafka broker, delivering to a real Prometheus Alertmanager:
 * a baseline and a regressed sweep raise exactly the injected alerts, which reach Alertmanager
 * although it was down when they fired, and resolve when the regression is withdrawn.
 */
@ExtendWith(KafkaExtension.class)
class AlertsServiceIT {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  private final KafkaTestBroker kafka;
  private final String cells;
  private final String alerts;
  private final String plans;
  private final KafkaProducer<byte[], byte[]> producer;
  private final List<AlertRecord> transitions = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private ManagementServer management;
  @TempDir Path dir;

  AlertsServiceIT(KafkaTestBroker kafka) {
    this.kafka = kafka;
    this.cells = kafka.createTopic("cab.cells.v1", 2);
    this.alerts = kafka.createTopic("cab.alerts.v1", 1);
    this.plans = kafka.createTopic("cab.sweep-plans.v1", 1);
    Map<String, Object> p = new HashMap<>(kafka.clientConfig());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
    producer.close();
  }

  /** One cell of a 2 tuis x 2 models x 50 tasks sweep: task k passes when k % 5 != 0. */
  private static CellRecord cell(
      String sweep, String tui, String model, int task, boolean pass, double seconds, long v) {
    Instant start = T0.plusSeconds(sweep.equals("base") ? 0 : 3600).plusSeconds(task);
    return new CellRecord(
        CellRecord.SCHEMA_VERSION,
        sweep + "/" + tui + "/" + model + "/t" + task,
        sweep,
        tui,
        model,
        "t" + task,
        "cat",
        null,
        null,
        null,
        0,
        start,
        start.plusMillis((long) (seconds * 1000)),
        seconds * 1000,
        Map.of("pass_rate", Map.of("pass", pass ? 1 : 0, "timed_out", false)),
        Map.of("pass_rate", pass ? 1.0 : 0.0, "latency", seconds * 1000),
        null,
        null,
        null,
        CellStatus.COMPLETE,
        List.of(),
        pass ? CellOutcome.PASSED : CellOutcome.FAILED,
        pass ? "pass_rate 1" : "pass_rate 0",
        v,
        start);
  }

  /** Baseline, or the candidate with aider x m1 failing every task and m2 1.5x slower. */
  private void sendSweep(String sweep, boolean regressed, long version) {
    for (String tui : List.of("aider", "pi")) {
      for (String model : List.of("m1", "m2")) {
        for (int k = 0; k < 50; k++) {
          boolean pass = k % 5 != 0;
          double seconds = 40 + (k * 7 % 23) + (tui.equals("pi") ? 15 : 0);
          if (regressed && tui.equals("aider") && model.equals("m1")) {
            pass = false;
          }
          if (regressed && model.equals("m2")) {
            seconds *= 1.5 + 0.01 * (k % 3);
          }
          send(cell(sweep, tui, model, k, pass, seconds, version));
        }
      }
    }
    producer.flush();
  }

  private void sendPlan(String sweep, String baseline) {
    SweepPlan plan =
        new SweepPlan(
            SweepPlan.SCHEMA_VERSION,
            sweep,
            List.of("aider", "pi"),
            List.of("m1", "m2"),
            java.util.stream.IntStream.range(0, 50).mapToObj(k -> "t" + k).toList(),
            baseline,
            200,
            T0,
            Map.of());
    producer.send(
        new ProducerRecord<>(
            plans,
            sweep.getBytes(StandardCharsets.UTF_8),
            new JsonSerde<>(SweepPlan.class).serialize(plans, plan)));
  }

  private void send(CellRecord c) {
    producer.send(
        new ProducerRecord<>(
            cells,
            c.cellId().getBytes(StandardCharsets.UTF_8),
            new JsonSerde<>(CellRecord.class).serialize(cells, c)));
  }

  private AlertsService start(int alertmanagerPort) {
    Map<String, String> p = new HashMap<>();
    p.put(AlertsSettings.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    p.put(AlertsSettings.TOPIC_CELLS, cells);
    p.put(AlertsSettings.TOPIC_ALERTS, alerts);
    p.put(AlertsSettings.TOPIC_SWEEP_PLANS, plans);
    p.put(AlertsSettings.DELIVERY_GROUP_ID, "cab-alerts-it-" + UUID.randomUUID());
    p.put(AlertsSettings.ALERTMANAGER_URL, "http://127.0.0.1:" + alertmanagerPort);
    p.put(AlertsSettings.RESEND_MS, "1000");
    p.put(AlertsSettings.RETRY_BACKOFF_INITIAL_MS, "100");
    p.put(AlertsSettings.RETRY_BACKOFF_MAX_MS, "1000");
    p.put(AlertsSettings.HTTP_TIMEOUT_MS, "2000");
    management = ManagementServer.start(new ManagementConfig("127.0.0.1", 0));
    toClose.add(management);
    AlertsService s =
        AlertsService.start(
            AlertsSettings.from(p, Map.of()), management.stage(AlertsSettings.STAGE));
    toClose.add(s);
    return s;
  }

  /** GET on the management port: status and body. */
  private HttpResponse<String> management(String path) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management.port() + path))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of the first series of {@code name} on /metrics carrying every label given. */
  private double metric(String name, String... labels) {
    for (String line : management("/metrics").body().split("\n")) {
      if (line.startsWith(name + "{")
          && java.util.Arrays.stream(labels).allMatch(line::contains)
          && line.contains("stage=\"alerts\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no series " + name + " " + List.of(labels) + " on /metrics");
  }

  private void watchTransitions() {
    Map<String, Object> c = new HashMap<>(kafka.clientConfig());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-watch-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, AlertRecord> consumer =
        new KafkaConsumer<>(
            c, new StringDeserializer(), new JsonSerde<>(AlertRecord.class).deserializer());
    consumer.subscribe(List.of(alerts));
    Thread t =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      consumer
                          .poll(Duration.ofMillis(200))
                          .forEach(r -> transitions.add(r.value()));
                    }
                  } catch (org.apache.kafka.common.errors.InterruptException
                      | org.apache.kafka.common.errors.WakeupException e) {
                    // closing
                  } finally {
                    consumer.close();
                  }
                });
    toClose.add(
        () -> {
          consumer.wakeup();
          t.interrupt();
          t.join(10_000);
        });
  }

  private Set<String> firing() {
    Map<String, AlertRecord> last = new HashMap<>();
    for (AlertRecord a : transitions) {
      last.put(a.fingerprint(), a);
    }
    Set<String> out = new HashSet<>();
    for (AlertRecord a : last.values()) {
      if (a.state().equals("firing")) {
        out.add(a.rule() + ":" + a.tui() + ":" + a.model() + ":" + a.task());
      }
    }
    return out;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void regressedSweepRaisesExactlyTheInjectedAlertsWhichReachALateAlertmanagerAndResolve()
      throws Exception {
    // given a baseline, a regressed sweep (aider x m1 fails every task, m2 1.5x slower) and two
    // bad records in between; Alertmanager is down at first
    watchTransitions();
    sendSweep("base", false, 1);
    producer.send(new ProducerRecord<>(cells, "x".getBytes(), "{not json".getBytes()));
    CellRecord noTask = cell("cand", "aider", "m1", 99, true, 10, 1);
    send(
        new CellRecord(
            noTask.schemaVersion(),
            "cand/aider/m1/none",
            "cand",
            "aider",
            "m1",
            "",
            "",
            null,
            null,
            null,
            0,
            noTask.startedAt(),
            noTask.endedAt(),
            noTask.durationMs(),
            noTask.axes(),
            noTask.axisScores(),
            null,
            null,
            null,
            CellStatus.COMPLETE,
            List.of(),
            noTask.outcome(),
            noTask.outcomeReason(),
            1,
            noTask.startedAt()));
    // the candidate's plan declares its baseline (a decoy sweep "mid", landing between the two and
    // sharing every cell, would be the automatic choice), next to a plan that does not decode
    sendSweep("mid", false, 1);
    sendPlan("cand", "base");
    producer.send(new ProducerRecord<>(plans, "y".getBytes(), "[1,".getBytes()));
    sendSweep("cand", true, 1);
    int amPort = freePort();

    AlertsService service = start(amPort);

    // then exactly the injected regressions fire: the pair's pass rate, the model's latency (and
    // the latency of the two pairs of that model, which are slower too)
    Set<String> expected =
        Set.of(
            "pass_rate_drop:aider:m1:",
            "latency_rise_model::m2:",
            "latency_rise_pair:aider:m2:",
            "latency_rise_pair:pi:m2:");
    Await.until(
        "the injected alerts firing",
        Duration.ofSeconds(90),
        () -> firing().containsAll(Set.of("pass_rate_drop:aider:m1:", "latency_rise_model::m2:")));
    assertThat(expected).containsAll(firing());
    assertThat(service.metrics().snapshot())
        .containsEntry("undecodable_cells", 1L)
        .containsEntry("unusable_cells", 1L);
    AlertRecord drop =
        transitions.stream().filter(a -> a.rule().equals("pass_rate_drop")).findFirst().get();
    assertThat(drop.baselineSweepId()).isEqualTo("base");
    assertThat(drop.evidence().counts()).containsEntry("lost", 40L);
    assertThat(drop.evidence().pValue()).isLessThan(1e-9);
    // and the management port shows the stage ready and its counters, labelled stage="alerts"
    assertThat(management("/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = management("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"alerts/kafka\":\"UP\"", "\"alerts/detection\":\"UP\"");
    Await.until(
        "the counters on /metrics",
        Duration.ofSeconds(30),
        () -> metric("cab_alerts_hypotheses_tested_total") > 0);
    assertThat(metric("cab_alerts_transitions_total", "state=\"firing\""))
        .isGreaterThanOrEqualTo(2);
    assertThat(metric("cab_alerts_active", "state=\"firing\"")).isGreaterThanOrEqualTo(2);
    assertThat(metric("cab_alerts_undecodable_cells_total")).isEqualTo(1);
    assertThat(metric("cab_alerts_sweep_plans_total")).isEqualTo(1);
    assertThat(metric("cab_alerts_undecodable_sweep_plans_total")).isEqualTo(1);

    // when Alertmanager comes up after the alerts fired
    try (AlertmanagerProcess am = AlertmanagerProcess.start(amPort, dir)) {
      // then it gets every firing alert
      Await.until(
          "Alertmanager holding the firing alerts",
          Duration.ofSeconds(60),
          () -> am.activeAlertKeys().equals(firing()));
      JsonNode one =
          am.activeAlerts().stream()
              .filter(a -> a.path("labels").path("alertname").asText().equals("cab_pass_rate_drop"))
              .findFirst()
              .orElseThrow();
      assertThat(one.path("labels").path("sweep").asText()).isEqualTo("cand");
      assertThat(one.path("labels").path("baseline").asText()).isEqualTo("base");
      assertThat(one.path("annotations").path("summary").asText()).contains("aider x m1");
      // every delivery attempt while it was down failed and was counted, then it went through
      assertThat(metric("cab_alerts_delivery_failures_total")).isGreaterThan(0);
      assertThat(metric("cab_alerts_deliveries_total")).isGreaterThanOrEqualTo(2);

      // when the regression is withdrawn: the candidate's cells are re-run healthy (new versions)
      sendSweep("cand", false, 2);

      // then every alert resolves, on the topic and in Alertmanager
      Await.until("alerts resolved on the topic", Duration.ofSeconds(60), () -> firing().isEmpty());
      assertThat(transitions)
          .filteredOn(a -> a.state().equals("resolved"))
          .allSatisfy(a -> assertThat(a.endsAt()).isNotNull())
          .extracting(a -> a.rule() + ":" + a.tui() + ":" + a.model() + ":" + a.task())
          .containsAll(Set.of("pass_rate_drop:aider:m1:", "latency_rise_model::m2:"));
      Await.until(
          "Alertmanager holding no active alert",
          Duration.ofSeconds(60),
          () -> am.activeAlerts().isEmpty());
    }
    assertThat(service.failure()).isEmpty();
  }
}
