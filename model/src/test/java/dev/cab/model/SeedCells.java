package dev.cab.model;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cab.model.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Reads the seed-cell fixture that the runner module ships (transcribed from the seed pages). */
public final class SeedCells {
  private SeedCells() {}

  public static final String RESOURCE = "/dev/cab/runner/fixtures/seed-cells.json";

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> load() {
    try (InputStream in = SeedCells.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      Map<String, Object> root = Json.mapper().readValue(in, new TypeReference<>() {});
      return (List<Map<String, Object>>) root.get("cells");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
