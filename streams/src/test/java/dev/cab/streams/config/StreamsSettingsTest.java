package dev.cab.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cab.model.config.InvalidConfigException;
import dev.cab.model.score.CompositeWeights;
import dev.cab.model.score.EfficiencyCurves;
import dev.cab.model.wire.WireAttributes.Axes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

  @Test
  void defaultsNeedOnlyTheBootstrapAddressFromTheEnvironment() {
    // given / when
    StreamsSettings s = StreamsSettings.from(Map.of(), Map.of("CAB_KAFKA_BOOTSTRAP", "k:9092"));

    // then
    assertThat(s.bootstrap()).isEqualTo("k:9092");
    assertThat(s.applicationId()).isEqualTo("cab-streams");
    assertThat(s.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.numThreads()).isEqualTo(1);
    assertThat(s.weights()).isEqualTo(CompositeWeights.V1);
    assertThat(s.curves()).isEqualTo(EfficiencyCurves.DEFAULT);
    assertThat(s.requiredAxes()).containsExactlyElementsOf(Axes.REQUIRED);
    assertThat(s.topicPartitions()).isEqualTo(4);
    assertThat(s.topicReplicationFactor()).isEqualTo((short) 1);
    assertThat(s.stateDir()).isEqualTo(StreamsSettings.DEFAULT_STATE_DIR);
  }

  @Test
  void explicitPropertiesWinOverTheEnvironment() {
    // given / when
    StreamsSettings s =
        StreamsSettings.from(
            Map.of(
                "cab.kafka.bootstrap", "explicit:9092",
                "streams.required.axes", "pass_rate, latency",
                "streams.composite.latency.scale", "2.0",
                "streams.commit.interval.ms", "250"),
            Map.of("CAB_KAFKA_BOOTSTRAP", "env:9092", "STREAMS_NUM_THREADS", "2"));

    // then
    assertThat(s.bootstrap()).isEqualTo("explicit:9092");
    assertThat(s.numThreads()).isEqualTo(2);
    assertThat(s.requiredAxes()).containsExactly("pass_rate", "latency");
    assertThat(s.curves().latencyScale()).isEqualTo(2.0);
    assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void collectsEveryProblemAndFailsOnceListingThemAll() {
    // given
    Map<String, String> bad =
        Map.of(
            "streams.processing.guarantee", "exactly_once",
            "streams.num.threads", "zero",
            "streams.composite.weights.version", "cab-composite-v9",
            "streams.composite.latency.exponent", "0.5",
            "streams.composite.cost.reference.tokens", "-1",
            "streams.required.axes", "Pass Rate,,",
            "cab.kafka.topic.partitions", "0");

    // when
    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class, () -> StreamsSettings.from(bad, Map.of()));

    // then
    assertThat(e.problems())
        .hasSize(8)
        .anySatisfy(p -> assertThat(p).contains("cab.kafka.bootstrap (env CAB_KAFKA_BOOTSTRAP)"))
        .anySatisfy(p -> assertThat(p).contains("streams.processing.guarantee"))
        .anySatisfy(p -> assertThat(p).contains("streams.num.threads"))
        .anySatisfy(p -> assertThat(p).contains("cab-composite-v9"))
        .anySatisfy(p -> assertThat(p).contains("streams.composite.latency.exponent"))
        .anySatisfy(p -> assertThat(p).contains("streams.composite.cost.reference.tokens"))
        .anySatisfy(p -> assertThat(p).contains("streams.required.axes"))
        .anySatisfy(p -> assertThat(p).contains("cab.kafka.topic.partitions"));
    assertThat(e.getMessage()).startsWith("streams configuration is invalid:");
  }

  @Test
  void kafkaStreamsConfigHasTheDeadLetterQueueAndContinuingHandlers() {
    // given
    StreamsSettings s = StreamsSettings.from(Map.of("cab.kafka.bootstrap", "k:9092"), Map.of());

    // when
    Properties p = s.toProperties();

    // then: the 4.3.1 names, and Kafka Streams accepts them
    assertThat(p)
        .containsEntry("application.id", "cab-streams")
        .containsEntry("bootstrap.servers", "k:9092")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("commit.interval.ms", "200")
        .containsEntry("num.stream.threads", "1")
        .containsEntry("errors.dead.letter.queue.topic.name", "cab.dlq.v1")
        .containsEntry(
            "deserialization.exception.handler", LogAndContinueExceptionHandler.class.getName())
        .containsEntry(
            "processing.exception.handler",
            LogAndContinueProcessingExceptionHandler.class.getName())
        .containsEntry("ensure.explicit.internal.resource.naming", "true");
    StreamsConfig config = new StreamsConfig(p);
    assertThat(config.getString(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))
        .isEqualTo("cab.dlq.v1");
    assertThat(config.deserializationExceptionHandler())
        .isInstanceOf(LogAndContinueExceptionHandler.class);
  }

  @Test
  void theStateFormatIsBinaryUnlessSetToJsonAndAnythingElseIsRefused() {
    Map<String, String> kafka = Map.of("cab.kafka.bootstrap", "k:9092");
    assertThat(StreamsSettings.from(kafka, Map.of()).stateFormat())
        .isEqualTo(StreamsSettings.StateFormat.BINARY);
    assertThat(StreamsSettings.from(kafka, Map.of("STREAMS_STATE_FORMAT", "JSON")).stateFormat())
        .isEqualTo(StreamsSettings.StateFormat.JSON);
    assertThatThrownBy(
            () ->
                StreamsSettings.from(
                    Map.of("cab.kafka.bootstrap", "k:9092", "streams.state.format", "avro"),
                    Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("streams.state.format")
        .hasMessageContaining("must be binary or json, not 'avro'");
  }

  @Test
  void everyRocksDbStoreSharesOneBoundedCacheAndSmallMemtables() {
    // given a 32 MiB budget
    Properties p =
        StreamsSettings.from(
                Map.of("cab.kafka.bootstrap", "k:9092", "streams.rocksdb.memory.bytes", "33554432"),
                Map.of())
            .toProperties();
    assertThat(p)
        .containsEntry(
            StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName())
        .containsEntry(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 33_554_432L);

    // when two stores are configured the way Kafka Streams does it
    Map<String, Object> configs = new java.util.HashMap<>();
    p.forEach((k, v) -> configs.put((String) k, v));
    try (org.rocksdb.Options a = new org.rocksdb.Options();
        org.rocksdb.Options b = new org.rocksdb.Options()) {
      a.setTableFormatConfig(new org.rocksdb.BlockBasedTableConfig());
      b.setTableFormatConfig(new org.rocksdb.BlockBasedTableConfig());
      new BoundedRocksDbMemory().setConfig("cab-cell-state", a, configs);
      new BoundedRocksDbMemory().setConfig("cab-cell-emitted", b, configs);

      // then both have small memtables, index and filter blocks in the one cache of the budget,
      // and compress their files with LZ4
      for (org.rocksdb.Options o : List.of(a, b)) {
        assertThat(o.writeBufferSize()).isEqualTo(BoundedRocksDbMemory.MEMTABLE_BYTES);
        assertThat(o.maxWriteBufferNumber()).isEqualTo(BoundedRocksDbMemory.MEMTABLES);
        assertThat(o.compressionType()).isEqualTo(org.rocksdb.CompressionType.LZ4_COMPRESSION);
        assertThat(
                ((org.rocksdb.BlockBasedTableConfig) o.tableFormatConfig())
                    .cacheIndexAndFilterBlocks())
            .isTrue();
      }
      // (the first store of the JVM sets the budget; other tests may have opened one before)
      assertThat(BoundedRocksDbMemory.budgetBytes()).isPositive();
    }
  }

  @Test
  void theSessionTimeoutReachesTheMainConsumerWithAHeartbeatOfAThirdAndOutOfBoundsIsRefused() {
    // given the default, then 9 s
    Map<String, String> kafka = Map.of("cab.kafka.bootstrap", "k:9092");
    Properties byDefault = StreamsSettings.from(kafka, Map.of()).toProperties();
    Properties nine =
        StreamsSettings.from(kafka, Map.of("STREAMS_SESSION_TIMEOUT_MS", "9000")).toProperties();

    // then Kafka's 45 s and 3 s by default; 9 s with a 3 s heartbeat; only the main consumer
    assertThat(byDefault.get("main.consumer.session.timeout.ms")).isEqualTo("45000");
    assertThat(byDefault.get("main.consumer.heartbeat.interval.ms")).isEqualTo("3000");
    assertThat(nine.get("main.consumer.session.timeout.ms")).isEqualTo("9000");
    assertThat(nine.get("main.consumer.heartbeat.interval.ms")).isEqualTo("3000");
    assertThat(
            StreamsSettings.from(kafka, Map.of("STREAMS_SESSION_TIMEOUT_MS", "PT6S"))
                .toProperties()
                .get("main.consumer.heartbeat.interval.ms"))
        .isEqualTo("2000");
    assertThatThrownBy(
            () -> StreamsSettings.from(kafka, Map.of("STREAMS_SESSION_TIMEOUT_MS", "1000")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("STREAMS_SESSION_TIMEOUT_MS")
        .hasMessageContaining("between 6000 and 1800000");
  }

  @Test
  void theProbingRebalanceIntervalIsKafkasTenMinutesByDefaultAndAtLeastItsMinute() {
    Map<String, String> kafka = Map.of("cab.kafka.bootstrap", "k:9092");

    assertThat(StreamsSettings.from(kafka, Map.of()).toProperties())
        .containsEntry("probing.rebalance.interval.ms", "600000");
    assertThat(
            StreamsSettings.from(kafka, Map.of("STREAMS_PROBING_REBALANCE_INTERVAL_MS", "60000"))
                .toProperties())
        .containsEntry("probing.rebalance.interval.ms", "60000");
    assertThatThrownBy(
            () ->
                StreamsSettings.from(
                    kafka, Map.of("STREAMS_PROBING_REBALANCE_INTERVAL_MS", "59999")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("STREAMS_PROBING_REBALANCE_INTERVAL_MS")
        .hasMessageContaining("at least 60000");
  }

  @Test
  void commitIntervalAboveTheTransactionTimeoutRaisesTheTimeoutSoKafkaStreamsAcceptsIt() {
    // given
    StreamsSettings s =
        StreamsSettings.from(
            Map.of("cab.kafka.bootstrap", "k:9092", "streams.commit.interval.ms", "60000"),
            Map.of());

    // when
    Properties p = s.toProperties();

    // then: Kafka Streams refuses a commit interval above the transaction timeout (10 s)
    assertThat(p).containsEntry("producer.transaction.timeout.ms", "70000");
    assertThat(new StreamsConfig(p).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(60_000L);
    assertThat(
            StreamsSettings.from(Map.of("cab.kafka.bootstrap", "k:9092"), Map.of()).toProperties())
        .doesNotContainKey("producer.transaction.timeout.ms");
  }

  @Test
  void effectiveConfigListsEverySettingForTheStartupLog() {
    // given / when
    StreamsSettings s = StreamsSettings.from(Map.of("cab.kafka.bootstrap", "k:9092"), Map.of());

    // then
    assertThat(s.effective())
        .containsEntry("cab.kafka.bootstrap", "k:9092")
        .containsEntry("streams.processing.guarantee", "exactly_once_v2")
        .containsKeys(
            List.of(
                    "streams.application.id",
                    "streams.state.dir",
                    "streams.commit.interval.ms",
                    "streams.num.threads",
                    "streams.composite.weights.version",
                    "streams.composite.latency.scale",
                    "streams.composite.latency.exponent",
                    "streams.composite.cost.reference.tokens",
                    "streams.required.axes",
                    "cab.kafka.topic.partitions",
                    "cab.kafka.topic.replication.factor")
                .toArray(String[]::new));
  }
}
