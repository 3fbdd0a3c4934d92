package dev.cab.embedded.kafka;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the Kafka broker's jars are and which JVM runs them.
 *
 * <p>The jars come from {@code dev/cab/embedded/kafka/broker/classpath.txt}, written by the build
 * of {@code cab-embedded-kafka-broker} (absolute paths in the local Maven repository), plus the jar
 * or folder that holds that file (it also holds {@code BrokerMain}). Every path is checked at
 * {@link #locate()}, so a cleaned Maven repository fails with a message instead of a {@code
 * ClassNotFoundException} in a child's log.
 *
 * <p>Immutable and thread-safe.
 */
final class BrokerRuntime {

  static final String MAIN_CLASS = "dev.cab.embedded.kafka.broker.BrokerMain";

  static final String LAUNCHER_PREFIX = "dev/cab/embedded/kafka/broker/";

  static final String CLASSPATH_RESOURCE = LAUNCHER_PREFIX + "classpath.txt";

  private static final Logger LOG = LoggerFactory.getLogger(BrokerRuntime.class);

  private final Path javaBinary;
  private final Path launcherCodeSource;
  private final List<Path> brokerJars;

  BrokerRuntime(Path javaBinary, Path launcherCodeSource, List<Path> brokerJars) {
    this.javaBinary = javaBinary;
    this.launcherCodeSource = launcherCodeSource;
    this.brokerJars = List.copyOf(brokerJars);
  }

