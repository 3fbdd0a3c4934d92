package dev.cab.sink;

import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import dev.cab.embedded.kafka.EmbeddedKafka;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.CellRecord;
import dev.cab.sink.config.SinkSettings;
import dev.cab.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Bench, not a test: rows/s through the sink for N cell records (default 100 000, each the seed-001
 * cell with its own cell id, ~3 KB of JSON) from the embedded Kafka broker into the embedded
 * ClickHouse, once per insert format. The clock starts when the sink starts (the records are
 * already in Kafka) and stops when ClickHouse accepted the last row.
 *
 * <pre>
 * ./mvnw -B -q -pl sink -am test-compile -Dspotless.check.skip=true
 * ./mvnw -B -q -pl sink dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED \
 *   -cp sink/target/test-classes:sink/target/classes:$(cat sink/target/test.cp) \
 *   dev.cab.sink.SinkBench [records] [formats: row_binary,json_each_row] [batch.max.rows]
 * </pre>
 */
public final class SinkBench {
  private SinkBench() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    List<String> formats =
        List.of((args.length > 1 ? args[1] : "row_binary,json_each_row").split(","));
    String maxRows = args.length > 2 ? args[2] : "10000";
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
        EmbeddedClickHouse clickhouse = EmbeddedClickHouse.builder().port(0).build().start()) {
      CellRecord seed = SeedFixture.cellRecord(SeedFixture.cells().getFirst(), 1);
      byte[] template = new JsonSerde<>(CellRecord.class).serialize("bench", seed);
      String json = new String(template, StandardCharsets.UTF_8);
      for (String format : formats) {
        String topic = "bench.cells." + format;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
          admin
              .createTopics(
                  Set.of(
                      new NewTopic(topic, Optional.of(4), Optional.empty()),
                      new NewTopic(topic + ".spans", Optional.of(1), Optional.empty()),
                      new NewTopic(topic + ".scores", Optional.of(1), Optional.empty()),
                      new NewTopic(topic + ".dlq", Optional.of(1), Optional.empty())))
              .all()
              .get();
        }
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
          for (int i = 0; i < records; i++) {
            String id = "bench/" + format + "/" + i;
            byte[] value = json.replace(seed.cellId(), id).getBytes(StandardCharsets.UTF_8);
            bytes += value.length;
            producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value));
          }
        }
        String database = "bench_" + format;
        SinkSettings settings =
            SinkSettings.from(
                Map.of(
                    SinkSettings.KAFKA_BOOTSTRAP,
                    kafka.bootstrapServers(),
                    SinkSettings.CLICKHOUSE_URL,
                    clickhouse.url(),
                    SinkSettings.CLICKHOUSE_DATABASE,
                    database,
                    SinkSettings.GROUP_ID,
                    "bench-" + format,
                    SinkSettings.TOPIC_CELLS,
                    topic,
                    SinkSettings.TOPIC_SPANS,
                    topic + ".spans",
                    SinkSettings.TOPIC_SCORES,
                    topic + ".scores",
                    SinkSettings.TOPIC_DLQ,
                    topic + ".dlq",
                    SinkSettings.BATCH_MAX_ROWS,
                    maxRows,
                    SinkSettings.INSERT_FORMAT,
                    format.toLowerCase(Locale.ROOT)),
                Map.of());
        long start = System.nanoTime();
        try (SinkService sink = SinkService.start(settings)) {
          Await.until(
              "all rows",
              Duration.ofMinutes(30),
              () -> sink.metrics().rowsWritten("cells") >= records);
          double s = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "BENCH format=%s records=%d avg_bytes=%d batch.max.rows=%s seconds=%.2f"
                  + " rows_per_s=%.0f MB_per_s=%.1f inserts=%d%n",
              format,
              records,
              bytes / records,
              maxRows,
              s,
              records / s,
              bytes / s / 1e6,
              sink.metrics().inserts());
        }
      }
    }
  }
}
