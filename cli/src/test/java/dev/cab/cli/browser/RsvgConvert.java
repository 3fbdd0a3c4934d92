package dev.cab.cli.browser;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * librsvg's {@code rsvg-convert} (Debian's {@code librsvg2-bin}), the renderer behind many READMEs'
 * badges outside browsers: renders an SVG to a PNG, or fails with what it printed. Installed like
 * {@link Chromium} when missing.
 */
public final class RsvgConvert {
  public static final Path BINARY = Path.of("/usr/bin/rsvg-convert");

  private RsvgConvert() {}

  /** Renders {@code svg} at its own size; the image, or an error with rsvg-convert's output. */
  public static BufferedImage render(String svg, Path workDir) throws IOException {
    DebianPackages.ensure(
        "the badge tests need rsvg-convert", List.of(BINARY), List.of("librsvg2-bin"));
    Path in = Files.createTempFile(workDir, "badge", ".svg");
    Path out = in.resolveSibling(in.getFileName() + ".png");
    Files.writeString(in, svg, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(
                BINARY.toString(), "--format=png", "--output", out.toString(), in.toString())
            .redirectErrorStream(true)
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("rsvg-convert did not finish in 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rsvg-convert ran", e);
    }
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "rsvg-convert refused the SVG (" + p.exitValue() + "): " + printed);
    }
    BufferedImage image = ImageIO.read(out.toFile());
    if (image == null) {
      throw new IllegalStateException("rsvg-convert wrote no PNG: " + printed);
    }
    return image;
  }
}