  /** Finds the broker runtime on this JVM's classpath and checks that all its files exist. */
  static BrokerRuntime locate() {
    URL url = BrokerRuntime.class.getClassLoader().getResource(CLASSPATH_RESOURCE);
    if (url == null) {
      throw new IllegalStateException(
          "The Kafka broker runtime is not on the classpath (no "
              + CLASSPATH_RESOURCE
              + "): depend on dev.cab:cab-embedded-kafka-broker.");
    }
    String listing;
    try (InputStream in = url.openStream()) {
      listing = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + url, e);
    }
    Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
    return fromListing(javaBinary, codeSourceOf(url), listing);
  }

  /** Parses a classpath listing ({@link File#pathSeparator}-separated) and checks every path. */
  static BrokerRuntime fromListing(Path javaBinary, Path launcherCodeSource, String listing) {
    List<Path> jars =
        Arrays.stream(listing.strip().split(File.pathSeparator))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(Path::of)
            .toList();
    List<Path> missing = new ArrayList<>();
    for (Path p : jars) {
      if (!Files.isRegularFile(p)) {
        missing.add(p);
      }
    }
    if (jars.isEmpty() || !missing.isEmpty()) {
      throw new IllegalStateException(
          "The Kafka broker runtime lists "
              + (jars.isEmpty() ? "no jars" : missing.size() + " jar(s) that do not exist")
              + (missing.isEmpty() ? "" : ", first " + missing.getFirst())
              + ". The list was resolved when cab-embedded-kafka-broker was built; the local Maven"
              + " repository has been moved or cleaned since. Rebuild it: ./mvnw -B -pl"
              + " embedded-kafka-broker install");
    }
    if (!Files.exists(launcherCodeSource)) {
      throw new IllegalStateException("BrokerMain's jar or folder is gone: " + launcherCodeSource);
    }
    if (!Files.isExecutable(javaBinary)) {
      throw new IllegalStateException("No java launcher at " + javaBinary);
    }
    return new BrokerRuntime(javaBinary, launcherCodeSource, jars);
  }

  /** The {@code java} of the running JVM: children run on the same JDK as their parent. */
  Path javaBinary() {
    return javaBinary;
  }

  /** The jar (or classes folder) holding {@code BrokerMain} and the classpath listing. */
  Path launcherCodeSource() {
    return launcherCodeSource;
  }

  /** The broker's own jars, in resolution order. */
  List<Path> brokerJars() {
    return brokerJars;
  }

  /**
   * The folder for files derived from the broker runtime (launcher jar, CDS archives): {@code
   * <cab.cache.dir>/kafka}, where {@code cab.cache.dir} defaults to {@code ~/.cache/cab-telemetry};
   * empty if it cannot be created.
   */
  static Optional<Path> cacheDir() {
    String cache = System.getProperty("cab.cache.dir");
    Path base =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "cab-telemetry");
    Path dir = base.resolve("kafka");
    try {
      return Optional.of(Files.createDirectories(dir));
    } catch (IOException e) {
      LOG.warn("No cache folder for the Kafka broker runtime: cannot create {}", dir, e);
      return Optional.empty();
    }
  }

  /**
   * A jar in {@code dir} holding only BrokerMain and its resources ({@value #LAUNCHER_PREFIX}*),
   * copied out of wherever they are (a classes folder, our jar, or a fat jar of the CLI), named by
   * a hash of its content.
   *
   * <p>Why: the child's classpath then never carries anything of the parent's but those few
   * classes, and it stays byte-for-byte the same across rebuilds, which class-data sharing needs.
   */
  Path launcherJar(Path dir) {
    try {
      Map<String, byte[]> entries = launcherEntries();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JarOutputStream jar = new JarOutputStream(bytes)) {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          JarEntry entry = new JarEntry(e.getKey());
          entry.setTime(0); // a fixed time: the same content gives the same bytes
          jar.putNextEntry(entry);
          jar.write(e.getValue());
          jar.closeEntry();
        }
      }
      byte[] content = bytes.toByteArray();
      Path target =
          dir.resolve(
              "cab-kafka-launcher-" + ClassDataSharing.sha256(content).substring(0, 16) + ".jar");
      if (!Files.isRegularFile(target)) {
        Path tmp = Files.createTempFile(dir, "cab-kafka-launcher-", ".tmp");
        try {
          Files.write(tmp, content);
          ClassDataSharing.moveAtomically(tmp, target);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the Kafka broker launcher jar into " + dir, e);
    }
  }

  private Map<String, byte[]> launcherEntries() throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    if (Files.isDirectory(launcherCodeSource)) {
      Path folder = launcherCodeSource.resolve(LAUNCHER_PREFIX);
      try (Stream<Path> walk = Files.walk(folder)) {
        for (Path f : walk.filter(Files::isRegularFile).toList()) {
          String name =
              launcherCodeSource.relativize(f).toString().replace(File.separatorChar, '/');
          entries.put(name, Files.readAllBytes(f));
        }
      }
    } else {
      try (JarFile jar = new JarFile(launcherCodeSource.toFile())) {
        for (JarEntry e : Collections.list(jar.entries())) {
          if (e.getName().startsWith(LAUNCHER_PREFIX) && !e.isDirectory()) {
            try (InputStream in = jar.getInputStream(e)) {
              entries.put(e.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
    if (!entries.containsKey(MAIN_CLASS.replace('.', '/') + ".class")) {
      throw new IllegalStateException("No " + MAIN_CLASS + " in " + launcherCodeSource);
    }
    return entries;
  }

  private static Path codeSourceOf(URL url) {
    try {
      return switch (url.getProtocol()) {
        case "jar" -> {
          String spec = url.getPath(); // file:/x/y.jar!/dev/cab/...
          int bang = spec.indexOf("!/");
          yield Path.of(URI.create(spec.substring(0, bang)));
        }
        case "file" -> {
          Path file = Path.of(url.toURI());
          Path root = file;
          for (int i = 0; i < Path.of(CLASSPATH_RESOURCE).getNameCount(); i++) {
            root = root.getParent();
          }
          yield root;
        }
        default ->
            throw new IllegalStateException(
                "Cannot run the Kafka broker from a classpath entry of type " + url);
      };
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IllegalStateException("Cannot locate the broker runtime behind " + url, e);
    }
  }
}
