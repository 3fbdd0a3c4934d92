package dev.cab.cli.command;

import dev.cab.cli.UserError;
import dev.cab.cli.clickhouse.ClickHouseHttp;
import dev.cab.cli.console.Table;
import dev.cab.model.topic.Topic;
import dev.cab.model.topic.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cab status}: per topic the consumer lag, per table the rows, the last cell seen. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Per topic: records and consumer lag; per table: rows; the last cell seen.")
public final class StatusCommand implements Callable<Integer> {

  @Option(
      names = "--bootstrap",
      defaultValue = "${env:CAB_KAFKA_BOOTSTRAP:-127.0.0.1:${env:CAB_KAFKA_PORT:-9092}}",
      description =
          "Kafka (env CAB_KAFKA_BOOTSTRAP, else 127.0.0.1:CAB_KAFKA_PORT; default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--url",
      description =
          "ClickHouse HTTP URL (env CAB_CLICKHOUSE_URL, else http://127.0.0.1:CAB_CLICKHOUSE_PORT;"
              + " default port 8123).")
  String url;

  /** Which consumer groups read which topic. */
  private static final Map<String, List<String>> READERS =
      Map.of(
          Topics.SPANS.name(), List.of("cab-streams", "cab-sink"),
          Topics.SCORES.name(), List.of("cab-streams", "cab-sink"),
          Topics.CELLS.name(), List.of("cab-sink"),
          Topics.DLQ.name(), List.of());

  @Override
  public Integer call() throws InterruptedException {
    kafkaStatus();
    System.out.println();
    ClickHouseHttp clickhouse = ClickHouseHttp.fromEnv();
    if (url != null) {
      clickhouse = clickhouse.withUrl(url);
    }
    List<List<String>> tables =
        clickhouse.rows(
            "SELECT name, toString(total_rows) FROM system.tables WHERE database = '"
                + clickhouse.database()
                + "' AND engine LIKE '%MergeTree' ORDER BY name");
    Table.print(System.out, List.of("table", "rows"), tables);
    System.out.println();
    List<List<String>> last =
        clickhouse.rows(
            "SELECT cell_id, status, toString(version), toString(updated_at) FROM cells"
                + " ORDER BY inserted_at DESC LIMIT 1");
    if (last.isEmpty()) {
      System.out.println("no cell yet: send some with ./cab simulate");
    } else {
      List<String> c = last.getFirst();
      System.out.printf(
          "last cell: %s (%s, version %s, updated %s)%n", c.get(0), c.get(1), c.get(2), c.get(3));
    }
    return 0;
  }

  private void kafkaStatus() throws InterruptedException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(p)) {
      List<String> names = Topics.all().stream().map(Topic::name).toList();
      var descriptions = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      descriptions.forEach(
          (name, d) ->
              d.partitions()
                  .forEach(
                      pi ->
                          latest.put(
                              new TopicPartition(name, pi.partition()), OffsetSpec.latest())));
      var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
      for (String group : List.of("cab-streams", "cab-sink")) {
        committed.put(
            group,
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS));
      }
      List<List<String>> rows = new ArrayList<>();
      for (String topic : names) {
        long end =
            ends.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(e -> e.getValue().offset())
                .sum();
        List<String> lags = new ArrayList<>();
        for (String group : READERS.get(topic)) {
          long lag = 0;
          for (var e : ends.entrySet()) {
            if (e.getKey().topic().equals(topic)) {
              OffsetAndMetadata c = committed.get(group).get(e.getKey());
              lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
          }
          lags.add(group + "=" + lag);
        }
        rows.add(List.of(topic, Long.toString(end), lags.isEmpty() ? "-" : String.join(" ", lags)));
      }
      Table.print(System.out, List.of("topic", "records", "lag"), rows);
    } catch (ExecutionException | TimeoutException e) {
      throw new UserError(
          "cannot read Kafka at " + bootstrap + " (" + e.getMessage() + "): is ./cab up running?",
          e);
    }
  }
}
