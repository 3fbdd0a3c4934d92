package dev.cab.cli.bench;

import static dev.cab.cli.bench.BenchReport.line;
import static dev.cab.cli.bench.BenchReport.startTable;

import dev.cab.cli.stack.ProcessMemory;
import dev.cab.collector.CollectorService;
import dev.cab.collector.config.CollectorSettings;
import dev.cab.embedded.kafka.EmbeddedKafka;
import dev.cab.model.config.CommonSettings;
import dev.cab.model.topic.Topics;
import dev.cab.streams.config.StreamsSettings;
import dev.cab.streams.topology.CellTopology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code cab bench --restore-cells N}: how long the streams stage takes to come back after a
 * restart when its state is large, without its local state (a new machine, a lost volume: every
 * store rebuilt from its changelog) and with it (a clean restart: the checkpoint says the stores
 * are current), and how much memory the restore takes.
 *
 * <ol>
 *   <li>On a fresh 1-node Kafka, a collector in this JVM and the streams stage as a child JVM of
 *       its own ({@code StreamsMain}, as in production, so its RSS is its own), a small simulated
 *       sweep is folded; then streams stops cleanly.
 *   <li>The state is grown to N cells: the changelog records of the folded cells (every store: cell
 *       state, emitted versions, grace deadlines) are copied under N new cell ids into the
 *       changelog topics, to the partition Kafka's default partitioner picks for the new key, as
 *       the input topics are partitioned. A restore reads bytes and does not decode them, so this
 *       is what 1M folded cells would make it read, at a fraction of the hours folding them would
 *       take here.
 *   <li><b>without local state</b>: the state directory is deleted and streams started; a new sweep
 *       is sent at once. Timed from the process start: until the client is RUNNING (every store
 *       restored) and until the first cell of the new sweep is on {@code cab.cells.v1}
 *       (read_committed). RSS of the streams process sampled every 100 ms.
 *   <li>streams stops cleanly (SIGTERM: stores flushed, checkpoint written);
 *   <li><b>with local state</b>: started again on the same directory, same measures.
 * </ol>
 */
final class RestoreBench {

  private static final String TEMPLATE_SWEEP = "restore-template";
  private static final Duration STEP_DEADLINE = Duration.ofMinutes(20);

  /** The streams process's heap: what {@code ./cab} gives the stages' JVM. */
  private static final String STREAMS_HEAP = "512m";

  private RestoreBench() {}

  /**
   * One restart.
   *
   * @param localState whether the state directory was kept
   * @param runningSeconds from the process start until Kafka Streams was RUNNING
   * @param firstCellSeconds from the process start until the first cell of a sweep sent at the
   *     start was on {@code cab.cells.v1}
   * @param peakRssMiB the process's highest RSS sampled until that cell (100 ms samples)
   * @param rssAtRunningMiB its RSS when it became RUNNING
   * @param stateDirBytes bytes of the state directory once RUNNING
   */
  public record Restart(
      boolean localState,
      double runningSeconds,
      double firstCellSeconds,
      long peakRssMiB,
      long rssAtRunningMiB,
      long stateDirBytes) {}

  /**
   * @param cells cell states in the store (the folded templates plus the copies)
   * @param changelogRecords records written to the changelog topics to grow it
   * @param changelogBytes their keys and values, bytes
   * @param cellStateBytes of which the cell-state store's values
   * @param growSeconds how long writing them took
   * @param rocksDbMemoryBytes {@code streams.rocksdb.memory.bytes} of the streams process
   * @param heap the streams process's {@code -Xmx}
   */
  public record Report(
      int cores,
      String loadBefore,
      String loadAfter,
      long cells,
      long changelogRecords,
      long changelogBytes,
      long cellStateBytes,
      double growSeconds,
      long rocksDbMemoryBytes,
      String heap,
      Restart cold,
      Restart warm) {

    public String table() {
      StringBuilder t = startTable("", "measure", "figure");
      line(
          t,
          "| state | cells in the store; changelog records written to grow it | %,d; %,d (%,.1f"
              + " MiB, cell states %,.1f MiB) in %.1f s |",
          cells,
          changelogRecords,
          changelogBytes / 1048576.0,
          cellStateBytes / 1048576.0,
          growSeconds);
      restart(t, cold);
      restart(t, warm);
      line(
          t,
          "| memory | streams process: `-Xmx%s`, `streams.rocksdb.memory.bytes` %,d MiB | peak"
              + " RSS %,d MiB without local state, %,d MiB with it |",
          heap,
          rocksDbMemoryBytes >> 20,
          cold.peakRssMiB(),
          warm.peakRssMiB());
      return t.toString();
    }

    private static void restart(StringBuilder t, Restart r) {
      line(
          t,
          "| restart %s | process start -> RUNNING; -> first new cell on `cab.cells.v1` |"
              + " **%.1f s**; **%.1f s** (RSS at RUNNING %,d MiB, peak %,d MiB; state dir %,.1f"
              + " MiB) |",
          r.localState() ? "with local state (checkpoint)" : "without local state (changelog)",
          r.runningSeconds(),
          r.firstCellSeconds(),
          r.rssAtRunningMiB(),
          r.peakRssMiB(),
          r.stateDirBytes() / 1048576.0);
    }
  }

