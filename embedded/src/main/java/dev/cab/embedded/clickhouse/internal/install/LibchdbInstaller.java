package dev.cab.embedded.clickhouse.internal.install;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Puts {@code libchdb.so} (the ClickHouse engine, from the npm package {@value #PACKAGE} at version
 * {@value #VERSION}) into a cache directory outside git, once, and returns its path.
 *
 * <p>Guarantees: the library is loaded only if its SHA-256 (and the tarball's) matches the values
 * pinned here; the file appears in the cache atomically (downloaded and extracted to a temporary
 * file in the same directory, then renamed), so a reader never sees a partial library. Concurrent
 * first uses are serialised by a lock inside the JVM and a {@link FileLock} across processes; the
 * loser of the race waits and then reuses the winner's file. Thread-safe.
 *
 * <p>The cache root is the system property {@code cab.cache.dir}, else the environment variable
 * {@code CAB_CACHE_DIR}, else {@code ~/.cache/cab-telemetry}; the library lives in {@code
 * <root>/chdb/<version>/libchdb.so}.
 */
public final class LibchdbInstaller {

  public static final String PACKAGE = "@chdb/lib-linux-x64-gnu";
  public static final String VERSION = "26.5.3";

  /** What {@code npm pack} gave and what we checked once, by hand, on 2026-11-23. */
  static final Pin PINNED =
      new Pin(
          "b874e449710950da3abd7e20376f7bb3387d9e03adcc7082f022be18dfdf316a",
          "4330da79405733f7572f27c1442f46c03a08301f00859dce0368645731b1e1dc",
          559_044_752L);

  static final String LIBRARY_ENTRY = "package/libchdb.so";
  static final String LIBRARY_FILE = "libchdb.so";
  private static final String VERIFIED_MARKER = "libchdb.so.sha256";

  // FileLock is held per JVM: two threads of one JVM must be kept apart by a lock of our own.
  private static final Object JVM_LOCK = new Object();

  /** The SHA-256 values and size a download must have. */
  record Pin(String tarballSha256, String librarySha256, long libraryBytes) {}

  private final Path dir;
  private final List<String> packCommand;
  private final Pin pin;
  private final PrintStream progress;

  LibchdbInstaller(Path dir, List<String> packCommand, Pin pin, PrintStream progress) {
    this.dir = dir;
    this.packCommand = List.copyOf(packCommand);
    this.pin = pin;
    this.progress = progress;
  }

  /**
   * The verified library in the default cache, fetching it first if needed (about 15 s, printing
   * progress to {@code progress}).
   *
   * @throws IOException if npm is missing or fails, or a hash differs; the message says what to do
   */
  public static Path ensureInstalled(PrintStream progress) throws IOException {
    return new LibchdbInstaller(
            cacheRoot().resolve("chdb").resolve(VERSION),
            List.of("npm", "pack", "--silent", PACKAGE + "@" + VERSION),
            PINNED,
            progress)
        .install();
  }

  /** Where large downloads live: {@code cab.cache.dir}, {@code CAB_CACHE_DIR}, or ~/.cache. */
  public static Path cacheRoot() {
    String property = System.getProperty("cab.cache.dir");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String env = System.getenv("CAB_CACHE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "cab-telemetry");
  }

  Path install() throws IOException {
    Path library = dir.resolve(LIBRARY_FILE);
    if (isInstalled(library)) {
      return library;
    }
    Files.createDirectories(dir);
    synchronized (JVM_LOCK) {
      try (FileChannel lockFile =
          FileChannel.open(
              dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock tried = lockFile.tryLock();
        if (tried == null) {
          progress.println(
              "cab: another process is fetching libchdb " + VERSION + " into " + dir + "; waiting");
        }
        FileLock lock = tried != null ? tried : lockFile.lock();
        try {
          if (isInstalled(library)) {
            return library;
          }
          download(library);
          return library;
        } finally {
          lock.release();
        }
      }
    }
  }

  private boolean isInstalled(Path library) throws IOException {
    // A full hash of 560 MB costs seconds on every start; the marker is written only after the
    // hash was checked, and the size check catches a truncated or replaced file.
    Path marker = dir.resolve(VERIFIED_MARKER);
    return Files.isRegularFile(library)
        && Files.size(library) == pin.libraryBytes()
        && Files.isRegularFile(marker)
        && Files.readString(marker).trim().equals(pin.librarySha256());
  }

  private void download(Path library) throws IOException {
    long started = System.nanoTime();
    progress.println(
        "cab: fetching libchdb "
            + VERSION
            + " (the ClickHouse engine; a ~166 MB download, done once) into "
            + dir);
    Path work = Files.createTempDirectory(dir, "download-");
    try {
      Path tarball = pack(work, started);
      String tarballSha = sha256(tarball);
      if (!tarballSha.equals(pin.tarballSha256())) {
        throw new IOException(
            "refusing "
                + tarball.getFileName()
                + ": its SHA-256 is "
                + tarballSha
                + " but "
                + PACKAGE
                + "@"
                + VERSION
                + " is pinned to "
                + pin.tarballSha256()
                + " (a corrupt download, or the package was republished)");
      }
      Path extracted = work.resolve(LIBRARY_FILE + ".part");
      String librarySha = extract(tarball, extracted);
      if (!librarySha.equals(pin.librarySha256()) || Files.size(extracted) != pin.libraryBytes()) {
        throw new IOException(
            "refusing libchdb.so from "
                + tarball.getFileName()
                + ": its SHA-256 is "
                + librarySha
                + " ("
                + Files.size(extracted)
                + " bytes) but it is pinned to "
                + pin.librarySha256()
                + " ("
                + pin.libraryBytes()
                + " bytes)");
      }
      Files.move(
          extracted, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Path marker = work.resolve(VERIFIED_MARKER);
      Files.writeString(marker, pin.librarySha256() + "\n");
      Files.move(
          marker,
          dir.resolve(VERIFIED_MARKER),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      progress.printf(
          "cab: libchdb %s verified (sha256 %s) in %d s: %s%n",
          VERSION,
          pin.librarySha256().substring(0, 12),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
          library);
    } finally {
      deleteTree(work);
    }
  }

  private Path pack(Path work, long started) throws IOException {
    Path log = work.resolve("npm.log");
    Process npm;
    try {
      npm =
          new ProcessBuilder(packCommand)
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run '"
              + packCommand.getFirst()
              + "' to fetch libchdb "
              + VERSION
              + ": install Node.js/npm (https://nodejs.org/, or `apt-get install npm`) and put npm"
              + " on the PATH",
          e);
    }
    try {
      while (!npm.waitFor(3, TimeUnit.SECONDS)) {
        progress.printf(
            "cab:   npm pack %s@%s ... %d s%n",
            PACKAGE, VERSION, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      }
    } catch (InterruptedException e) {
      npm.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching libchdb", e);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8).strip();
    if (npm.exitValue() != 0) {
      throw new IOException(
          "'"
              + String.join(" ", packCommand)
              + "' failed with exit code "
              + npm.exitValue()
              + " (is the npm registry reachable?):\n"
              + output);
    }
    try (Stream<Path> files = Files.list(work)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".tgz"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IOException(
                      "'" + String.join(" ", packCommand) + "' wrote no .tgz:\n" + output));
    }
  }

  private static String extract(Path tarball, Path target) throws IOException {
    try (InputStream gz =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16))) {
      TarReader tar = new TarReader(gz);
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        if (entry.name().equals(LIBRARY_ENTRY)) {
          MessageDigest digest = sha256Digest();
          try (InputStream content = new DigestInputStream(tar.content(), digest);
              OutputStream out = Files.newOutputStream(target)) {
            content.transferTo(out);
          }
          return HexFormat.of().formatHex(digest.digest());
        }
      }
    }
    throw new IOException(tarball.getFileName() + " holds no " + LIBRARY_ENTRY);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
