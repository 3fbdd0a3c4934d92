package dev.cab.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The three published seed cells (the spec of a cell record), as the runner's fixture {@code
 * seed-cells.json} transcribes them from the pages: one map per cell, keys as on the page. The
 * fixture ships in the runner's jar (its simulator replays it), so a test that uses this has {@code
 * cab-runner} on its test classpath. Each call reads a fresh, mutable copy.
 */
public final class SeedPages {
  /** Where the runner ships the fixture. */
  public static final String RESOURCE = "/dev/cab/runner/fixtures/seed-cells.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SeedPages() {}

  /** The seed cells in page order (001, 003, 004). */
  public static List<Map<String, Object>> cells() {
    try (InputStream in = SeedPages.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is not on the test classpath: add cab-runner as a test dependency");
      }
      Map<String, Object> root = JSON.readValue(in, new TypeReference<>() {});
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> cells = (List<Map<String, Object>>) root.get("cells");
      return cells;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