  static PipelineBench.Result run(
      PipelineBench.Options o, String loadBefore, Consumer<String> progress) throws Exception {
    progress.accept("starting Kafka (1 node) and the collector...");
    try (ScratchDirectory scratch =
            ScratchDirectory.create("cab-bench-restore", o.keepData(), progress);
        EmbeddedKafka kafka =
            EmbeddedKafka.builder().port(0).dataDir(scratch.resolve("kafka")).build().start();
        CollectorService collector =
            CollectorService.start(
                CollectorSettings.from(
                    Map.of(
                        CommonSettings.KAFKA_BOOTSTRAP,
                        kafka.bootstrapServers(),
                        CollectorSettings.HTTP_PORT,
                        "0",
                        CollectorSettings.GRPC_PORT,
                        "-1",
                        CommonSettings.MANAGEMENT_PORT,
                        "-1"),
                    Map.of()))) {
      Path dir = scratch.path();
      Path stateDir = dir.resolve("streams-state");
      String endpoint = "http://127.0.0.1:" + collector.httpPort();
      Map<String, String> env = streamsEnv(o, kafka.bootstrapServers(), stateDir);
      String heap = STREAMS_HEAP;

      progress.accept("folding a template sweep in a streams process...");
      try (StreamsChild streams = StreamsChild.start(env, heap, dir.resolve("streams-0.log"))) {
        streams.awaitRunning(STEP_DEADLINE);
        long cells = sendSweep(endpoint, TEMPLATE_SWEEP, 4);
        awaitCells(kafka.bootstrapServers(), TEMPLATE_SWEEP, cells, Map.of(), STEP_DEADLINE);
        streams.stop();
      }

      String appId = env.getOrDefault("STREAMS_APPLICATION_ID", "cab-streams");
      progress.accept(
          String.format(Locale.ROOT, "growing the changelogs to %,d cells...", o.restoreCells()));
      Grown grown = grow(kafka.bootstrapServers(), appId, o.restoreCells(), progress);

      progress.accept("restart without local state (deleting " + stateDir + ")...");
      ScratchDirectory.deleteTree(stateDir);
      Restart cold =
          restart(false, env, heap, dir.resolve("streams-1.log"), kafka, endpoint, stateDir, "a");
      progress.accept(cold.toString());
      progress.accept("restart with local state (after a clean stop)...");
      Restart warm =
          restart(true, env, heap, dir.resolve("streams-2.log"), kafka, endpoint, stateDir, "b");
      progress.accept(warm.toString());
      Report report =
          new Report(
              Runtime.getRuntime().availableProcessors(),
              loadBefore,
              PipelineBench.loadAverage(),
              grown.cells(),
              grown.records(),
              grown.bytes(),
              grown.stateBytes(),
              grown.seconds(),
              Long.parseLong(
                  env.getOrDefault(
                      "STREAMS_ROCKSDB_MEMORY_BYTES",
                      Long.toString(StreamsSettings.DEFAULT_ROCKSDB_MEMORY_BYTES))),
              heap,
              cold,
              warm);
      return new PipelineBench.Result(report.table(), report, true);
    }
  }

  /** The streams process's settings: the bench's {@code --set streams.*}, as variables. */
  private static Map<String, String> streamsEnv(
      PipelineBench.Options o, String bootstrap, Path stateDir) {
    Map<String, String> env = new HashMap<>();
    o.overrides()
        .forEach(
            (k, v) -> {
              if (k.startsWith("streams.") || k.startsWith("cab.")) {
                env.put(k.toUpperCase(Locale.ROOT).replace('.', '_'), v);
              }
            });
    env.put("CAB_KAFKA_BOOTSTRAP", bootstrap);
    env.put("STREAMS_STATE_DIR", stateDir.toString());
    env.put("CAB_MANAGEMENT_PORT", "-1");
    // Restoring a large state on a loaded machine takes longer than the default minute.
    env.put("STREAMS_STARTUP_TIMEOUT_MS", "PT30M");
    return env;
  }

