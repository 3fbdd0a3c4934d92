package dev.cab.embedded.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder of an embedded cluster: {@code cluster.properties} (the id it was formatted with,
 * its node count) and a {@code node-<i>} folder per node. A temporary folder is owned by the JVM
 * that made it ({@code owner.pid}) and deleted at close, or by a later JVM once that owner is gone.
 *
 * @param path the folder
 * @param owned whether it is a temporary folder this JVM deletes at close
 * @param clusterId the KRaft cluster id its storage is formatted with
 */
record KafkaDataDir(Path path, boolean owned, String clusterId) {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaDataDir.class);
  private static final String TEMP_DIR_PREFIX = "cab-kafka-";
  private static final String OWNER_FILE = "owner.pid";
  private static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);

  /**
   * The data folder: {@code requested} (created if missing), or a new temporary one owned by this
   * JVM. Reads the cluster id from {@code cluster.properties}, or picks one and writes it.
   *
   * @throws IllegalStateException when the folder holds a cluster of another size
   */
  static KafkaDataDir prepare(Path requested, int nodeCount) {
    Path dataDir;
    boolean owned = false;
    String clusterId;
    try {
      if (requested == null) {
        deleteAbandonedTempDirs(Path.of(System.getProperty("java.io.tmpdir")));
        dataDir = Files.createTempDirectory(TEMP_DIR_PREFIX);
        owned = true;
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(
            dataDir.resolve(OWNER_FILE),
            self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("?"));
      } else {
        dataDir = Files.createDirectories(requested.toAbsolutePath().normalize());
      }
      Path clusterFile = dataDir.resolve("cluster.properties");
      Properties cluster = new Properties();
      if (Files.exists(clusterFile)) {
        try (InputStream in = Files.newInputStream(clusterFile)) {
          cluster.load(in);
        }
        int formattedNodes = Integer.parseInt(cluster.getProperty("nodes", "-1"));
        if (formattedNodes != nodeCount) {
          throw new IllegalStateException(
              "%s holds a %d-node Kafka cluster; start it with %d node(s) or use another data folder"
                  .formatted(dataDir, formattedNodes, formattedNodes));
        }
        clusterId = cluster.getProperty("cluster.id");
      } else {
        clusterId = Uuid.randomUuid().toString();
        cluster.setProperty("cluster.id", clusterId);
        cluster.setProperty("nodes", Integer.toString(nodeCount));
        try (OutputStream out = Files.newOutputStream(clusterFile)) {
          cluster.store(out, "cab embedded Kafka: formatted with this id; do not edit");
        }
      }
      return new KafkaDataDir(dataDir, owned, clusterId);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the Kafka data folder " + requested, e);
    }
  }

  /** Deletes the folder if it is a temporary one of ours; logs what it cannot delete. */
  void deleteIfOwned() {
    if (!owned) {
      return;
    }
    try {
      deleteTree(path);
    } catch (IOException e) {
      LOG.warn("Cannot delete the temporary Kafka data folder {}", path, e);
    }
  }

  /**
   * Deletes temporary data folders whose owner JVM is gone: one killed with {@code kill -9} never
   * ran {@link #close()}. Its brokers stopped by themselves (see BrokerMain); their files stay.
   */
  static void deleteAbandonedTempDirs(Path tmp) {
    Instant settled = Instant.now().minus(ABANDONED_AFTER);
    try (var dirs = Files.newDirectoryStream(tmp, TEMP_DIR_PREFIX + "*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (Files.isRegularFile(owner)
            && Files.getLastModifiedTime(owner).toInstant().isBefore(settled)
            && !ownerAlive(Files.readString(owner).strip())) {
          LOG.info("Deleting {}, left behind by a JVM that was killed", dir);
          deleteTree(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot sweep abandoned Kafka folders in {}", tmp, e);
    }
  }

  private static boolean ownerAlive(String owner) {
    String[] pidAndStart = owner.split(" ", 2);
    Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(pidAndStart[0]));
    if (process.isEmpty() || !process.get().isAlive()) {
      return false;
    }
    // A reused pid belongs to a process that started at another instant.
    String started = process.get().info().startInstant().map(Instant::toString).orElse("?");
    return pidAndStart.length < 2 || pidAndStart[1].equals("?") || pidAndStart[1].equals(started);
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
