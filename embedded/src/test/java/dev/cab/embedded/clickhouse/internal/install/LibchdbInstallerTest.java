package dev.cab.embedded.clickhouse.internal.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibchdbInstallerTest {

  @TempDir Path tmp;

  private final byte[] library =
      "\u007fELF pretend this is libchdb".getBytes(StandardCharsets.UTF_8);
  private Path tarball;
  private Path calls;
  private Path cache;
  private LibchdbInstaller.Pin pin;
  private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
  private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);

  @BeforeEach
  void packageWithALibrary() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
    entries.put("package/libchdb.so", library);
    entries.put("package/index.js", "//".getBytes(StandardCharsets.UTF_8));
    tarball = tmp.resolve("chdb-lib-linux-x64-gnu-26.5.3.tgz");
    Files.write(tarball, tgz(entries));
    calls = tmp.resolve("calls");
    cache = tmp.resolve("cache");
    pin =
        new LibchdbInstaller.Pin(
            sha256(Files.readAllBytes(tarball)), sha256(library), library.length);
  }

  @Test
  void installsTheVerifiedLibraryOnceAndReusesIt() throws Exception {
    LibchdbInstaller installer = installer(fakeNpm(0), pin);

    Path first = installer.install();
    Path second = installer.install();

    assertThat(first).isEqualTo(cache.resolve("libchdb.so")).isEqualTo(second);
    assertThat(Files.readAllBytes(first)).isEqualTo(library);
    assertThat(npmCalls()).isEqualTo(1);
    assertThat(progressBytes.toString(StandardCharsets.UTF_8))
        .contains("fetching libchdb")
        .contains("verified");
    try (var left = Files.list(cache)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no temporary files are left behind")
          .containsExactlyInAnyOrder("libchdb.so", "libchdb.so.sha256", ".lock");
    }
  }

  @Test
  void concurrentFirstUsesInOneJvmDownloadOnce() throws Exception {
    Path npm = fakeNpm(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Path> install = () -> installer(npm, pin).install();
        results.add(pool.submit(install));
      }
      for (Future<Path> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(cache.resolve("libchdb.so"));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(npmCalls()).isEqualTo(1);
  }

  @Test
  void concurrentFirstUsesInTwoProcessesDownloadOnce() throws Exception {
    Path npm = fakeNpm(2);
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                InstallerProcess.class.getName(),
                cache.toString(),
                npm.toString(),
                pin.tarballSha256(),
                pin.librarySha256(),
                Long.toString(pin.libraryBytes()))
            .redirectErrorStream(true)
            .start();

    Path mine = installer(npm, pin).install();

    assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String otherOutput = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(other.exitValue()).as(otherOutput).isZero();
    assertThat(otherOutput).contains("installed " + mine);
    assertThat(npmCalls()).isEqualTo(1);
  }

  @Test
  void refusesATarballWhoseHashDiffers() throws Exception {
    var wrong = new LibchdbInstaller.Pin("00".repeat(32), pin.librarySha256(), pin.libraryBytes());

    assertThatThrownBy(() -> installer(fakeNpm(0), wrong).install())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("SHA-256")
        .hasMessageContaining("pinned");
    assertThat(cache.resolve("libchdb.so")).doesNotExist();
  }

  @Test
  void refusesALibraryWhoseHashDiffers() throws Exception {
    var wrong = new LibchdbInstaller.Pin(pin.tarballSha256(), "11".repeat(32), pin.libraryBytes());

    assertThatThrownBy(() -> installer(fakeNpm(0), wrong).install())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refusing libchdb.so");
    assertThat(cache.resolve("libchdb.so")).doesNotExist();
  }

  @Test
  void replacesATruncatedLibrary() throws Exception {
    installer(fakeNpm(0), pin).install();
    Files.write(cache.resolve("libchdb.so"), new byte[3]);

    Path again = installer(fakeNpm(0), pin).install();

    assertThat(Files.readAllBytes(again)).isEqualTo(library);
    assertThat(npmCalls()).isEqualTo(2);
  }

  @Test
  void saysToInstallNpmWhenItIsMissing() {
    LibchdbInstaller installer =
        new LibchdbInstaller(cache, List.of(tmp.resolve("no-such-npm").toString()), pin, progress);

    assertThatThrownBy(installer::install)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("install Node.js/npm");
  }

  @Test
  void reportsNpmsOutputWhenItFails() throws Exception {
    Path failing = tmp.resolve("failing-npm");
    Files.writeString(failing, "#!/bin/sh\necho 'npm error 404 Not Found' >&2\nexit 1\n");
    Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThatThrownBy(() -> installer(failing, pin).install())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exit code 1")
        .hasMessageContaining("npm error 404 Not Found");
  }

  private LibchdbInstaller installer(Path npm, LibchdbInstaller.Pin p) {
    return new LibchdbInstaller(cache, List.of(npm.toString()), p, progress);
  }

  /** A stand-in for npm that counts its calls, waits, and drops the tarball in the cwd. */
  private Path fakeNpm(int sleepSeconds) throws IOException {
    Path script = tmp.resolve("fake-npm-" + sleepSeconds);
    Files.writeString(
        script,
        "#!/bin/sh\necho call >> '%s'\nsleep %d\ncp '%s' .\n"
            .formatted(calls, sleepSeconds, tarball));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private long npmCalls() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** A gzip'd ustar archive, as npm pack writes one. */
  static byte[] tgz(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        byte[] header = new byte[512];
        put(header, 0, e.getKey());
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", e.getValue().length));
        put(header, 136, "00000000000");
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
          header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
          sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        out.write(header);
        out.write(e.getValue());
        out.write(new byte[(512 - e.getValue().length % 512) % 512]);
      }
      out.write(new byte[1024]);
    }
    return bytes.toByteArray();
  }

  private static void put(byte[] header, int offset, String value) {
    byte[] b = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, header, offset, b.length);
  }

  /** The other process of {@link #concurrentFirstUsesInTwoProcessesDownloadOnce}. */
  static final class InstallerProcess {
    public static void main(String[] args) throws Exception {
      var p = new LibchdbInstaller.Pin(args[2], args[3], Long.parseLong(args[4]));
      Path installed =
          new LibchdbInstaller(Path.of(args[0]), List.of(args[1]), p, System.out).install();
      System.out.println("installed " + installed);
    }
  }
}
