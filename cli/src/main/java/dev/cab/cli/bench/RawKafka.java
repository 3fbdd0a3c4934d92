package dev.cab.cli.bench;

import dev.cab.embedded.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The raw Kafka limit on the pipeline's broker: Kafka's own {@code ProducerPerformance} (a child
 * JVM, like a producer of another application) writing the pipeline's own records (span and
 * scorer-event values sampled from its topics, so size and compressibility are ours) with {@code
 * acks=all} and lz4 to a topic with as many partitions as ours.
 */
final class RawKafka {

  static final String TOPIC = "cab.bench.raw";

  /** What ProducerPerformance reported. */
  record Figures(
      long records, double recordsPerSecond, double megabytesPerSecond, int recordBytes) {}

  private static final Pattern SUMMARY =
      Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)");

  private RawKafka() {}

  /**
   * Samples up to {@code sample} record values from the topics into a newline-delimited payload
   * file (JSON values never hold a raw newline), returning their mean size in bytes.
   */
  static int samplePayloads(String bootstrap, List<String> topics, int sample, Path file)
      throws IOException {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.CLIENT_ID_CONFIG,
            "cab-bench-sampler");
    long total = 0;
    int count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        OutputStream out = Files.newOutputStream(file)) {
      List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer.partitionsFor(topic).stream()
            .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
            .forEach(partitions::add);
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (count < sample && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() == null || count >= sample) {
            continue;
          }
          out.write(r.value());
          out.write('\n');
          total += r.value().length;
          count++;
        }
      }
    }
    if (count == 0) {
      throw new IllegalStateException("no records to sample in " + topics);
    }
    return (int) (total / count);
  }

  /** Runs ProducerPerformance with the payload file and returns its summary line's figures. */
  static Figures run(
      EmbeddedKafka kafka, int partitions, long records, Path payloads, int recordBytes)
      throws IOException, InterruptedException {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC)) {
        admin
            .createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("cannot create " + TOPIC, e);
    }
    List<String> command =
        EmbeddedKafka.toolCommand(
            "org.apache.kafka.tools.ProducerPerformance",
            List.of(
                "--topic",
                TOPIC,
                "--num-records",
                Long.toString(records),
                "--throughput",
                "-1",
                "--payload-file",
                payloads.toString(),
                "--producer-props",
                "bootstrap.servers=" + kafka.bootstrapServers(),
                "acks=all",
                "compression.type=lz4"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("ProducerPerformance failed:\n" + output);
    }
    Matcher last = null;
    Matcher m = SUMMARY.matcher(output);
    while (m.find()) {
      last = SUMMARY.matcher(m.group());
      last.find();
    }
    if (last == null || Long.parseLong(last.group(1)) != records) {
      throw new IOException("no ProducerPerformance summary in:\n" + output);
    }
    return new Figures(
        records, Double.parseDouble(last.group(2)), Double.parseDouble(last.group(3)), recordBytes);
  }
}