  private static Restart restart(
      boolean localState,
      Map<String, String> env,
      String heap,
      Path log,
      EmbeddedKafka kafka,
      String endpoint,
      Path stateDir,
      String tag)
      throws Exception {
    String sweepId = "restore-new-" + tag;
    Map<TopicPartition, Long> cellsEnd = endOffsets(kafka.bootstrapServers(), Topics.CELLS.name());
    try (StreamsChild streams = StreamsChild.start(env, heap, log)) {
      // The new sweep is sent while the stores restore: its records wait in Kafka.
      CompletableFuture<Long> sent =
          CompletableFuture.supplyAsync(() -> sendSweep(endpoint, sweepId, 1));
      double running = streams.awaitRunning(STEP_DEADLINE);
      long rssAtRunning = ProcessMemory.rssMiB(streams.pid());
      long stateBytes = treeBytes(stateDir);
      sent.get(STEP_DEADLINE.toMinutes(), TimeUnit.MINUTES);
      awaitCells(kafka.bootstrapServers(), sweepId, 1, cellsEnd, STEP_DEADLINE);
      double firstCell = streams.elapsedSeconds();
      long peak = streams.peakRssMiB();
      streams.stop();
      return new Restart(localState, running, firstCell, peak, rssAtRunning, stateBytes);
    }
  }

  /** Sends a simulated sweep of 4 CLIs x 5 models x {@code tasks} tasks; its cell count. */
  private static long sendSweep(String endpoint, String sweepId, int tasks) {
    return SimulatedSweep.send(endpoint, SimulatedSweep.options(tasks).sweepId(sweepId).build());
  }

  private record Grown(long cells, long records, long bytes, long stateBytes, double seconds) {}

