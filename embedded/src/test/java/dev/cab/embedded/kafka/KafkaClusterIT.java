package dev.cab.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 3-node KRaft cluster (every node broker and controller): replication factor 3 and min ISR 2
 * keep acks=all writes going while one node is down, and a restarted node rejoins every ISR.
 */
@Timeout(180)
class KafkaClusterIT {

  private static final Duration ISR_TIMEOUT = Duration.ofSeconds(60);

  private static EmbeddedKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void startCluster() {
    kafka =
        EmbeddedKafka.builder()
            .nodes(3)
            // Fence a dead broker after 4 s instead of 9 s: the test waits that long for the
            // cluster to drop the killed node from the ISRs and move its leaderships.
            .brokerConfig("broker.session.timeout.ms", "4000")
            .brokerConfig("broker.heartbeat.interval.ms", "500")
            .start();
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  @AfterAll
  static void stopCluster() {
    if (admin != null) {
      admin.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void acksAllWritesSurviveAKilledNodeAndTheRestartedNodeRejoinsEveryIsr() throws Exception {
    // given: a topic with 3 replicas per partition and some records
    String topic = "replicated-" + System.nanoTime();
    admin.createTopics(Set.of(new NewTopic(topic, 3, (short) 3))).all().get();
    awaitIsr(topic, Set.of(0, 1, 2));
    Map<String, Object> config = KafkaClients.producerConfig(kafka.bootstrapServers());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 90_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 100; i++) {
        acks.add(producer.send(new ProducerRecord<>(topic, "k" + i, "before-" + i)));
      }
      producer.flush();

      // when: the leader of partition 0 is killed outright
      int victim = leaderOf(topic, 0);
      long victimPid = kafka.pid(victim);
      kafka.killNode(victim);
      assertThat(ProcessHandle.of(victimPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

      // then: writes keep being acknowledged by all (two) in-sync replicas
      for (int i = 0; i < 100; i++) {
        acks.add(producer.send(new ProducerRecord<>(topic, "k" + i, "during-" + i)));
      }
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        assertThat(ack.get().hasOffset()).isTrue();
      }
      assertThat(isrs(topic)).allSatisfy(isr -> assertThat(isr).doesNotContain(victim).hasSize(2));

      // when: the node comes back on its data folder and ports
      kafka.startNode(victim);

      // then: it catches up and is back in every ISR, and nothing was lost or duplicated
      awaitIsr(topic, Set.of(0, 1, 2));
      assertThat(kafka.isRunning(victim)).isTrue();
    }
    List<ConsumerRecord<String, String>> read =
        KafkaClients.readAll(kafka.bootstrapServers(), topic, 200, Duration.ofSeconds(30), false);
    assertThat(read).hasSize(200);
    assertThat(read.stream().map(ConsumerRecord::value).collect(Collectors.toSet())).hasSize(200);
  }

  private static int leaderOf(String topic, int partition) throws Exception {
    TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
    Node leader = d.partitions().get(partition).leader();
    assertThat(leader).as("leader of %s-%d", topic, partition).isNotNull();
    return leader.id();
  }

  private static List<Set<Integer>> isrs(String topic) throws Exception {
    TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
    List<Set<Integer>> isrs = new ArrayList<>();
    for (TopicPartitionInfo p : d.partitions()) {
      isrs.add(p.isr().stream().map(Node::id).collect(Collectors.toSet()));
    }
    return isrs;
  }

  private static void awaitIsr(String topic, Set<Integer> expected) {
    Await.until(
        "every partition of " + topic + " has ISR " + expected,
        ISR_TIMEOUT,
        () -> {
          try {
            return isrs(topic).stream().allMatch(expected::equals);
          } catch (Exception e) {
            return false;
          }
        },
        () -> {
          try {
            return "ISRs now: " + isrs(topic);
          } catch (Exception e) {
            return "ISRs unknown: " + e;
          }
        });
  }
}
