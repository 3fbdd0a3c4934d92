package dev.cab.sink;

import dev.cab.embedded.junit.ClickHouseTestServer;
import dev.cab.embedded.junit.KafkaTestBroker;
import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.AlertRecord;
import dev.cab.model.wire.CellRecord;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.config.SinkSettings;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the sink ITs share: topics of their own on the shared broker, settings pointing the sink at
 * them and at the test class's ClickHouse database, a producer, a dead-letter reader and SQL.
 */
public final class SinkHarness implements AutoCloseable {
  public final KafkaTestBroker kafka;
  public final ClickHouseTestServer clickhouse;
  public final String cells;
  public final String spans;
  public final String scores;
  public final String dlq;
  public final String alerts;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Connection sql;

  public SinkHarness(KafkaTestBroker kafka, ClickHouseTestServer clickhouse, int partitions)
      throws SQLException {
    this.kafka = kafka;
    this.clickhouse = clickhouse;
    this.cells = kafka.createTopic("cab.cells.v1", partitions);
    this.spans = kafka.createTopic("cab.spans.v1", partitions);
    this.scores = kafka.createTopic("cab.scores.v1", partitions);
    this.dlq = kafka.createTopic("cab.dlq.v1", 1);
    this.alerts = kafka.createTopic("cab.alerts.v1", 1);
    Map<String, Object> p = new HashMap<>(kafka.clientConfig());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p);
    Properties props = new Properties();
    props.setProperty("user", clickhouse.user());
    props.setProperty("password", clickhouse.password());
    this.sql = DriverManager.getConnection("jdbc:clickhouse:" + clickhouse.url(), props);
  }

  /** Sink settings for this harness: its topics, the class's database, a fresh group. */
  public SinkSettings settings(Map<String, String> overrides) {
    Map<String, String> p = new HashMap<>();
    p.put(SinkSettings.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    p.put(SinkSettings.CLICKHOUSE_URL, clickhouse.url());
    p.put(SinkSettings.CLICKHOUSE_USER, clickhouse.user());
    p.put(SinkSettings.CLICKHOUSE_PASSWORD, clickhouse.password());
    p.put(SinkSettings.CLICKHOUSE_DATABASE, clickhouse.database());
    p.put(SinkSettings.GROUP_ID, "cab-sink-" + UUID.randomUUID());
    p.put(SinkSettings.BATCH_MAX_MS, "100");
    p.put(SinkSettings.TOPIC_CELLS, cells);
    p.put(SinkSettings.TOPIC_SPANS, spans);
    p.put(SinkSettings.TOPIC_SCORES, scores);
    p.put(SinkSettings.TOPIC_DLQ, dlq);
    p.put(SinkSettings.TOPIC_ALERTS, alerts);
    p.put(SinkSettings.CLOSE_TIMEOUT_MS, "10000");
    p.putAll(overrides);
    return SinkSettings.from(p, Map.of());
  }

  public RecordMetadata send(String topic, String key, byte[] value) {
    try {
      return producer
          .send(
              new ProducerRecord<>(
                  topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
          .get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("cannot produce to " + topic, e);
    }
  }

  public RecordMetadata sendCell(CellRecord c) {
    return send(cells, c.cellId(), new JsonSerde<>(CellRecord.class).serialize(cells, c));
  }

  public RecordMetadata sendAlert(AlertRecord a) {
    return send(alerts, a.fingerprint(), new JsonSerde<>(AlertRecord.class).serialize(alerts, a));
  }

  public RecordMetadata sendSpan(SpanRecord s) {
    return send(spans, s.cell().cellId(), new JsonSerde<>(SpanRecord.class).serialize(spans, s));
  }

  public RecordMetadata sendScore(ScoreEvent e) {
    return send(scores, e.cell().cellId(), new JsonSerde<>(ScoreEvent.class).serialize(scores, e));
  }

  /** Reads the dead-letter topic from the beginning until {@code count} records arrived. */
  public List<ConsumerRecord<byte[], byte[]>> deadLetters(int count) {
    Map<String, Object> c = new HashMap<>(kafka.clientConfig());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      TopicPartition tp = new TopicPartition(dlq, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Committed offsets of a consumer group (empty when it committed nothing). */
  public Map<TopicPartition, OffsetAndMetadata> committed(String groupId) {
    try (Admin admin = kafka.admin()) {
      return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A single number from a query in the test database. */
  public long count(String query) {
    try (Statement st = sql.createStatement();
        ResultSet rs = st.executeQuery(query.replace("{db}", clickhouse.database()))) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows of a query in the test database, as column name to value. */
  public List<Map<String, Object>> rows(String query) {
    try (Statement st = sql.createStatement();
        ResultSet rs = st.executeQuery(query.replace("{db}", clickhouse.database()))) {
      List<Map<String, Object>> out = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void execute(String statement) {
    try (Statement st = sql.createStatement()) {
      st.execute(statement.replace("{db}", clickhouse.database()));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws SQLException {
    producer.close();
    sql.close();
  }
}
