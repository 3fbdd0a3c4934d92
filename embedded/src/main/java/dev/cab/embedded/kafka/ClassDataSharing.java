package dev.cab.embedded.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynamic class-data-sharing (AppCDS) archive of the broker's classes, kept in the cache folder
 * ({@link BrokerRuntime#cacheDir()}).
 *
 * <p>Why: a broker JVM spends much of its start-up loading and linking some 7,500 classes of Kafka
 * and Scala; mapping them from an archive cut the start of one node from 3.1 s to 1.8 s on a 2-core
 * machine (median of 5, see KafkaStartupBench), which every test run and every {@code cab kafka}
 * pays once per node.
 *
 * <p>How: the first broker started without an archive is a training run ({@code
 * -XX:ArchiveClassesAtExit}); the JVM writes the archive when that broker stops cleanly, and later
 * brokers map it ({@code -XX:SharedArchiveFile}). The archive's name hashes the JDK, the JVM
 * options and every classpath entry's path, size and modification time, so any change selects a
 * fresh archive instead of one the JVM would reject. CDS also refuses classpath folders and changed
 * jars: BrokerMain runs from a content-addressed jar ({@link BrokerRuntime#launcherJar}). Disable
 * with {@code -Dcab.kafka.cds=false}.
 *
 * <p>Thread-safe and safe across processes: everything is written under a unique temporary name and
 * moved into place atomically.
 */
final class ClassDataSharing {

  static final String ENABLED_PROPERTY = "cab.kafka.cds";

  private static final Logger LOG = LoggerFactory.getLogger(ClassDataSharing.class);
  private static final int ARCHIVES_KEPT = 4;
  private static final Duration STALE_TEMP_FILE_AGE = Duration.ofHours(1);

  private final Path dir;

  private ClassDataSharing(Path dir) {
    this.dir = dir;
  }

  /** Archives in {@code dir}, or empty when CDS is switched off ({@code -Dcab.kafka.cds=false}). */
  static Optional<ClassDataSharing> in(Optional<Path> dir) {
    if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
      return Optional.empty();
    }
    return dir.map(ClassDataSharing::new);
  }

  /** The archive for this JDK, these JVM options and this classpath (it may not exist yet). */
  Path archiveFor(List<String> jvmOptions, List<Path> classpath) {
    StringBuilder key = new StringBuilder();
    key.append(System.getProperty("java.home")).append('\n').append(Runtime.version()).append('\n');
    jvmOptions.forEach(o -> key.append(o).append('\n'));
    for (Path p : classpath) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        key.append(p).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime());
      } catch (IOException e) {
        key.append(p).append(" missing");
      }
      key.append('\n');
    }
    return dir.resolve(
        "kafka-broker-"
            + sha256(key.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16)
            + ".jsa");
  }

  /** A unique temporary name for a training run that will produce {@code archive}. */
  Path trainingOutput(Path archive) {
    return archive.resolveSibling(
        archive.getFileName()
            + "."
            + ProcessHandle.current().pid()
            + "-"
            + System.nanoTime()
            + ".tmp");
  }

  /**
   * Publishes a training run's output as {@code archive}, if the JVM wrote one, and prunes old
   * archives and abandoned training outputs.
   */
  void publish(Path trainingOutput, Path archive) {
    try {
      if (Files.isRegularFile(trainingOutput) && Files.size(trainingOutput) > 0) {
        moveAtomically(trainingOutput, archive);
        LOG.info("Kafka broker class-data-sharing archive written: {}", archive);
      }
      Files.deleteIfExists(trainingOutput);
      prune();
    } catch (IOException e) {
      LOG.warn("Cannot publish the class-data-sharing archive {}", archive, e);
    }
  }

  /** Deletes a training run's output that will never be complete (the broker was killed). */
  void discard(Path trainingOutput) {
    try {
      Files.deleteIfExists(trainingOutput);
    } catch (IOException e) {
      LOG.debug("Cannot delete {}", trainingOutput, e);
    }
  }

  private void prune() throws IOException {
    List<Path> archives = new ArrayList<>();
    Instant staleBefore = Instant.now().minus(STALE_TEMP_FILE_AGE);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(".jsa")) {
          archives.add(f);
        } else if (name.endsWith(".tmp")
            && Files.getLastModifiedTime(f).toInstant().isBefore(staleBefore)) {
          Files.deleteIfExists(f);
        }
      }
    }
    archives.sort(Comparator.comparing(ClassDataSharing::lastModified).reversed());
    for (Path old : archives.subList(Math.min(ARCHIVES_KEPT, archives.size()), archives.size())) {
      Files.deleteIfExists(old);
    }
  }

  private static FileTime lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