  /**
   * Copies every changelog record of the folded cells under {@code cells} new cell ids (the
   * templates' own stay), keeping each store's value bytes.
   */
  private static Grown grow(String bootstrap, String appId, long cells, Consumer<String> progress) {
    String prefix = appId + "-";
    List<String> changelogs =
        Stream.of(
                CellTopology.STATE_STORE,
                CellTopology.EMITTED_STORE,
                CellTopology.AWAITING_SCORES_STORE)
            .map(store -> prefix + store + "-changelog")
            .toList();
    String stateChangelog = changelogs.getFirst();
    // key -> (changelog -> latest value); null values (deletes) drop the key from that store
    Map<String, Map<String, byte[]>> templates = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      for (String topic : changelogs) {
        for (ConsumerRecord<byte[], byte[]> r : readAll(consumer, topic)) {
          String key = new String(r.key(), StandardCharsets.UTF_8);
          Map<String, byte[]> stores = templates.computeIfAbsent(key, k -> new HashMap<>());
          if (r.value() == null) {
            stores.remove(topic);
          } else {
            stores.put(topic, r.value());
          }
        }
      }
    }
    List<Map.Entry<String, Map<String, byte[]>>> keys =
        templates.entrySet().stream()
            .filter(e -> e.getValue().containsKey(stateChangelog))
            .toList();
    if (keys.isEmpty()) {
      throw new IllegalStateException("no cell state on " + stateChangelog + " to copy");
    }
    long records = 0;
    long bytes = 0;
    long stateBytes = 0;
    long t0 = System.nanoTime();
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    // Large, compressed batches: this is loading, not the thing measured.
    config.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    AtomicLong failed = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      for (long i = 0; i < cells; i++) {
        Map.Entry<String, Map<String, byte[]>> template = keys.get((int) (i % keys.size()));
        byte[] key =
            String.format(Locale.ROOT, "restore-%08d/%s", i, template.getKey())
                .getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, byte[]> store : template.getValue().entrySet()) {
          // No partition given: the default partitioner, as for the input topics' keys.
          producer.send(
              new ProducerRecord<>(store.getKey(), key, store.getValue()),
              (m, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                }
              });
          records++;
          bytes += key.length + store.getValue().length;
          if (store.getKey().equals(stateChangelog)) {
            stateBytes += store.getValue().length;
          }
        }
        if ((i + 1) % 200_000 == 0) {
          progress.accept(String.format(Locale.ROOT, "  %,d cells written", i + 1));
        }
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " changelog records could not be written");
    }
    return new Grown(
        cells + keys.size(), records, bytes, stateBytes, (System.nanoTime() - t0) / 1e9);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false));
  }

  /** Every committed record of {@code topic}, from the beginning to its end now. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions = partitions(consumer, topic);
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + STEP_DEADLINE.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + topic + " to its end");
      }
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("no topic " + topic);
    }
    return infos.stream()
        .map(i -> new TopicPartition(topic, i.partition()))
        .sorted(Comparator.comparingInt(TopicPartition::partition))
        .toList();
  }

  private static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      return consumer.endOffsets(partitions(consumer, topic));
    }
  }

  /**
   * Waits until {@code cab.cells.v1} holds records of {@code count} distinct cells of {@code
   * sweepId} (committed), reading from {@code from} (the beginning where absent).
   */
  private static void awaitCells(
      String bootstrap,
      String sweepId,
      long count,
      Map<TopicPartition, Long> from,
      Duration deadline) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = partitions(consumer, Topics.CELLS.name());
      consumer.assign(partitions);
      for (TopicPartition p : partitions) {
        consumer.seek(p, from.getOrDefault(p, 0L));
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      long end = System.nanoTime() + deadline.toNanos();
      byte[] prefix = (sweepId + "/").getBytes(StandardCharsets.UTF_8);
      while (seen.size() < count) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException(
              "only "
                  + seen.size()
                  + " of "
                  + count
                  + " cells of "
                  + sweepId
                  + " within "
                  + deadline);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.key() != null && startsWith(r.key(), prefix)) {
            seen.add(new String(r.key(), StandardCharsets.UTF_8));
          }
        }
      }
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static long treeBytes(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // a file RocksDB removed meanwhile
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /**
   * The streams stage as a child JVM ({@code java -cp <this classpath> StreamsMain}, settings as
   * environment variables), its output copied to a log file; watches it for the RUNNING state and
   * samples its RSS every 100 ms. Killed with this JVM.
   */
  private static final class StreamsChild implements AutoCloseable {
    private static final String RUNNING = "-> RUNNING";

    private final Process process;
    private final long started = System.nanoTime();
    private final CompletableFuture<Long> running = new CompletableFuture<>();
    private final AtomicLong peakRss = new AtomicLong();
    private final Thread sampler;
    private final Thread hook;

    private StreamsChild(Process process, Path log) {
      this.process = process;
      this.hook = new Thread(process::destroyForcibly, "cab-bench-streams-kill");
      Runtime.getRuntime().addShutdownHook(hook);
      Thread.ofPlatform().name("cab-bench-streams-log").daemon().start(() -> copy(log));
      this.sampler =
          Thread.ofPlatform()
              .name("cab-bench-streams-rss")
              .daemon()
              .start(
                  () -> {
                    while (process.isAlive()) {
                      peakRss.accumulateAndGet(ProcessMemory.rssMiB(process.pid()), Math::max);
                      try {
                        Thread.sleep(100);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    static StreamsChild start(Map<String, String> env, String heap, Path log) throws IOException {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "--enable-native-access=ALL-UNNAMED",
              "-Xmx" + heap,
              "-cp",
              System.getProperty("java.class.path"),
              "dev.cab.streams.StreamsMain");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      return new StreamsChild(builder.start(), log);
    }

    private void copy(Path log) {
      try (BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter out =
              new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.contains(RUNNING)) {
            running.complete(System.nanoTime());
          }
          out.println(line);
        }
      } catch (IOException e) {
        running.completeExceptionally(e);
      }
      running.completeExceptionally(
          new IllegalStateException("streams exited before RUNNING; see " + log));
    }

    long pid() {
      return process.pid();
    }

    /** Waits for RUNNING; seconds from the process start. */
    double awaitRunning(Duration deadline) throws Exception {
      long at = running.get(deadline.toSeconds(), TimeUnit.SECONDS);
      return (at - started) / 1e9;
    }

    double elapsedSeconds() {
      return (System.nanoTime() - started) / 1e9;
    }

    long peakRssMiB() {
      peakRss.accumulateAndGet(ProcessMemory.rssMiB(process.pid()), Math::max);
      return peakRss.get();
    }

    /** SIGTERM: a clean close (stores flushed, checkpoint written); SIGKILL after 60 s. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      sampler.interrupt();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }
}
